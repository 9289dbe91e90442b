package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDebugMasksSecrets: gdbt debug shows the profile of each adapter's credential forms
// with every secret masked, including those inside other values (an attach connection
// string, a MotherDuck path, a settings mapping), and the errors it prints leak none.
func TestDebugMasksSecrets(t *testing.T) {
	shop := fixtureProject(t, "shop.txtar")
	profiles := `shop:
  target: sf
  outputs:
    sf:
      type: snowflake
      account: x
      user: u
      authenticator: oauth
      token: SECRET-refresh-token
      oauth_client_id: client
      oauth_client_secret: SECRET-client
      private_key_passphrase: SECRET-passphrase
    md:
      type: duckdb
      path: "md:analytics?motherduck_token=SECRET-md-token"
      settings: {motherduck_token: SECRET-md-setting}
      attach:
        - {path: "dbname=shop host=127.0.0.1 user=u password=SECRET-pg-password", type: postgres, alias: pg}
      secrets:
        - {type: s3, key_id: SECRET-key-id, secret: SECRET-s3, region: eu-west-1}
`
	if err := os.WriteFile(filepath.Join(shop, "profiles.yml"), []byte(profiles), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"sf", "md"} {
		code, out, errText := runCLI(t, "debug", "--project-dir", shop, "-t", target)
		if code != 1 {
			t.Errorf("%s: exit %d (want 1: the connection cannot be made here)\n%s\n%s", target, code, out, errText)
		}
		if strings.Contains(out+errText, "SECRET") {
			t.Errorf("%s: a secret is shown:\n%s\n%s", target, out, errText)
		}
		if !strings.Contains(out, "*****") {
			t.Errorf("%s: nothing masked:\n%s", target, out)
		}
	}
}
