package snowflake_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// TestUnitTests builds runner/testdata/unit_tests.txtar (dbt 1.8+ unit tests) on the fake
// Snowflake: every unit test passes but the deliberately wrong one, which fails with
// dbt's diff, and its model is skipped.
func TestUnitTests(t *testing.T) {
	srv := startFake(t)
	u, err := url.Parse(fmt.Sprint("http://", srv.Fields("x")["host"], ":", srv.Fields("x")["port"]))
	if err != nil {
		t.Fatal(err)
	}
	dir := warehousetest.WriteTxtar(t, filepath.Join("..", "..", "runner", "testdata", "unit_tests.txtar"))
	profile := fmt.Sprintf("ushop:\n  target: sf\n  outputs:\n    sf:\n      type: snowflake\n      account: fake\n      user: gdbt\n"+
		"      password: secret\n      database: %s\n      warehouse: wh\n      schema: unit\n      host: %s\n      port: %s\n"+
		"      protocol: http\n      threads: 2\n", srv.Database, u.Hostname(), u.Port())
	if err := os.WriteFile(filepath.Join(dir, "profiles.yml"), []byte(profile), 0o644); err != nil {
		t.Fatal(err)
	}
	b := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir}, 2, "target")
	for _, name := range []string{"counts_orders_per_customer", "csv_and_fixture", "sql_rows_and_overrides", "full_load",
		"incremental_load", "source_input", "min_amount_var"} {
		if !strings.HasPrefix(b.Status["unit:"+name], "pass") {
			t.Errorf("unit test %s: %s", name, b.Status["unit:"+name])
		}
	}
	if !strings.HasPrefix(b.Status["unit:uppercases_names"], "fail") || !strings.Contains(b.ConsoleText(), "Bob→BOB") {
		t.Errorf("the wrong unit test: %s\nconsole:\n%s", b.Status["unit:uppercases_names"], b.ConsoleText())
	}
	for _, name := range []string{"fragile", "after_fragile"} {
		if !strings.HasPrefix(b.Status[name], "skipped") {
			t.Errorf("%s: %s, want skipped after its unit test failed", name, b.Status[name])
		}
	}
	if !strings.HasPrefix(b.Status["customer_orders"], "success") {
		t.Errorf("customer_orders: %s", b.Status["customer_orders"])
	}
}
