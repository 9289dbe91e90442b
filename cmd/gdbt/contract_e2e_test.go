package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// checkContractProject builds runner/testdata/contracts.txtar (model contracts) and checks
// the tables, the contract failures and the manifest. query returns rows as "a|b" strings;
// mismatch is the mismatch table the engine's type names give for bad_types.
func checkContractProject(t *testing.T, dir string, query func(sql string) []string, mismatch string) {
	t.Helper()
	r := rtMust(t, dir, 0, "build", "--exclude", "tag:bad", "tag:violate")
	if !strings.Contains(r.out+r.err, "models/customer_names.sql: Constraint types are not supported for view materializations and will be ignored.") {
		t.Errorf("no warning for the constraint on a view:\n%s", r)
	}
	// The table takes the contract's column order, not the select's.
	if got := query("select column_name from information_schema.columns where table_name = 'orders' and table_schema = '{schema}' order by ordinal_position"); !reflect.DeepEqual(got, []string{"order_id", "customer_id", "amount"}) {
		t.Errorf("orders columns = %q", got)
	}
	if got := query("select order_id, customer_id, cast(amount * 100 as integer) from {schema}.orders order by 1"); !reflect.DeepEqual(got, []string{"10|1|550", "11|1|450", "12|2|700"}) {
		t.Errorf("orders = %q", got)
	}
	got := query("select table_name, constraint_type from information_schema.table_constraints where table_schema = '{schema}' and constraint_type <> 'CHECK' order by 1, 2")
	want := []string{"customers|PRIMARY KEY", "orders|FOREIGN KEY", "orders|PRIMARY KEY"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("key constraints = %q, want %q", got, want)
	}
	if got := query("select count(*) from information_schema.check_constraints where constraint_schema = '{schema}' and check_clause like '%amount >= %'"); !reflect.DeepEqual(got, []string{"1"}) {
		t.Errorf("check constraint amount >= 0: %q", got)
	}

	// The SQL does not match the contract: dbt's mismatch table, nothing built.
	rtMust(t, dir, 1, "run", "-s", "bad_types")
	res := rtResults(t, dir)["model.cshop.bad_types"]
	if res.Status != "error" || !strings.Contains(deref(res.Message), "This model has an enforced contract that failed.\n"+
		"Please ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.\n\n"+mismatch) {
		t.Errorf("bad_types: %s %s\nwant the mismatch table\n%s", res.Status, deref(res.Message), mismatch)
	}
	// A violated not_null constraint fails the model and leaves no table behind.
	rtMust(t, dir, 1, "run", "-s", "null_violation")
	if got := query("select count(*) from information_schema.tables where table_name = 'null_violation' and table_schema = '{schema}'"); !reflect.DeepEqual(got, []string{"0"}) {
		t.Errorf("null_violation left a table: %q", got)
	}
	// Rebuilt in place (the existing-table path).
	rtMust(t, dir, 0, "run", "-s", "orders")
	if got := query("select count(*) from {schema}.orders"); !reflect.DeepEqual(got, []string{"3"}) {
		t.Errorf("orders after the rebuild: %q", got)
	}

	// The manifest: contract, constraints, and the foreign key's dependency.
	b, err := os.ReadFile(filepath.Join(dir, "target", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Nodes map[string]struct {
			Contract struct {
				Enforced bool    `json:"enforced"`
				Checksum *string `json:"checksum"`
			} `json:"contract"`
			Constraints []map[string]any `json:"constraints"`
			Columns     map[string]struct {
				Constraints []map[string]any `json:"constraints"`
			} `json:"columns"`
			DependsOn struct {
				Nodes []string `json:"nodes"`
			} `json:"depends_on"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	o := m.Nodes["model.cshop.orders"]
	deps := append([]string(nil), o.DependsOn.Nodes...)
	sort.Strings(deps)
	if !o.Contract.Enforced || o.Contract.Checksum == nil || len(*o.Contract.Checksum) != 64 ||
		len(o.Constraints) != 1 || o.Constraints[0]["name"] != "amount_not_negative" || o.Constraints[0]["expression"] != "amount >= 0" ||
		len(o.Columns["customer_id"].Constraints) != 2 || o.Columns["customer_id"].Constraints[1]["to"] != "ref('customers')" ||
		!reflect.DeepEqual(deps, []string{"model.cshop.customers", "seed.cshop.raw_orders"}) {
		t.Errorf("manifest orders: %+v", o)
	}
	if c := m.Nodes["model.cshop.customers"].Contract; !c.Enforced || c.Checksum == nil {
		t.Errorf("manifest customers contract: %+v", c)
	}
}

// TestContractsDuckDB builds the contracts project on DuckDB (TestContractsPostgres, in
// unittest_e2e_test.go, on PostgreSQL).
func TestContractsDuckDB(t *testing.T) {
	dir := rtProject(t, "contracts.txtar")
	mismatch := "| column_name | definition_type | contract_type | mismatch_reason       |\n" +
		"| ----------- | --------------- | ------------- | --------------------- |\n" +
		"| extra       | VARCHAR         |               | missing in contract   |\n" +
		"| id          | INTEGER         | VARCHAR       | data type mismatch    |\n" +
		"| missing_col |                 | INTEGER       | missing in definition |\n"
	checkContractProject(t, dir, func(q string) []string {
		return rtQuery(t, dir, strings.ReplaceAll(q, "{schema}", "main"))
	}, mismatch)
	rtValidate(t, filepath.Join(dir, "target", "manifest.json"), "manifest_v12.json")
}
