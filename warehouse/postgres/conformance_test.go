package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/postgres"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// testFields returns profile fields for the test server named by GDBT_PG_URL
// (postgres://user:pass@host:port/db) or GDBT_PG_HOST/PORT/USER/PASSWORD/DB, skipping the
// test when neither is set: scripts/pg-test-server.sh starts one and prints its URL.
func testFields(t testing.TB) map[string]any {
	t.Helper()
	f := map[string]any{"schema": "public", "sslmode": "disable", "threads": 4}
	if raw := os.Getenv("GDBT_PG_URL"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("GDBT_PG_URL: %v", err)
		}
		f["host"] = u.Hostname()
		if p := u.Port(); p != "" {
			f["port"] = p
		}
		f["user"] = u.User.Username()
		if pw, ok := u.User.Password(); ok {
			f["password"] = pw
		}
		f["dbname"] = strings.TrimPrefix(u.Path, "/")
		if m := u.Query().Get("sslmode"); m != "" {
			f["sslmode"] = m
		}
		return f
	}
	if os.Getenv("GDBT_PG_HOST") == "" {
		t.Skip("no PostgreSQL server: run `eval \"$(scripts/pg-test-server.sh --export)\"` to start one and set GDBT_PG_URL")
	}
	for k, env := range map[string]string{"host": "GDBT_PG_HOST", "port": "GDBT_PG_PORT", "user": "GDBT_PG_USER", "password": "GDBT_PG_PASSWORD", "dbname": "GDBT_PG_DB"} {
		if v := os.Getenv(env); v != "" {
			f[k] = v
		}
	}
	return f
}

// openTest opens an adapter on the test server, closed when the test ends.
// setProjectEnv points the GDBT_TEST_PG_* variables that the test projects' profiles read
// at the test server and at schema.
func setProjectEnv(t *testing.T, fields map[string]any, schema string) {
	for k, v := range map[string]any{"HOST": fields["host"], "PORT": fields["port"], "USER": fields["user"],
		"PASSWORD": fields["password"], "DB": fields["dbname"], "SCHEMA": schema} {
		t.Setenv("GDBT_TEST_PG_"+k, fmt.Sprint(v))
	}
}

func openTest(t testing.TB) *postgres.Adapter {
	t.Helper()
	cfg, err := postgres.ParseConfig(testFields(t))
	if err != nil {
		t.Fatal(err)
	}
	a, err := postgres.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestConformance(t *testing.T) {
	warehousetest.Run(t, func(t *testing.T) warehouse.Adapter { return openTest(t) })
}
