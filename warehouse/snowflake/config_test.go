package snowflake

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/snowflakedb/gosnowflake"
)

func TestParseConfig(t *testing.T) {
	base := func() map[string]any {
		return map[string]any{"account": "xy123.eu-west-1", "user": "dbt", "password": 1234, "database": "ANALYTICS",
			"schema": "dbt_dev", "warehouse": "TRANSFORMING", "role": "TRANSFORMER", "threads": 8}
	}
	cfg, err := ParseConfig(base())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Password != "1234" || cfg.Threads != 8 || cfg.Role != "TRANSFORMER" || cfg.Authenticator != "snowflake" {
		t.Errorf("config = %+v", cfg)
	}
	if cfg.ConnectRetries != 1 || cfg.ConnectTimeout != -1 || !cfg.ReuseConnections || cfg.RetryAll || cfg.InsecureMode {
		t.Errorf("dbt-snowflake defaults: %+v", cfg)
	}
	cc, err := cfg.clientConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cc.Account != "xy123.eu-west-1" || cc.Warehouse != "TRANSFORMING" || cc.Host != "" || cc.Authenticator != gosnowflake.AuthTypeSnowflake {
		t.Errorf("client config = %+v", cc)
	}
	f := base()
	f["host"], f["port"], f["protocol"] = "127.0.0.1", "8443", "http"
	if cfg, err = ParseConfig(f); err != nil || cfg.Port != 8443 || cfg.Protocol != "http" {
		t.Errorf("override = %+v, %v", cfg, err)
	}
	bad := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"no account", func(m map[string]any) { delete(m, "account") }, "account is required"},
		{"no password", func(m map[string]any) { delete(m, "password") }, "field password is required with authenticator snowflake"},
		{"no schema", func(m map[string]any) { m["schema"] = "" }, "schema is required"},
		{"unknown authenticator", func(m map[string]any) { m["authenticator"] = "saml2" }, `"saml2" is not supported (use snowflake, username_password_mfa, snowflake_jwt`},
		{"okta over http", func(m map[string]any) { m["authenticator"] = "http://acme.okta.com" }, "must use https"},
		{"jwt without key", func(m map[string]any) { m["authenticator"] = "snowflake_jwt" }, "needs private_key_path or private_key"},
		{"both keys", func(m map[string]any) { m["private_key"], m["private_key_path"] = "x", "y" }, "both private_key and private_key_path"},
		{"oauth without token", func(m map[string]any) { m["authenticator"] = "oauth" }, "field token is required with authenticator oauth"},
		{"oauth half client", func(m map[string]any) {
			m["authenticator"], m["token"], m["oauth_client_id"] = "oauth", "r", "id"
		}, "oauth_client_id and oauth_client_secret go together"},
		{"client without oauth", func(m map[string]any) { m["oauth_client_secret"] = "s" }, "did you mean authenticator: oauth"},
		{"mfa without password", func(m map[string]any) { m["authenticator"] = "username_password_mfa"; delete(m, "password") }, "password is required"},
		{"browser without user", func(m map[string]any) { m["authenticator"] = "externalbrowser"; delete(m, "user") }, "user is required"},
		{"threads", func(m map[string]any) { m["threads"] = "many" }, "threads"},
		{"retries", func(m map[string]any) { m["connect_retries"] = -1 }, "connect_retries: want an integer of at least 0"},
		{"retry_all", func(m map[string]any) { m["retry_all"] = "maybe" }, "retry_all: want true or false"},
		{"protocol", func(m map[string]any) { m["protocol"] = "ftp" }, "protocol"},
		{"user type", func(m map[string]any) { m["user"] = []string{"x"} }, "want a string"},
	}
	for _, c := range bad {
		m := base()
		c.edit(m)
		if _, err := ParseConfig(m); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error = %v, want %q", c.name, err, c.want)
		}
	}
}

