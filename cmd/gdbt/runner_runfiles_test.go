package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler"
)

// rtRunFile reads target/run/shop/<rel>. Run files go through compiler.Redact, so the
// expectations below do too: a PostgreSQL test earlier in the process may have registered
// the test server's password, which is also its database name, "gdbt".
func rtRunFile(t *testing.T, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "target", "run", "shop", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRunnerRunFileHoldsMainStatement: as in dbt, target/run/<project>/<path> holds the
// statement the materialization built the node with (its 'main' statement), not the
// compiled SELECT alone; a first build is one CREATE … AS under the model's own name, a
// rebuild on DuckDB one CREATE OR REPLACE, and a test's file its wrapped failures query.
func TestRunnerRunFileHoldsMainStatement(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtMust(t, dir, 0, "build")
	totals := rtRunFile(t, dir, "models/customer_totals.sql")
	if want := compiler.Redact(`create table "gdbt"."main"."customer_totals" as (`) + "\n"; !strings.HasPrefix(totals, want) {
		t.Errorf("customer_totals (a table) ran:\n%s\nwant it to start with %q", totals, want)
	}
	if !strings.Contains(totals, `from c left join o on o.customer_id = c.id`) || !strings.HasSuffix(totals, ");\n") {
		t.Errorf("the run file lacks the model's compiled select:\n%s", totals)
	}
	if view := rtRunFile(t, dir, "models/stg_customers.sql"); !strings.HasPrefix(view, compiler.Redact(`create view "gdbt"."main"."stg_customers" as (`)) {
		t.Errorf("stg_customers (a view) ran:\n%s", view)
	}
	if test := rtRunFile(t, dir, "models/schema.yml/unique_customer_totals_id.sql"); !strings.Contains(test, "count(*) as failures") ||
		!strings.Contains(test, compiler.Redact(`from "gdbt"."main"."customer_totals"`)) {
		t.Errorf("the unique test's run file is not its failures query:\n%s", test)
	}

	// A rebuild replaces the table in one statement, and the file says so.
	rtMust(t, dir, 0, "run", "-s", "customer_totals", "stg_customers")
	if got := rtRunFile(t, dir, "models/customer_totals.sql"); !strings.HasPrefix(got, compiler.Redact(`create or replace table "gdbt"."main"."customer_totals" as (`)) {
		t.Errorf("rebuilt customer_totals ran:\n%s", got)
	}
	if got := rtRunFile(t, dir, "models/stg_customers.sql"); !strings.HasPrefix(got, compiler.Redact(`create or replace view "gdbt"."main"."stg_customers" as (`)) {
		t.Errorf("rebuilt stg_customers ran:\n%s", got)
	}
	if got := rtQuery(t, dir, "select table_name from information_schema.tables where table_name like '%__dbt_tmp' or table_name like '%__dbt_backup'"); len(got) != 0 {
		t.Errorf("leftover relations: %q", got)
	}
	// A failing CREATE OR REPLACE leaves the previous table whole.
	rtWrite(t, dir, totalsSQL, brokenTotals)
	rtMust(t, dir, 1, "run", "-s", "customer_totals")
	if got := rtQuery1(t, dir, "select count(*) from main.customer_totals"); got != "3" {
		t.Errorf("after a failed rebuild customer_totals has %s rows, want the previous 3", got)
	}
}

// TestRunnerPersistDocsOnlyWhenConfigured: the built-in materializations call persist_docs
// (here a project override that logs the call) for a model configuring persist_docs, and
// skip the call for the others (dbt's implementations do nothing for them).
func TestRunnerPersistDocsOnlyWhenConfigured(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtWrite(t, dir, "macros/persist.sql", `{% macro duckdb__persist_docs(relation, model, for_relation, for_columns) %}
{% do run_query("insert into main.run_log values ('docs " ~ model.name ~ " " ~ relation.identifier ~ "', null)") %}
{% endmacro %}
`)
	good, err := os.ReadFile(filepath.Join(dir, totalsSQL))
	if err != nil {
		t.Fatal(err)
	}
	rtWrite(t, dir, totalsSQL, "{{ config(persist_docs={'relation': true}) }}\n"+string(good))
	rtMust(t, dir, 0, "build", "-s", "+customer_totals", "--exclude", "resource_type:test")
	if got := rtQuery(t, dir, "select event from main.run_log where event like 'docs%' order by 1"); len(got) != 1 || got[0] != "docs customer_totals customer_totals" {
		t.Errorf("persist_docs calls = %q, want only customer_totals'", got)
	}
}
