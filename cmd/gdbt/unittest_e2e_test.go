package main

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// unitTestIDs are the unit tests of runner/testdata/unit_tests.txtar that pass.
var unitTestIDs = []string{
	"unit_test.ushop.customer_orders.counts_orders_per_customer",
	"unit_test.ushop.customer_orders.csv_and_fixture",
	"unit_test.ushop.customer_orders.sql_rows_and_overrides",
	"unit_test.ushop.inc_orders.full_load",
	"unit_test.ushop.inc_orders.incremental_load",
	"unit_test.ushop.paid_orders.source_input",
	"unit_test.ushop.stg_orders.min_amount_var",
}

// wrongUnitTestDiff is dbt's diff table for the deliberately wrong test (expects "Bob" where
// upper() makes "BOB"), as daff's TerminalDiffRender draws it.
const wrongUnitTestDiff = "\n\nactual differs from expected:\n\n" +
	"@@,customer_id,name\r\n" +
	"  ,1          ,ALICE\r\n" +
	"→ ,2          ,Bob→BOB\r\n" +
	"  ,3          ,CAROL\r\n\n"

// checkUnitTestProject runs the unit test project through ls, test and build and checks
// what ran, in which order, the verdicts and the data; query returns a model's rows.
func checkUnitTestProject(t *testing.T, dir string, query func(sql string) []string) {
	t.Helper()
	// Selection: test_type:unit, unit_test:, resource_type, indirect selection of a model's tests.
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"ls", "-s", "test_type:unit", "--output", "name"}, 8},
		{[]string{"ls", "-s", "unit_test:*_load"}, 2},
		{[]string{"ls", "--resource-type", "unit_test"}, 8},
		{[]string{"ls", "-s", "inc_orders", "--resource-type", "unit_test"}, 2},
		{[]string{"ls", "-s", "tag:unit,tag:wrong"}, 1},
	} {
		r := rtMust(t, dir, 0, tc.args...)
		if got := strings.Count(r.out, "\n"); got != tc.want {
			t.Errorf("gdbt %s: %d lines, want %d:\n%s", strings.Join(tc.args, " "), got, tc.want, r.out)
		}
	}

	// The wrong test fails with dbt's diff, and build skips its model and what follows.
	r := rtMust(t, dir, 1, "build")
	res := rtResults(t, dir)
	wrong := res["unit_test.ushop.fragile.uppercases_names"]
	if wrong.Status != "fail" || wrong.Failures == nil || *wrong.Failures != 1 || wrong.Message == nil || *wrong.Message != wrongUnitTestDiff {
		t.Errorf("the wrong unit test: status %s, message %q; want fail with\n%q", wrong.Status, deref(wrong.Message), wrongUnitTestDiff)
	}
	for _, id := range []string{"model.ushop.fragile", "model.ushop.after_fragile"} {
		if res[id].Status != "skipped" {
			t.Errorf("%s: %s, want skipped after its unit test failed", id, res[id].Status)
		}
	}
	for _, id := range unitTestIDs {
		if res[id].Status != "pass" {
			t.Errorf("%s: %s (%s)", id, res[id].Status, deref(res[id].Message))
		}
	}
	if !strings.Contains(r.err, "FAIL 1 fragile::uppercases_names") || !strings.Contains(r.err, "→ ,2          ,Bob→BOB") {
		t.Errorf("the console shows the failing unit test and its diff:\n%s", r)
	}
	// A model's unit tests run before it (dbt's build order).
	if i, j := strings.Index(r.out, "START unit_test inc_orders::incremental_load"), strings.Index(r.out, "START sql incremental model"); i < 0 || j < 0 || i > j {
		t.Errorf("inc_orders' unit test did not start before the model:\n%s", r.out)
	}

	// Without it everything passes, and the models hold the real data.
	r = rtMust(t, dir, 0, "build", "--exclude", "tag:wrong")
	if !strings.Contains(r.out, "PASS=17 WARN=0 ERROR=0 SKIP=0") {
		t.Errorf("build --exclude tag:wrong:\n%s", r)
	}
	if got := query("select customer_id, n_orders, total from customer_orders order by 1"); !reflect.DeepEqual(got, []string{"1|2|10", "2|1|7", "3|1|1"}) {
		t.Errorf("customer_orders = %q", got)
	}
	r = rtMust(t, dir, 0, "test", "-s", "test_type:unit", "--exclude", "tag:wrong")
	if !strings.Contains(r.out, "PASS=7 WARN=0 ERROR=0 SKIP=0") {
		t.Errorf("test -s test_type:unit:\n%s", r)
	}
	// The manifest lists them under unit_tests, as dbt does.
	var m struct {
		UnitTests map[string]struct {
			Model     string           `json:"model"`
			Given     []map[string]any `json:"given"`
			DependsOn struct {
				Nodes []string `json:"nodes"`
			} `json:"depends_on"`
			Config struct {
				Tags []string `json:"tags"`
			} `json:"config"`
		} `json:"unit_tests"`
		ChildMap map[string][]string `json:"child_map"`
	}
	rtReadJSON(t, filepath.Join(dir, "target", "manifest.json"), &m)
	u := m.UnitTests["unit_test.ushop.inc_orders.incremental_load"]
	if len(m.UnitTests) != 8 || u.Model != "inc_orders" || len(u.Given) != 2 || u.Given[1]["input"] != "this" ||
		!reflect.DeepEqual(u.DependsOn.Nodes, []string{"model.ushop.inc_orders"}) || !reflect.DeepEqual(u.Config.Tags, []string{"unit"}) {
		t.Errorf("manifest unit_tests: %d, incremental_load = %+v", len(m.UnitTests), u)
	}
	if !strings.Contains(strings.Join(m.ChildMap["model.ushop.inc_orders"], ","), "unit_test.ushop.inc_orders.incremental_load") {
		t.Errorf("child_map of inc_orders lacks its unit tests: %v", m.ChildMap["model.ushop.inc_orders"])
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestUnitTestsDuckDB builds runner/testdata/unit_tests.txtar on DuckDB.
func TestUnitTestsDuckDB(t *testing.T) {
	dir := rtProject(t, "unit_tests.txtar")
	checkUnitTestProject(t, dir, func(q string) []string { return rtQuery(t, dir, strings.Replace(q, " from ", " from main.", 1)) })
	rtValidate(t, filepath.Join(dir, "target", "manifest.json"), "manifest_v12.json")
}

// TestUnitTestsPostgres builds the same project on PostgreSQL (GDBT_PG_URL) in a schema of
// its own.
func TestUnitTestsPostgres(t *testing.T) {
	dir, _ := rtPostgresProject(t, "unit_tests.txtar", "ushop", "gdbt_unit")
	checkUnitTestProject(t, dir, func(q string) []string {
		return rtShowRows(t, dir, strings.Replace(q, " from customer_orders", " from {{ ref('customer_orders') }}", 1))
	})
}

// TestUnitTestsAuditHelperPostgres runs the unit tests of dbt-labs/dbt-audit-helper's
// integration_tests project on PostgreSQL when GDBT_AUDIT_HELPER_DIR points at a checkout of
// it, GDBT_DBT_UTILS_DIR at a dbt-utils checkout (its dependency) and GDBT_PG_URL at a
// server (skipped otherwise). The hub dependency is pointed at the local dbt-utils (gdbt deps
// installs local packages only). The tests tagged skip (as its CI does) and the struct
// tests (their fixture macros support Snowflake, BigQuery and Databricks only) are left out;
// every other unit test must pass, and one made deliberately wrong must fail with dbt's diff.
func TestUnitTestsAuditHelperPostgres(t *testing.T) {
	src, utils, raw := os.Getenv("GDBT_AUDIT_HELPER_DIR"), os.Getenv("GDBT_DBT_UTILS_DIR"), os.Getenv("GDBT_PG_URL")
	if src == "" || utils == "" || raw == "" {
		t.Skip("GDBT_AUDIT_HELPER_DIR (a dbt-labs/dbt-audit-helper checkout), GDBT_DBT_UTILS_DIR (dbt-labs/dbt-utils) and GDBT_PG_URL not all set")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("GDBT_PG_URL: %v", err)
	}
	root := t.TempDir()
	if err := copyTree(root, src); err != nil {
		t.Fatal(err)
	}
	utils, _ = filepath.Abs(utils)
	rtWrite(t, root, "packages.yml", "packages:\n  - local: "+utils+"\n")
	dir := filepath.Join(root, "integration_tests")
	rtWrite(t, dir, "packages.yml", "packages:\n  - local: ../\n  - local: "+utils+"\n")
	os.Remove(filepath.Join(dir, "package-lock.yml"))
	setPostgresEnv(t, u, "gdbt_audit_unit")
	rtMust(t, dir, 0, "deps")
	rtGdbt(t, dir, "build", "--exclude", "test_type:unit") // the inputs the fixtures are typed from
	r := rtMust(t, dir, 0, "test", "-s", "test_type:unit", "--exclude", "tag:skip", "unit_compare_classify_struct")
	n := 0
	for id, s := range rtStatuses(t, dir) {
		if !strings.HasPrefix(id, "unit_test.") || s != "pass" {
			t.Errorf("%s: %s", id, s)
		}
		n++
	}
	if n < 20 {
		t.Errorf("%d unit tests ran, want the package's (22 on PostgreSQL)\n%s", n, r)
	}
	yml := filepath.Join(dir, "models", "unit_test_wrappers", "unit_compare_queries.yml")
	b, err := os.ReadFile(yml)
	if err != nil {
		t.Fatal(err)
	}
	wrong := strings.Replace(string(b), `- {"in_a": true, "in_b": true}`, `- {"in_a": true, "in_b": false}`, 1)
	if wrong == string(b) {
		t.Fatal("unit_compare_queries.yml no longer has the expected row this test changes")
	}
	if err := os.WriteFile(yml, []byte(wrong), 0o644); err != nil {
		t.Fatal(err)
	}
	rtMust(t, dir, 1, "test", "-s", "unit_test:identical_records_compare_queries")
	res := rtResults(t, dir)["unit_test.audit_helper_integration_tests.unit_compare_queries.identical_records_compare_queries"]
	if res.Status != "fail" || !strings.Contains(deref(res.Message), "actual differs from expected") || !strings.Contains(deref(res.Message), "False→True") {
		t.Errorf("the wrong unit test: %s %q", res.Status, deref(res.Message))
	}
}

// TestContractsPostgres builds the contracts project (contract_e2e_test.go) on PostgreSQL
// (GDBT_PG_URL). It lives here, among the package's last tests, because a PostgreSQL
// profile registers the test server's password ("gdbt", also its database name) with the
// process-wide redaction (compiler.RegisterProfileSecrets), which would then mask "gdbt" in
// the output of every test run after it. The
// column check names types as dbt-postgres does (psycopg2's INTEGER, TEXT for text).
func TestContractsPostgres(t *testing.T) {
	dir, schema := rtPostgresProject(t, "contracts.txtar", "cshop", "gdbt_contract")
	mismatch := "| column_name | definition_type | contract_type | mismatch_reason       |\n" +
		"| ----------- | --------------- | ------------- | --------------------- |\n" +
		"| extra       | TEXT            |               | missing in contract   |\n" +
		"| id          | INTEGER         | TEXT          | data type mismatch    |\n" +
		"| missing_col |                 | INTEGER       | missing in definition |\n"
	checkContractProject(t, dir, func(q string) []string {
		return rtShowRows(t, dir, strings.ReplaceAll(q, "{schema}", schema))
	}, mismatch)
	// A second full build replaces the tables the foreign key links.
	rtMust(t, dir, 0, "build", "--exclude", "tag:bad", "tag:violate")
}