// TestClientConfigForms checks what each profile form hands gosnowflake (the driver
// options), without a server.
func TestClientConfigForms(t *testing.T) {
	base := map[string]any{"account": "acme", "user": "dbt", "database": "D", "schema": "S"}
	with := func(kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name  string
		field map[string]any
		check func(*gosnowflake.Config) string
	}{
		{"mfa", with("authenticator", "username_password_mfa", "password", "p"), func(c *gosnowflake.Config) string {
			return fmt.Sprint(c.Authenticator == gosnowflake.AuthTypeUsernamePasswordMFA, c.ClientRequestMfaToken == gosnowflake.ConfigBoolTrue)
		}},
		{"key path, no authenticator", with("private_key_path", "testdata/rsa_key.p8"), func(c *gosnowflake.Config) string {
			return fmt.Sprint(c.Authenticator == gosnowflake.AuthTypeJwt, c.PrivateKey != nil)
		}},
		{"oauth token", with("authenticator", "oauth", "token", "tok"), func(c *gosnowflake.Config) string {
			return fmt.Sprint(c.Authenticator == gosnowflake.AuthTypeOAuth, c.Token == "tok")
		}},
		{"jwt token", with("authenticator", "jwt", "token", "tok"), func(c *gosnowflake.Config) string {
			return fmt.Sprint(c.Authenticator == gosnowflake.AuthTypeOAuth, c.Token == "tok")
		}},
		{"externalbrowser", with("authenticator", "ExternalBrowser"), func(c *gosnowflake.Config) string {
			return fmt.Sprint(c.Authenticator == gosnowflake.AuthTypeExternalBrowser, c.ClientStoreTemporaryCredential == gosnowflake.ConfigBoolTrue)
		}},
		{"okta", with("authenticator", "https://acme.okta.com", "password", "p"), func(c *gosnowflake.Config) string {
			return fmt.Sprint(c.Authenticator == gosnowflake.AuthTypeOkta, c.OktaURL.String() == "https://acme.okta.com")
		}},
		{"session options", with("password", "p", "query_tag", "nightly", "client_session_keep_alive", true, "insecure_mode", true, "proxy_host", "proxy", "proxy_port", 3128),
			func(c *gosnowflake.Config) string {
				return fmt.Sprint(*c.Params["query_tag"] == "nightly", *c.Params["client_session_keep_alive"] == "true", c.DisableOCSPChecks, c.ProxyHost == "proxy" && c.ProxyPort == 3128)
			}},
	}
	for _, c := range cases {
		cfg, err := ParseConfig(c.field)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		cc, err := cfg.clientConfig(context.Background())
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := c.check(cc); strings.Contains(got, "false") {
			t.Errorf("%s: checks = %s", c.name, got)
		}
	}
	cfg, _ := ParseConfig(with("password", "p", "client_session_keep_alive", true))
	if cfg.ReuseConnections {
		t.Error("reuse_connections defaults to false with client_session_keep_alive (connections.py __post_init__)")
	}
}

// TestPrivateKeyForms reads the same key in every form dbt-snowflake accepts: a PEM file,
// inline PEM, base64 DER, and OpenSSL's encrypted PKCS#8 with its passphrase.
func TestPrivateKeyForms(t *testing.T) {
	const pass = "gdbt-test-passphrase"
	plain, err := os.ReadFile("testdata/rsa_key.p8")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(plain)
	want, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := os.ReadFile("testdata/rsa_key_encrypted.p8")
	encBlock, _ := pem.Decode(enc)
	ok := []Config{
		{PrivateKeyPath: "testdata/rsa_key.p8"},
		{PrivateKeyPath: "testdata/rsa_key_encrypted.p8", PrivateKeyPassphrase: pass},
		{PrivateKey: string(plain)},
		{PrivateKey: string(enc), PrivateKeyPassphrase: pass},
		{PrivateKey: base64.StdEncoding.EncodeToString(block.Bytes)},
		{PrivateKey: base64.StdEncoding.EncodeToString(encBlock.Bytes), PrivateKeyPassphrase: pass},
	}
	for i, c := range ok {
		got, err := c.loadPrivateKey()
		if err != nil {
			t.Errorf("form %d: %v", i, err)
			continue
		}
		if !got.Equal(want) {
			t.Errorf("form %d: a different key", i)
		}
	}
	bad := []struct {
		cfg  Config
		want string
	}{
		{Config{PrivateKeyPath: "testdata/rsa_key_encrypted.p8"}, "the key is encrypted: set private_key_passphrase"},
		{Config{PrivateKeyPath: "testdata/rsa_key_encrypted.p8", PrivateKeyPassphrase: "wrong-" + pass}, "cannot decrypt the key"},
		{Config{PrivateKeyPath: "testdata/rsa_key.p8", PrivateKeyPassphrase: pass}, "the key is not encrypted"},
		{Config{PrivateKeyPath: "testdata/missing.p8"}, "private_key_path: open testdata/missing.p8"},
		{Config{PrivateKey: "not a key!"}, "neither PEM"},
		{Config{PrivateKey: "-----BEGIN NOTHING"}, "no PEM block"},
	}
	for _, b := range bad {
		_, err := b.cfg.loadPrivateKey()
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error = %v, want %q", b.cfg, err, b.want)
			continue
		}
		if strings.Contains(err.Error(), pass) || strings.Contains(err.Error(), "MII") {
			t.Errorf("error leaks a secret: %v", err)
		}
	}
}

// TestConfigStringMasksSecrets: a Config printed with %v, %+v or %#v shows no secret.
func TestConfigStringMasksSecrets(t *testing.T) {
	cfg, err := ParseConfig(map[string]any{"account": "a", "user": "u", "database": "d", "schema": "s",
		"authenticator": "oauth", "token": "refresh-SECRET1", "oauth_client_id": "client", "oauth_client_secret": "SECRET2",
		"password": "SECRET3", "private_key_passphrase": "SECRET4"})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, cfg)
		if strings.Contains(out, "SECRET") || !strings.Contains(out, "*****") || !strings.Contains(out, "oauth_client_id=client") {
			t.Errorf("%s: %s", format, out)
		}
	}
}
