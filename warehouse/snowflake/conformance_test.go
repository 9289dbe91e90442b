package snowflake_test

import (
	"context"
	"os"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/snowflake"
	"github.com/gdbt-dev/gdbt/warehouse/snowflake/fakesf"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// startFake starts a loopback fake Snowflake, stopped when the test ends.
func startFake(t testing.TB) *fakesf.Server {
	t.Helper()
	s, err := fakesf.Start("GDBT_DB")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// openFields opens the adapter with profile fields, closed when the test ends.
func openFields(t testing.TB, fields map[string]any) *snowflake.Adapter {
	t.Helper()
	cfg, err := snowflake.ParseConfig(fields)
	if err != nil {
		t.Fatal(err)
	}
	a, err := snowflake.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// TestConformance runs the shared suite through the real gosnowflake client against the
// loopback fake.
func TestConformance(t *testing.T) {
	srv := startFake(t)
	warehousetest.Run(t, func(t *testing.T) warehouse.Adapter { return openFields(t, srv.Fields("main")) })
}

// TestRealAccount runs the suite against a real account when GDBT_SNOWFLAKE_ACCOUNT, _USER,
// _DATABASE and either _PASSWORD or _PRIVATE_KEY_PATH (key pair, with
// _PRIVATE_KEY_PASSPHRASE for an encrypted key) are set (optionally _ROLE, _WAREHOUSE,
// _SCHEMA, _AUTHENTICATOR).
func TestRealAccount(t *testing.T) {
	f := map[string]any{"schema": "public", "threads": 4}
	for k, env := range map[string]string{"account": "GDBT_SNOWFLAKE_ACCOUNT", "user": "GDBT_SNOWFLAKE_USER",
		"password": "GDBT_SNOWFLAKE_PASSWORD", "database": "GDBT_SNOWFLAKE_DATABASE", "role": "GDBT_SNOWFLAKE_ROLE",
		"warehouse": "GDBT_SNOWFLAKE_WAREHOUSE", "schema": "GDBT_SNOWFLAKE_SCHEMA",
		"private_key_path": "GDBT_SNOWFLAKE_PRIVATE_KEY_PATH", "private_key_passphrase": "GDBT_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE",
		"authenticator": "GDBT_SNOWFLAKE_AUTHENTICATOR"} {
		if v := os.Getenv(env); v != "" {
			f[k] = v
		}
	}
	if f["account"] == nil || f["user"] == nil || (f["password"] == nil && f["private_key_path"] == nil) || f["database"] == nil {
		t.Skip("no Snowflake account: set GDBT_SNOWFLAKE_ACCOUNT, _USER, _DATABASE and _PASSWORD or _PRIVATE_KEY_PATH")
	}
	warehousetest.Run(t, func(t *testing.T) warehouse.Adapter { return openFields(t, f) })
}
