package snowflake

import (
	"strings"
	"testing"
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
	cc := cfg.clientConfig()
	if cc.Account != "xy123.eu-west-1" || cc.Warehouse != "TRANSFORMING" || cc.Host != "" {
		t.Errorf("client config = %+v", cc)
	}
	f := base()
	f["host"], f["port"], f["protocol"] = "127.0.0.1", "8443", "http"
	if cfg, err = ParseConfig(f); err != nil || cfg.Port != 8443 || cfg.clientConfig().Protocol != "http" {
		t.Errorf("override = %+v, %v", cfg, err)
	}
	bad := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"no account", func(m map[string]any) { delete(m, "account") }, "account is required"},
		{"no password", func(m map[string]any) { delete(m, "password") }, "password is required"},
		{"no schema", func(m map[string]any) { m["schema"] = "" }, "schema is required"},
		{"sso", func(m map[string]any) { m["authenticator"] = "externalbrowser" }, "not supported"},
		{"threads", func(m map[string]any) { m["threads"] = "many" }, "threads"},
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
