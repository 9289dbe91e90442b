package snowflake

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/snowflakedb/gosnowflake"
)

// TestClientConfigGolden renders the options gosnowflake receives for each profile form
// into testdata/client_config.golden (secrets shown only as set or not), so a change in
// what the driver is told shows as a diff. Run with -update to accept a change.
func TestClientConfigGolden(t *testing.T) {
	base := []any{"account", "acme.eu-west-1", "user", "dbt", "database", "ANALYTICS", "schema", "dbt_ci"}
	forms := []struct {
		name string
		kv   []any
	}{
		{"password (default)", []any{"password", "pw"}},
		{"password, every session field", []any{"password", "pw", "role", "TRANSFORMER", "warehouse", "WH", "query_tag", "nightly",
			"client_session_keep_alive", true, "insecure_mode", true, "connect_timeout", 30, "proxy_host", "proxy.local", "proxy_port", 3128,
			"host", "acme.privatelink.snowflakecomputing.com", "port", 8443, "protocol", "https"}},
		{"username_password_mfa", []any{"authenticator", "username_password_mfa", "password", "pw"}},
		{"snowflake_jwt, key file", []any{"authenticator", "snowflake_jwt", "private_key_path", "testdata/rsa_key.p8"}},
		{"key file, no authenticator", []any{"private_key_path", "testdata/rsa_key.p8"}},
		{"oauth", []any{"authenticator", "oauth", "token", "tok"}},
		{"jwt (token sent as oauth)", []any{"authenticator", "jwt", "token", "tok"}},
		{"externalbrowser", []any{"authenticator", "externalbrowser"}},
		{"okta", []any{"authenticator", "https://acme.okta.com", "password", "pw"}},
	}
	var b strings.Builder
	for _, f := range forms {
		fields := map[string]any{}
		kv := append(append([]any{}, base...), f.kv...)
		for i := 0; i < len(kv); i += 2 {
			fields[kv[i].(string)] = kv[i+1]
		}
		cfg, err := ParseConfig(fields)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		cc, err := cfg.clientConfig(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		fmt.Fprintf(&b, "== %s\n%s\n", f.name, describeClientConfig(cc))
	}
	got := b.String()
	path := filepath.Join("testdata", "client_config.golden")
	if u := flag.Lookup("update"); u != nil && u.Value.String() == "true" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("driver options differ from %s (run with -update to accept):\n%s", path, got)
	}
}

// describeClientConfig lists the gosnowflake options gdbt sets, one per line; secrets are
// shown as set or unset only.
func describeClientConfig(c *gosnowflake.Config) string {
	set := func(ok bool) string {
		if ok {
			return "set"
		}
		return "unset"
	}
	okta := ""
	if c.OktaURL != nil {
		okta = c.OktaURL.String()
	}
	var params []string
	for k, v := range c.Params {
		params = append(params, k+"="+*v)
	}
	sort.Strings(params)
	return strings.Join([]string{
		fmt.Sprintf("account=%s user=%s role=%s database=%s schema=%s warehouse=%s", c.Account, c.User, c.Role, c.Database, c.Schema, c.Warehouse),
		fmt.Sprintf("host=%s port=%d protocol=%s proxy=%s:%d/%s", c.Host, c.Port, c.Protocol, c.ProxyHost, c.ProxyPort, c.ProxyProtocol),
		fmt.Sprintf("authenticator=%s okta_url=%s password=%s token=%s private_key=%s", c.Authenticator, okta, set(c.Password != ""), set(c.Token != ""), set(c.PrivateKey != nil)),
		fmt.Sprintf("client_request_mfa_token=%v client_store_temporary_credential=%v", c.ClientRequestMfaToken == gosnowflake.ConfigBoolTrue, c.ClientStoreTemporaryCredential == gosnowflake.ConfigBoolTrue),
		fmt.Sprintf("application=%s login_timeout=%s disable_telemetry=%v disable_ocsp_checks=%v tracing=%s", c.Application, c.LoginTimeout, c.DisableTelemetry, c.DisableOCSPChecks, c.Tracing),
		"params=" + strings.Join(params, ","),
	}, "\n")
}
