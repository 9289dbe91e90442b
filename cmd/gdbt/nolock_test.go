package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestNoLockScratchNamesPerRun: under --no-lock (two runs may share a schema) a run's
// scratch relations carry a tag of its own, so it neither uses nor drops the fixed
// <name>__dbt_tmp names another run may be building at that moment; a locked run keeps
// dbt's fixed names and drops a crashed run's leftovers under them.
func TestNoLockScratchNamesPerRun(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtMust(t, dir, 0, "build")
	others := []string{"inc_orders__dbt_tmp", "customer_totals__dbt_tmp"}
	for _, o := range others { // another run's scratch tables, in the middle of its build
		rtQuery(t, dir, "create table main."+o+" as select 42 as other_run")
	}
	rtMust(t, dir, 0, "run", "--no-lock")
	for _, o := range others {
		if got := rtQuery(t, dir, "select count(*) from information_schema.tables where table_name = '"+o+"'"); got[0] != "1" {
			t.Errorf("a --no-lock run dropped %s, another run's scratch table", o)
		}
	}
	run, err := os.ReadFile(filepath.Join(dir, "target", "run", "shop", "models", "inc_orders.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`inc_orders__dbt_tmp_[0-9a-f]{8}\b`).Match(run) {
		t.Errorf("the incremental merge of a --no-lock run does not read a tagged scratch table:\n%s", run)
	}
	if got := rtQuery(t, dir, "select table_name from information_schema.tables where table_name like '%dbt_tmp_%' or table_name like '%dbt_backup%'"); len(got) != 0 {
		t.Errorf("the --no-lock run left its own scratch relations behind: %q", got)
	}

	rtMust(t, dir, 0, "run")
	if got := rtQuery(t, dir, "select table_name from information_schema.tables where table_name like '%dbt_tmp%'"); len(got) != 0 {
		t.Errorf("a locked run left leftovers under the fixed scratch names: %q", got)
	}
	run, _ = os.ReadFile(filepath.Join(dir, "target", "run", "shop", "models", "inc_orders.sql"))
	if !regexp.MustCompile(`inc_orders__dbt_tmp"`).Match(run) {
		t.Errorf("a locked run does not use dbt's fixed scratch name:\n%s", run)
	}
}

// TestErrorBeforeAnyNodeIsLogged: an error that ends a run before any node runs (here a
// selector that names no method) is in logs/gdbt.log, not only on the console.
func TestErrorBeforeAnyNodeIsLogged(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtMust(t, dir, 2, "run", "--select", "nosuchmethod:x")
	log, err := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`\[error\].*nosuchmethod`).Match(log) {
		t.Errorf("logs/gdbt.log lacks the selection error:\n%s", lastLines(string(log), 10))
	}
}
