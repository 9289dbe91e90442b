package snowflake

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Authenticator forms a profile may name, as dbt-snowflake 1.9 documents them
// (dbt/adapters/snowflake/connections.py, SnowflakeCredentials.auth_args): the value goes
// to the connector unchanged, except "jwt", which dbt-snowflake sends as OAuth with the
// given token. An https URL is a native Okta login.
const (
	AuthPassword         = "snowflake"
	AuthMFA              = "username_password_mfa"
	AuthKeyPair          = "snowflake_jwt"
	AuthOAuth            = "oauth"
	AuthJWTToken         = "jwt"
	AuthExternalBrowser  = "externalbrowser"
	authOktaPlaceholder  = "https://<okta_account_name>.okta.com"
	supportedAuthForms   = AuthPassword + ", " + AuthMFA + ", " + AuthKeyPair + ", " + AuthOAuth + ", " + AuthJWTToken + ", " + AuthExternalBrowser + " or an Okta URL (" + authOktaPlaceholder + ")"
	defaultConnectRetry  = 1
	connectTimeoutUnset  = -1
	maskedSecretForPrint = "*****"
)

// Config is a Snowflake target as a dbt-snowflake profile describes it, plus gdbt's
// host/port/protocol override, which points the client at another endpoint (a private
// link, or the loopback test server of package fakesf). Its String method masks every
// secret, so a Config printed by mistake leaks nothing.
type Config struct {
	Account   string
	User      string
	Password  string
	Role      string
	Database  string
	Warehouse string
	Schema    string
	// Threads is gdbt's worker count; it sizes the connection pool.
	Threads int
	// Authenticator is one of the Auth* forms, lower-cased, or an Okta URL.
	Authenticator string
	// OktaURL is the parsed Okta endpoint when Authenticator is a URL.
	OktaURL *url.URL
	// Key-pair authentication: a PEM file, or the key inline (PEM or base64 DER), with the
	// passphrase of an encrypted PKCS#8 key.
	PrivateKeyPath       string
	PrivateKey           string
	PrivateKeyPassphrase string
	// Token is the OAuth access token, or the refresh token when OAuthClientID and
	// OAuthClientSecret are set (dbt-snowflake then trades it for an access token).
	Token             string
	OAuthClientID     string
	OAuthClientSecret string
	// QueryTag is set as the QUERY_TAG session parameter of every session.
	QueryTag string
	// ClientSessionKeepAlive keeps sessions alive with heartbeats.
	ClientSessionKeepAlive bool
	// ConnectRetries is how many times a failed login is retried (dbt-snowflake's default 1).
	ConnectRetries int
	// ConnectTimeout is the seconds slept between login retries; -1 means dbt's default,
	// attempt² seconds (0, 1, 4, …).
	ConnectTimeout int
	// RetryOnDatabaseErrors also retries logins the server refused; RetryAll retries every
	// error. By default only network and HTTP errors are retried, as in dbt-snowflake.
	RetryOnDatabaseErrors bool
	RetryAll              bool
	// ReuseConnections keeps logged-in sessions idle in the pool between statements; false
	// logs each session out when it is returned. dbt-snowflake's default: true unless
	// client_session_keep_alive is set.
	ReuseConnections bool
	// InsecureMode turns off the certificate revocation (OCSP) check.
	InsecureMode bool
	ProxyHost    string
	ProxyPort    int
	Host         string
	Port         int
	Protocol     string
	// Transport, when set, carries every HTTP request the client makes (to Snowflake, to an
	// Okta identity provider, to the OAuth token endpoint). No profile field sets it: it is
	// for programs embedding the adapter (a corporate proxy's RoundTripper) and for tests
	// whose loopback identity provider has a test certificate.
	Transport http.RoundTripper
}

