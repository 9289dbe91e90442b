package snowflake_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse/snowflake"
	"github.com/gdbt-dev/gdbt/warehouse/snowflake/fakesf"
)

// testKey is the committed test-only key pair (testdata/rsa_key.p8; the same key
// encrypted by OpenSSL with testPassphrase is rsa_key_encrypted.p8).
func testKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	b, err := os.ReadFile("testdata/rsa_key.p8")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

const testPassphrase = "gdbt-test-passphrase"

var userSeq atomic.Int64

// uniqueUser names a user no earlier run used: gosnowflake caches MFA and ID tokens per
// host and user in ~/.cache/snowflake, which a test cannot redirect (it is set up when the
// package loads).
func uniqueUser(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, time.Now().UnixNano(), userSeq.Add(1))
}

// authFields is the fake's profile with the credential fields replaced by kv.
func authFields(srv *fakesf.Server, kv ...any) map[string]any {
	f := srv.Fields("main")
	delete(f, "password")
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(f, kv[i].(string))
			continue
		}
		f[kv[i].(string)] = kv[i+1]
	}
	return f
}

// tryOpen opens and runs one query, returning the error of either.
func tryOpen(fields map[string]any) error {
	cfg, err := snowflake.ParseConfig(fields)
	if err != nil {
		return err
	}
	a, err := snowflake.Open(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	_, _, err = a.Execute(context.Background(), "select 1", true)
	return err
}

func lastLogin(t *testing.T, srv *fakesf.Server) fakesf.Login {
	t.Helper()
	l := srv.Logins()
	if len(l) == 0 {
		t.Fatal("no login recorded")
	}
	return l[len(l)-1]
}

// TestKeyPairLogin: the fake verifies the JWT gosnowflake signs against the public key
// registered for the user, for each way a profile gives the key.
func TestKeyPairLogin(t *testing.T) {
	srv := startFake(t)
	key := testKey(t)
	srv.AddUser("KEYUSER", fakesf.User{PublicKey: &key.PublicKey})
	plain, _ := os.ReadFile("testdata/rsa_key.p8")
	block, _ := pem.Decode(plain)
	enc, _ := filepath.Abs("testdata/rsa_key_encrypted.p8")
	forms := [][]any{
		{"authenticator", "snowflake_jwt", "private_key_path", enc, "private_key_passphrase", testPassphrase},
		{"private_key", string(plain)},
		{"authenticator", "snowflake_jwt", "private_key", base64.StdEncoding.EncodeToString(block.Bytes)},
	}
	for i, kv := range forms {
		if err := tryOpen(authFields(srv, append([]any{"user", "keyuser"}, kv...)...)); err != nil {
			t.Fatalf("form %d: %v", i, err)
		}
		if l := lastLogin(t, srv); l.Authenticator != "SNOWFLAKE_JWT" || l.User != "KEYUSER" {
			t.Errorf("form %d: login = %+v", i, l)
		}
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(other)
	err = tryOpen(authFields(srv, "user", "keyuser", "private_key", base64.StdEncoding.EncodeToString(der)))
	if err == nil || !strings.Contains(err.Error(), "signature does not match") {
		t.Errorf("a key the user does not have: %v", err)
	}
}

// TestOAuthLogin: an access token logs in; a refresh token with the client's id and secret
// is traded at /oauth/token-request first; dbt-snowflake's "jwt" sends a token as OAuth.
func TestOAuthLogin(t *testing.T) {
	srv := startFake(t)
	srv.AddUser("OAUTHUSER", fakesf.User{})
	srv.AddOAuthToken("access-TOKEN-1", "oauthuser")
	srv.AddOAuthClient("client-1", "client-SECRET", "refresh-TOKEN", "oauthuser")
	if err := tryOpen(authFields(srv, "user", nil, "authenticator", "oauth", "token", "access-TOKEN-1")); err != nil {
		t.Fatal(err)
	}
	if l := lastLogin(t, srv); l.Authenticator != "OAUTH" || l.User != "OAUTHUSER" {
		t.Errorf("login = %+v", l)
	}
	if err := tryOpen(authFields(srv, "user", nil, "authenticator", "jwt", "token", "access-TOKEN-1")); err != nil {
		t.Fatal(err)
	}
	before := len(srv.Logins())
	if err := tryOpen(authFields(srv, "user", nil, "authenticator", "oauth", "token", "refresh-TOKEN",
		"oauth_client_id", "client-1", "oauth_client_secret", "client-SECRET")); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Logins()); n != before+1 {
		t.Errorf("refresh-token login: %d logins, want %d", n, before+1)
	}
	for _, kv := range [][]any{
		{"authenticator", "oauth", "token", "wrong-TOKEN"},
		{"authenticator", "oauth", "token", "refresh-TOKEN", "oauth_client_id", "client-1", "oauth_client_secret", "wrong-SECRET"},
	} {
		err := tryOpen(authFields(srv, kv...))
		if err == nil {
			t.Errorf("%v: logged in", kv)
			continue
		}
		if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "TOKEN") {
			t.Errorf("error shows a secret: %v", err)
		}
	}
}

