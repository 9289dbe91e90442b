package postgres

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Config is a PostgreSQL target as a dbt-postgres profile describes it.
type Config struct {
	Host     string
	Port     int
	User     string
	Password string
	// Database is the profile's dbname (dbt-postgres also accepts database).
	Database string
	// Schema is the target schema.
	Schema string
	// Threads is gdbt's worker count; it sizes the connection pool.
	Threads int
	// SSLMode is libpq's sslmode; dbt-postgres leaves it to libpq, whose default is prefer.
	SSLMode     string
	SSLCert     string
	SSLKey      string
	SSLRootCert string
	// ConnectTimeout bounds establishing one connection; zero means 10 seconds, as dbt.
	ConnectTimeout time.Duration
	// SearchPath is sent as the search_path startup parameter when set.
	SearchPath string
	// Role is SET on every new connection when set.
	Role string
	// KeepalivesIdle is the TCP keepalive idle time; zero leaves the system default.
	KeepalivesIdle time.Duration
	// ApplicationName is shown in pg_stat_activity; "gdbt" by default.
	ApplicationName string
	// Retries is how many times opening the pool is attempted (at least once).
	Retries int
}

// ParseConfig reads a profile target's fields (already rendered: env_var() calls are
// resolved by the compiler). host, user, dbname and schema are required, as in dbt-postgres.
func ParseConfig(fields map[string]any) (Config, error) {
	cfg := Config{Port: 5432, Threads: 1, ConnectTimeout: 10 * time.Second, ApplicationName: "gdbt", Retries: 1}
	var err error
	str := func(key string, dst *string) {
		if err != nil {
			return
		}
		*dst, err = stringField(fields, key, *dst)
	}
	str("host", &cfg.Host)
	str("user", &cfg.User)
	str("password", &cfg.Password)
	str("pass", &cfg.Password)
	str("database", &cfg.Database)
	str("dbname", &cfg.Database)
	str("schema", &cfg.Schema)
	str("sslmode", &cfg.SSLMode)
	str("sslcert", &cfg.SSLCert)
	str("sslkey", &cfg.SSLKey)
	str("sslrootcert", &cfg.SSLRootCert)
	str("search_path", &cfg.SearchPath)
	str("role", &cfg.Role)
	str("application_name", &cfg.ApplicationName)
	if err != nil {
		return cfg, err
	}
	ints := []struct {
		key string
		dst *int
		min int
	}{{"port", &cfg.Port, 1}, {"threads", &cfg.Threads, 1}, {"retries", &cfg.Retries, 1}}
	for _, f := range ints {
		if v, ok := fields[f.key]; ok && v != nil {
			n, ok := toInt(v)
			if !ok || n < f.min {
				return cfg, fmt.Errorf("postgres profile field %s: want an integer of at least %d, got %v", f.key, f.min, v)
			}
			*f.dst = n
		}
	}
	secs := []struct {
		key string
		dst *time.Duration
	}{{"connect_timeout", &cfg.ConnectTimeout}, {"keepalives_idle", &cfg.KeepalivesIdle}}
	for _, f := range secs {
		if v, ok := fields[f.key]; ok && v != nil {
			n, ok := toInt(v)
			if !ok || n < 0 {
				return cfg, fmt.Errorf("postgres profile field %s: want seconds, got %v", f.key, v)
			}
			*f.dst = time.Duration(n) * time.Second
		}
	}
	for _, req := range []struct{ name, val string }{{"host", cfg.Host}, {"user", cfg.User}, {"dbname", cfg.Database}, {"schema", cfg.Schema}} {
		if req.val == "" {
			return cfg, fmt.Errorf("postgres profile: field %s is required", req.name)
		}
	}
	return cfg, nil
}

// connString renders the configuration as a libpq keyword/value string for pgx. Values are
// always quoted, so a password with spaces or quotes survives.
func (c Config) connString() string {
	kv := [][2]string{
		{"host", c.Host}, {"port", strconv.Itoa(c.Port)}, {"user", c.User}, {"password", c.Password},
		{"dbname", c.Database}, {"sslmode", c.SSLMode}, {"sslcert", c.SSLCert}, {"sslkey", c.SSLKey},
		{"sslrootcert", c.SSLRootCert}, {"application_name", c.ApplicationName},
	}
	if c.ConnectTimeout > 0 {
		kv = append(kv, [2]string{"connect_timeout", strconv.Itoa(int(c.ConnectTimeout / time.Second))})
	}
	var b strings.Builder
	for _, p := range kv {
		if p[1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p[0])
		b.WriteString("='")
		b.WriteString(strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(p[1]))
		b.WriteByte('\'')
	}
	return b.String()
}

// dialer is the net.Dialer a connection uses, carrying keepalives_idle.
func (c Config) dialer() *net.Dialer {
	d := &net.Dialer{Timeout: c.ConnectTimeout, KeepAlive: 5 * time.Minute}
	if c.KeepalivesIdle > 0 {
		d.KeepAlive = c.KeepalivesIdle
	}
	return d
}

func stringField(fields map[string]any, key, def string) (string, error) {
	v, ok := fields[key]
	if !ok || v == nil {
		return def, nil
	}
	switch s := v.(type) {
	case string:
		if s == "" {
			return def, nil
		}
		return s, nil
	case int, int64, float64:
		// A YAML password or user of digits only arrives as a number.
		return fmt.Sprint(s), nil
	}
	return "", fmt.Errorf("postgres profile field %s: want a string, got %T", key, v)
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