// String shows the configuration with every secret replaced by *****.
func (c Config) String() string {
	m := func(s string) string {
		if s == "" {
			return ""
		}
		return maskedSecretForPrint
	}
	return fmt.Sprintf("snowflake{account=%s user=%s authenticator=%s role=%s database=%s warehouse=%s schema=%s password=%s private_key_path=%s private_key=%s private_key_passphrase=%s token=%s oauth_client_id=%s oauth_client_secret=%s query_tag=%s host=%s port=%d protocol=%s}",
		c.Account, c.User, c.Authenticator, c.Role, c.Database, c.Warehouse, c.Schema, m(c.Password), c.PrivateKeyPath,
		m(c.PrivateKey), m(c.PrivateKeyPassphrase), m(c.Token), c.OAuthClientID, m(c.OAuthClientSecret), c.QueryTag, c.Host, c.Port, c.Protocol)
}

// GoString masks secrets in %#v too.
func (c Config) GoString() string { return c.String() }

// ParseConfig reads a profile target's fields (already rendered). account, database and
// schema are required; which credentials are required depends on the authenticator, as in
// dbt-snowflake.
func ParseConfig(fields map[string]any) (Config, error) {
	cfg := Config{Threads: 1, ConnectRetries: defaultConnectRetry, ConnectTimeout: connectTimeoutUnset}
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"account", &cfg.Account}, {"user", &cfg.User}, {"password", &cfg.Password},
		{"role", &cfg.Role}, {"database", &cfg.Database}, {"warehouse", &cfg.Warehouse},
		{"schema", &cfg.Schema}, {"authenticator", &cfg.Authenticator}, {"host", &cfg.Host},
		{"protocol", &cfg.Protocol}, {"private_key_path", &cfg.PrivateKeyPath}, {"private_key", &cfg.PrivateKey},
		{"private_key_passphrase", &cfg.PrivateKeyPassphrase}, {"token", &cfg.Token},
		{"oauth_client_id", &cfg.OAuthClientID}, {"oauth_client_secret", &cfg.OAuthClientSecret},
		{"query_tag", &cfg.QueryTag}, {"proxy_host", &cfg.ProxyHost},
	} {
		v, ok := fields[f.key]
		if !ok || v == nil {
			continue
		}
		switch s := v.(type) {
		case string:
			*f.dst = s
		case int, int64, float64:
			*f.dst = fmt.Sprint(s)
		default:
			// The value itself is not shown: it may be a secret.
			return cfg, fmt.Errorf("snowflake profile field %s: want a string, got %T", f.key, v)
		}
	}
	for _, f := range []struct {
		key string
		dst *int
		min int
	}{{"threads", &cfg.Threads, 1}, {"port", &cfg.Port, 1}, {"proxy_port", &cfg.ProxyPort, 1},
		{"connect_retries", &cfg.ConnectRetries, 0}, {"connect_timeout", &cfg.ConnectTimeout, 0}} {
		v, ok := fields[f.key]
		if !ok || v == nil {
			continue
		}
		n, ok := toInt(v)
		if !ok || n < f.min {
			return cfg, fmt.Errorf("snowflake profile field %s: want an integer of at least %d, got %v", f.key, f.min, v)
		}
		*f.dst = n
	}
	var reuse *bool
	for _, f := range []struct {
		key string
		dst *bool
	}{{"client_session_keep_alive", &cfg.ClientSessionKeepAlive}, {"retry_on_database_errors", &cfg.RetryOnDatabaseErrors},
		{"retry_all", &cfg.RetryAll}, {"insecure_mode", &cfg.InsecureMode}, {"reuse_connections", &cfg.ReuseConnections}} {
		v, ok := fields[f.key]
		if !ok || v == nil {
			continue
		}
		b, ok := toBool(v)
		if !ok {
			return cfg, fmt.Errorf("snowflake profile field %s: want true or false, got %v", f.key, v)
		}
		*f.dst = b
		if f.key == "reuse_connections" {
			reuse = &b
		}
	}
	// connections.py __post_init__: reuse_connections defaults to true only when
	// client_session_keep_alive is off (both on could keep sessions open forever).
	if reuse == nil {
		cfg.ReuseConnections = !cfg.ClientSessionKeepAlive
	}
	if p := cfg.Protocol; p != "" && p != "http" && p != "https" {
		return cfg, fmt.Errorf("snowflake profile field protocol: want http or https, got %q", p)
	}
	if err := cfg.checkAuth(); err != nil {
		return cfg, err
	}
	for _, req := range []struct{ name, val string }{
		{"account", cfg.Account}, {"database", cfg.Database}, {"schema", cfg.Schema},
	} {
		if req.val == "" {
			return cfg, fmt.Errorf("snowflake profile: field %s is required", req.name)
		}
	}
	return cfg, nil
}