// TestMFALogin: the first login answers the second factor (the fake approves the push)
// and gets an MFA token, which gosnowflake caches and the next login presents instead.
func TestMFALogin(t *testing.T) {
	srv := startFake(t)
	user := uniqueUser("MFA")
	srv.AddUser(user, fakesf.User{Password: "pw", MFA: true})
	f := authFields(srv, "user", user, "password", "pw", "authenticator", "username_password_mfa", "threads", 1)
	for i := 0; i < 2; i++ {
		if err := tryOpen(f); err != nil {
			t.Fatal(err)
		}
	}
	logins := srv.Logins()
	if logins[0].CachedToken || logins[0].Authenticator != "SNOWFLAKE" || logins[0].SessionParameters["CLIENT_REQUEST_MFA_TOKEN"] != true {
		t.Errorf("first login = %+v", logins[0])
	}
	if !logins[len(logins)-1].CachedToken {
		t.Errorf("the second adapter did not present the cached MFA token: %+v", logins)
	}
	if err := tryOpen(authFields(srv, "user", user, "password", "bad", "authenticator", "username_password_mfa")); err == nil {
		t.Error("a wrong password logged in")
	}
}

// TestExternalBrowserLogin runs the SSO flow with a stand-in browser: an xdg-open on PATH
// that fetches the login page with bash's /dev/tcp; the fake then redirects to the
// client's local port, as the identity provider would. The ID token is cached, so the
// second adapter logs in without the browser.
func TestExternalBrowserLogin(t *testing.T) {
	srv := startFake(t)
	dir := t.TempDir()
	script := `#!/bin/bash
url="$1"; rest="${url#http://}"; hostport="${rest%%/*}"; path="/${rest#*/}"
exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3
cat <&3 >/dev/null
`
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	user := uniqueUser("SSO")
	srv.AddUser(user, fakesf.User{})
	f := authFields(srv, "user", user, "authenticator", "externalbrowser", "threads", 1)
	for i := 0; i < 2; i++ {
		if err := tryOpen(f); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.BrowserVisits(); n != 1 {
		t.Errorf("browser opened %d times, want 1", n)
	}
	logins := srv.Logins()
	if logins[0].Authenticator != "EXTERNALBROWSER" || logins[len(logins)-1].Authenticator != "ID_TOKEN" {
		t.Errorf("logins = %+v", logins)
	}
}

// TestLoginRetriesAndSessionOptions: connect_retries, retry_on_database_errors and
// retry_all decide whether a refused login is tried again, as in dbt-snowflake; role,
// warehouse, query_tag and client_session_keep_alive reach the login request.
func TestLoginRetriesAndSessionOptions(t *testing.T) {
	srv := startFake(t)
	cases := []struct {
		fail int
		kv   []any
		ok   bool
	}{
		{1, nil, false}, // a server error is a DatabaseError: not retried by default
		{1, []any{"retry_on_database_errors", true, "connect_timeout", 0}, true},
		{2, []any{"retry_on_database_errors", true, "connect_timeout", 0}, false}, // one retry by default
		{2, []any{"retry_all", true, "connect_retries", 2, "connect_timeout", 0}, true},
	}
	for _, c := range cases {
		srv.FailLogins(c.fail)
		err := tryOpen(authFields(srv, append([]any{"password", "x"}, c.kv...)...))
		if (err == nil) != c.ok {
			t.Errorf("fail %d, %v: error = %v", c.fail, c.kv, err)
		}
		srv.FailLogins(0)
	}
	err := tryOpen(authFields(srv, "password", "x", "role", "TRANSFORMER", "query_tag", "gdbt-nightly", "client_session_keep_alive", true))
	if err != nil {
		t.Fatal(err)
	}
	l := lastLogin(t, srv)
	if l.Role != "TRANSFORMER" || l.Warehouse != "wh" || l.SessionParameters["QUERY_TAG"] != "gdbt-nightly" || l.SessionParameters["CLIENT_SESSION_KEEP_ALIVE"] != "true" {
		t.Errorf("login = %+v", l)
	}
}

// TestOktaLogin runs gosnowflake's native Okta SSO (authenticator: the Okta URL) end to
// end against a TLS loopback identity provider: the authenticator request, the IdP's
// primary authentication, the one-time token traded for the SAML form, and the login with
// the assertion. A wrong Okta password, and an IdP the account does not trust, fail.
func TestOktaLogin(t *testing.T) {
	srv := startFake(t)
	idp := srv.StartOkta()
	t.Cleanup(idp.Close)
	idp.AddUser("okta_user", "okta-PASSWORD")
	open := func(authenticator, password string) error {
		cfg, err := snowflake.ParseConfig(authFields(srv, "user", "okta_user", "password", password, "authenticator", authenticator, "threads", 1))
		if err != nil {
			return err
		}
		cfg.Transport = idp.Transport()
		a, err := snowflake.Open(context.Background(), cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		_, _, err = a.Execute(context.Background(), "select 1", true)
		return err
	}
	if err := open(idp.URL(), "okta-PASSWORD"); err != nil {
		t.Fatal(err)
	}
	if l := lastLogin(t, srv); l.Authenticator != "OKTA" || l.User != "OKTA_USER" {
		t.Errorf("login = %+v", l)
	}
	if n := idp.Authns(); n < 1 {
		t.Errorf("the identity provider saw %d authentications", n)
	}
	before := len(srv.Logins())
	err := open(idp.URL(), "wrong-PASSWORD")
	if err == nil {
		t.Fatal("a wrong Okta password logged in")
	}
	t.Logf("wrong password: %v", err)
	if strings.Contains(err.Error(), "PASSWORD") {
		t.Errorf("error shows the password: %v", err)
	}
	if err := open("https://untrusted.okta.example", "okta-PASSWORD"); err == nil || !strings.Contains(err.Error(), "not accepted by your Snowflake account") {
		t.Errorf("an identity provider the account does not trust: %v", err)
	}
	if n := len(srv.Logins()); n != before {
		t.Errorf("failed Okta logins were recorded as logins: %d, want %d", n, before)
	}
}

// TestReuseConnections: with reuse_connections (dbt-snowflake's default) statements share
// one logged-in session; with reuse_connections: false each session is logged out when
// given back, so every statement logs in again.
func TestReuseConnections(t *testing.T) {
	srv := startFake(t)
	for _, c := range []struct {
		reuse  bool
		logins int
	}{{true, 1}, {false, 4}} {
		before := len(srv.Logins())
		cfg, err := snowflake.ParseConfig(authFields(srv, "password", "x", "threads", 1, "reuse_connections", c.reuse))
		if err != nil {
			t.Fatal(err)
		}
		a, err := snowflake.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if _, _, err := a.Execute(context.Background(), "select 1", true); err != nil {
				t.Fatal(err)
			}
		}
		a.Close()
		if n := len(srv.Logins()) - before; n != c.logins {
			t.Errorf("reuse_connections %v: %d logins for a ping and 3 statements, want %d", c.reuse, n, c.logins)
		}
	}
}
