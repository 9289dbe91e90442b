package snowflake_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// TestContracts builds runner/testdata/contracts.txtar (model contracts) on the fake
// Snowflake: the contracted tables are created with dbt-snowflake's CREATE OR REPLACE TABLE
// (columns and constraints) AS SELECT, the check constraint is left out with dbt-snowflake's
// "not supported" warning and unique/primary/foreign keys warned as not enforced, and the
// model whose SQL does not match its contract fails with dbt's mismatch table.
func TestContracts(t *testing.T) {
	srv := startFake(t)
	u, err := url.Parse(fmt.Sprint("http://", srv.Fields("x")["host"], ":", srv.Fields("x")["port"]))
	if err != nil {
		t.Fatal(err)
	}
	dir := warehousetest.WriteTxtar(t, filepath.Join("..", "..", "runner", "testdata", "contracts.txtar"))
	profile := fmt.Sprintf("cshop:\n  target: sf\n  outputs:\n    sf:\n      type: snowflake\n      account: fake\n      user: gdbt\n"+
		"      password: secret\n      database: %s\n      warehouse: wh\n      schema: contracts\n      host: %s\n      port: %s\n"+
		"      protocol: http\n      threads: 2\n", srv.Database, u.Hostname(), u.Port())
	if err := os.WriteFile(filepath.Join(dir, "profiles.yml"), []byte(profile), 0o644); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var warnings []string
	b := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Warn: func(s string) {
		mu.Lock()
		warnings = append(warnings, s)
		mu.Unlock()
	}}, 2, "target")
	for _, name := range []string{"customers", "orders", "customer_names"} {
		if !strings.HasPrefix(b.Status[name], "success") {
			t.Errorf("%s: %s", name, b.Status[name])
		}
	}
	// Unquoted names come back folded to upper case, as on a real account.
	mismatch := "| column_name | definition_type | contract_type | mismatch_reason       |\n" +
		"| ----------- | --------------- | ------------- | --------------------- |\n" +
		"| EXTRA       | TEXT            |               | missing in contract   |\n" +
		"| ID          | FIXED           | TEXT          | data type mismatch    |\n" +
		"| MISSING_COL |                 | FIXED         | missing in definition |\n"
	if !strings.HasPrefix(b.Status["bad_types"], "error") || !strings.Contains(b.Status["bad_types"], mismatch) {
		t.Errorf("bad_types: %s\nwant the mismatch table\n%s", b.Status["bad_types"], mismatch)
	}
	if !strings.HasPrefix(b.Status["null_violation"], "error") {
		t.Errorf("null_violation: %s, want an error (not null is enforced on Snowflake)", b.Status["null_violation"])
	}
	all := strings.Join(warnings, "\n")
	for _, w := range []string{"The constraint type check is not supported by snowflake, and will be ignored.",
		"The constraint type primary_key is not enforced by snowflake.", "The constraint type foreign_key is not enforced by snowflake."} {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
	// Rebuilt: the existing tables are replaced by the same CREATE OR REPLACE statement.
	b = warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir}, 2, "target")
	for _, name := range []string{"customers", "orders", "customer_names"} {
		if !strings.HasPrefix(b.Status[name], "success") {
			t.Errorf("second build: %s: %s", name, b.Status[name])
		}
	}
	a := openFields(t, srv.Fields("contracts"))
	_, tab, err := a.Execute(context.Background(), `select order_id, customer_id, amount from contracts.orders order by 1`, true)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(tab.Rows), "[[10 1 5.5] [11 1 4.5] [12 2 7]]"; got != want {
		t.Errorf("orders = %s, want %s", got, want)
	}
}