// checkAuth normalizes the authenticator and checks that the fields it needs are there.
func (c *Config) checkAuth() error {
	a := strings.TrimSpace(c.Authenticator)
	hasKey := c.PrivateKey != "" || c.PrivateKeyPath != ""
	if c.PrivateKey != "" && c.PrivateKeyPath != "" {
		// auth args: _get_private_key
		return fmt.Errorf("snowflake profile: cannot specify both private_key and private_key_path")
	}
	switch low := strings.ToLower(a); {
	case low == "" || low == AuthPassword:
		// The Python connector signs in with the key whenever one is given and no other
		// authenticator is named; so does gdbt.
		if hasKey {
			c.Authenticator = AuthKeyPair
		} else {
			c.Authenticator = AuthPassword
		}
	case low == AuthMFA || low == AuthKeyPair || low == AuthOAuth || low == AuthJWTToken || low == AuthExternalBrowser:
		c.Authenticator = low
	case strings.HasPrefix(low, "https://"):
		u, err := url.Parse(a)
		if err != nil || u.Host == "" {
			return fmt.Errorf("snowflake profile field authenticator: %q is not an Okta URL", a)
		}
		c.Authenticator, c.OktaURL = u.String(), u
	case strings.HasPrefix(low, "http://"):
		return fmt.Errorf("snowflake profile field authenticator: an Okta URL must use https, got %q", a)
	default:
		return fmt.Errorf("snowflake profile field authenticator: %q is not supported (use %s)", a, supportedAuthForms)
	}
	need := func(field, val string) error {
		if val == "" {
			return fmt.Errorf("snowflake profile: field %s is required with authenticator %s", field, c.Authenticator)
		}
		return nil
	}
	var err error
	switch c.Authenticator {
	case AuthPassword, AuthMFA:
		err = firstErr(need("user", c.User), need("password", c.Password))
	case AuthKeyPair:
		if !hasKey {
			return fmt.Errorf("snowflake profile: authenticator %s needs private_key_path or private_key", AuthKeyPair)
		}
		err = need("user", c.User)
	case AuthOAuth:
		err = need("token", c.Token)
		if err == nil && (c.OAuthClientID == "") != (c.OAuthClientSecret == "") {
			// auth_args warns and then logs in with the refresh token as an access token,
			// which cannot work; gdbt says so instead.
			err = fmt.Errorf("snowflake profile: oauth_client_id and oauth_client_secret go together (the token is then a refresh token)")
		}
	case AuthJWTToken:
		err = need("token", c.Token)
	case AuthExternalBrowser:
		err = need("user", c.User)
	default: // Okta
		err = firstErr(need("user", c.User), need("password", c.Password))
	}
	if err == nil && c.Authenticator != AuthOAuth && (c.OAuthClientID != "" || c.OAuthClientSecret != "") {
		// connections.py __post_init__ warns: "Did you mean to set authenticator: oauth?"
		err = fmt.Errorf("snowflake profile: oauth_client_id/oauth_client_secret are set but authenticator is %s (did you mean authenticator: oauth?)", c.Authenticator)
	}
	return err
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	case string:
		i, err := strconv.Atoi(strings.TrimSpace(n))
		return i, err == nil
	}
	return 0, false
}

// toBool reads YAML booleans, and the strings an env_var() renders to.
func toBool(v any) (bool, bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		switch strings.ToLower(strings.TrimSpace(b)) {
		case "true", "yes", "on", "1":
			return true, true
		case "false", "no", "off", "0":
			return false, true
		}
	case int:
		return b != 0, b == 0 || b == 1
	}
	return false, false
}
