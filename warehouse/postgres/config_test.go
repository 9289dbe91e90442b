package postgres

import (
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	base := func() map[string]any {
		return map[string]any{"host": "db.example", "user": "u", "dbname": "analytics", "schema": "dev"}
	}
	cases := []struct {
		name    string
		edit    func(map[string]any)
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{"defaults", func(map[string]any) {}, func(t *testing.T, c Config) {
			if c.Port != 5432 || c.Threads != 1 || c.ConnectTimeout != 10*time.Second || c.Database != "analytics" {
				t.Errorf("defaults = %+v", c)
			}
		}, ""},
		{"database alias and numbers as strings", func(f map[string]any) {
			delete(f, "dbname")
			f["database"], f["port"], f["threads"], f["keepalives_idle"], f["password"] = "wh", "6543", 8, 30, 1234
		}, func(t *testing.T, c Config) {
			if c.Database != "wh" || c.Port != 6543 || c.Threads != 8 || c.KeepalivesIdle != 30*time.Second || c.Password != "1234" {
				t.Errorf("parsed = %+v", c)
			}
		}, ""},
		{"search_path and role", func(f map[string]any) { f["search_path"], f["role"] = "a,b", "reporter" }, func(t *testing.T, c Config) {
			if c.SearchPath != "a,b" || c.Role != "reporter" {
				t.Errorf("parsed = %+v", c)
			}
		}, ""},
		{"missing host", func(f map[string]any) { delete(f, "host") }, nil, "host is required"},
		{"missing schema", func(f map[string]any) { delete(f, "schema") }, nil, "schema is required"},
		{"bad port", func(f map[string]any) { f["port"] = "http" }, nil, "port"},
		{"zero threads", func(f map[string]any) { f["threads"] = 0 }, nil, "threads"},
		{"bad type", func(f map[string]any) { f["user"] = []any{"x"} }, nil, "want a string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := base()
			c.edit(f)
			cfg, err := ParseConfig(f)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, cfg)
		})
	}
}

func TestConnStringQuotes(t *testing.T) {
	c := Config{Host: "h", Port: 5, User: "u", Password: `it's a \ pass`, Database: "d", ConnectTimeout: 3 * time.Second}
	got := c.connString()
	want := `host='h' port='5' user='u' password='it\'s a \\ pass' dbname='d' connect_timeout='3'`
	if got != want {
		t.Errorf("connString = %s\nwant %s", got, want)
	}
}
