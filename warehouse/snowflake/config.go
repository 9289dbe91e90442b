package snowflake

import (
	"fmt"
	"strconv"
	"strings"
)

// Config is a Snowflake target as a dbt-snowflake profile describes it, plus gdbt's
// host/port/protocol override, which points the client at another endpoint (a private
// link, or the loopback test server of package fakesf).
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
	// Authenticator is "snowflake" (password), the only one gdbt supports yet.
	Authenticator string
	Host          string
	Port          int
	Protocol      string
}

// ParseConfig reads a profile target's fields (already rendered). account, user,
// password, database and schema are required, as in dbt-snowflake.
func ParseConfig(fields map[string]any) (Config, error) {
	cfg := Config{Threads: 1, Authenticator: "snowflake"}
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"account", &cfg.Account}, {"user", &cfg.User}, {"password", &cfg.Password},
		{"role", &cfg.Role}, {"database", &cfg.Database}, {"warehouse", &cfg.Warehouse},
		{"schema", &cfg.Schema}, {"authenticator", &cfg.Authenticator}, {"host", &cfg.Host},
		{"protocol", &cfg.Protocol},
	} {
		v, ok := fields[f.key]
		if !ok || v == nil {
			continue
		}
		switch s := v.(type) {
		case string:
			if s != "" {
				*f.dst = s
			}
		case int, int64, float64:
			*f.dst = fmt.Sprint(s)
		default:
			return cfg, fmt.Errorf("snowflake profile field %s: want a string, got %T", f.key, v)
		}
	}
	for _, f := range []struct {
		key string
		dst *int
	}{{"threads", &cfg.Threads}, {"port", &cfg.Port}} {
		v, ok := fields[f.key]
		if !ok || v == nil {
			continue
		}
		n, ok := toInt(v)
		if !ok || n < 1 {
			return cfg, fmt.Errorf("snowflake profile field %s: want a positive integer, got %v", f.key, v)
		}
		*f.dst = n
	}
	if a := strings.ToLower(cfg.Authenticator); a != "snowflake" {
		return cfg, fmt.Errorf("snowflake profile: authenticator %q is not supported (only password authentication)", cfg.Authenticator)
	}
	if p := cfg.Protocol; p != "" && p != "http" && p != "https" {
		return cfg, fmt.Errorf("snowflake profile field protocol: want http or https, got %q", p)
	}
	for _, req := range []struct{ name, val string }{
		{"account", cfg.Account}, {"user", cfg.User}, {"password", cfg.Password},
		{"database", cfg.Database}, {"schema", cfg.Schema},
	} {
		if req.val == "" {
			return cfg, fmt.Errorf("snowflake profile: field %s is required", req.name)
		}
	}
	return cfg, nil
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
