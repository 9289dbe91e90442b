package snowflake_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse/snowflake/fakesf"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// TestModelConfigs builds a project using dbt-snowflake's model configs (transient,
// cluster_by, automatic_clustering, copy_grants, secure, query_tag, snowflake_warehouse,
// grants on every materialization, dynamic tables) three times on the fake server, and
// checks the SQL it received (as dbt-snowflake 1.10 renders it) and what the fake recorded:
// replaced relations lose their grants unless copy_grants keeps them, a grant made behind
// dbt's back is revoked by the diff, and a dynamic table is altered, not rebuilt, when its
// target_lag changes.
func TestModelConfigs(t *testing.T) {
	srv := startFake(t)
	setFakeEnv(t, srv, "cfg")
	dir := warehousetest.WriteTxtar(t, filepath.Join("testdata", "modelconfigs.txtar"))
	build := func(vars string) (warehousetest.Built, []string) {
		t.Helper()
		before := len(srv.Statements())
		b := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: vars}, 2, "target")
		for n, st := range b.Status {
			if !strings.HasPrefix(st, "success") && !strings.HasPrefix(st, "pass") {
				t.Errorf("%s: %s\nconsole:\n%s", n, st, b.ConsoleText())
			}
		}
		return b, srv.Statements()[before:]
	}
	rel := func(name string) string { return "GDBT_DB.cfg." + name }

	_, first := build("{}")
	for _, want := range []string{
		`(?s)create or replace transient table GDBT_DB\.cfg\.tbl_default\s+as \(`,
		`(?s)create or replace table GDBT_DB\.cfg\.tbl_clustered copy grants as \(\s*select \* from \(.*\)\s*order by \(\s*id, name\s*\)\s*\)`,
		`^alter table GDBT_DB\.cfg\.tbl_clustered cluster by \(id, name\)$`,
		`^alter table GDBT_DB\.cfg\.tbl_clustered resume recluster$`,
		`(?s)create or replace secure view GDBT_DB\.cfg\.secure_view copy grants as \(`,
		`^show parameters like 'query_tag' in session$`,
		`^alter session set query_tag = 'nightly_colors'$`,
		`^alter session set query_tag = 'base_tag'$`,
		`^select current_warehouse\(\) as warehouse$`,
		`^use warehouse big_wh$`,
		`^use warehouse WH$`,
		`(?s)create dynamic table GDBT_DB\.cfg\.dyn\s+target_lag = '1 hour'\s+warehouse = WH\s+refresh_mode = AUTO\s+initialize = ON_CREATE\s+as \(`,
		`^grant select on GDBT_DB\.cfg\.tbl_default to reporter$`,
		`^grant select on GDBT_DB\.cfg\.dyn to reporter$`,
		`^grant select on GDBT_DB\.cfg\.colors to reporter$`,
		`^grant select on GDBT_DB\.cfg\.colors_snap to reporter$`,
		`^grant select on GDBT_DB\.cfg\.inc to reporter$`,
	} {
		expectStatement(t, "first build", first, want, true)
	}
	// The query tag is set around the tagged model only, and put back; the warehouse too.
	expectOrder(t, first, `alter session set query_tag = 'nightly_colors'`, `create or replace transient table GDBT_DB.cfg.tagged`, `alter session set query_tag = 'base_tag'`)
	expectOrder(t, first, `use warehouse big_wh`, `create or replace transient table GDBT_DB.cfg.tagged`, `use warehouse WH`)
	for name, want := range map[string]fakesf.Object{
		"tbl_default":   {Kind: "TRANSIENT TABLE"},
		"tbl_clustered": {Kind: "TABLE", ClusterBy: "id, name", AutomaticClustering: true},
		"secure_view":   {Kind: "SECURE VIEW"},
		"dyn":           {Kind: "DYNAMIC TABLE", TargetLag: "1 hour", Warehouse: "WH", RefreshMode: "INCREMENTAL", Initialize: "ON_CREATE"},
	} {
		got, ok := srv.Object(rel(name))
		if !ok {
			t.Errorf("%s: not recorded", name)
			continue
		}
		if got.Kind != want.Kind || got.ClusterBy != want.ClusterBy || got.AutomaticClustering != want.AutomaticClustering ||
			got.TargetLag != want.TargetLag || got.Warehouse != want.Warehouse || got.RefreshMode != want.RefreshMode || got.Initialize != want.Initialize {
			t.Errorf("%s = %+v, want %+v", name, got, want)
		}
	}

	// A grant made outside dbt on each relation dbt merges into (or that copy_grants keeps):
	// the second build's diff revokes it, and grants nothing already there.
	for _, name := range []string{"inc", "colors", "colors_snap", "tbl_clustered", "tbl_default"} {
		if err := srv.Grant(rel(name), "select", "INTRUDER"); err != nil {
			t.Fatal(err)
		}
	}
	_, second := build("{lag: 2 hours}")
	for _, name := range []string{"inc", "colors", "colors_snap", "tbl_clustered"} {
		expectStatement(t, "second build", second, `^show grants on GDBT_DB\.cfg\.`+name+`$`, true)
		expectStatement(t, "second build", second, `(?i)^revoke select on GDBT_DB\.cfg\.`+name+` from "INTRUDER"$`, true)
		expectStatement(t, "second build", second, `^grant select on GDBT_DB\.cfg\.`+name+` to`, false)
	}
	// Replaced without copy_grants: its grants went with the old table, so dbt grants
	// again without asking.
	expectStatement(t, "second build", second, `^show grants on GDBT_DB\.cfg\.tbl_default$`, false)
	expectStatement(t, "second build", second, `^grant select on GDBT_DB\.cfg\.tbl_default to reporter$`, true)
	for _, name := range []string{"inc", "colors", "colors_snap", "tbl_clustered", "tbl_default"} {
		o, _ := srv.Object(rel(name))
		if got := fmt.Sprint(o.Grants["SELECT"]); got != "[REPORTER]" {
			t.Errorf("after the second build, SELECT on %s is granted to %s, want [REPORTER]", name, got)
		}
	}
	// The dynamic table's target_lag changed: altered in place.
	expectStatement(t, "second build", second, `(?i)^alter dynamic table GDBT_DB\.cfg\.dyn set target_lag = '2 hours'$`, true)
	expectStatement(t, "second build", second, `create or replace dynamic table`, false)
	if o, _ := srv.Object(rel("dyn")); o.TargetLag != "2 hours" {
		t.Errorf("dyn target_lag = %q after the alter, want 2 hours", o.TargetLag)
	}

	// Nothing changed: no DDL for the dynamic table; the node reports dbt-snowflake's skip.
	b3, third := build("{lag: 2 hours}")
	expectStatement(t, "third build", third, `(?i)dynamic table GDBT_DB\.cfg\.dyn`, false)
	if !strings.Contains(b3.ConsoleText(), "[skip GDBT_DB.cfg.dyn in") {
		t.Errorf("third build: dyn not reported as skipped\nconsole:\n%s", b3.ConsoleText())
	}
}

// expectStatement checks whether some statement matches the pattern.
func expectStatement(t *testing.T, what string, stmts []string, pattern string, want bool) {
	t.Helper()
	re := regexp.MustCompile(`(?m)` + pattern)
	for _, s := range stmts {
		if re.MatchString(strings.TrimSpace(s)) {
			if !want {
				t.Errorf("%s: unexpected statement matching %s:\n%s", what, pattern, s)
			}
			return
		}
	}
	if want {
		t.Errorf("%s: no statement matches %s; received:\n%s", what, pattern, strings.Join(stmts, "\n----\n"))
	}
}

// expectOrder checks that statements starting with each prefix arrive in that order.
func expectOrder(t *testing.T, stmts []string, prefixes ...string) {
	t.Helper()
	i := 0
	for _, s := range stmts {
		if i < len(prefixes) && strings.HasPrefix(strings.TrimSpace(s), prefixes[i]) {
			i++
		}
	}
	if i < len(prefixes) {
		t.Errorf("statements %q not received in order (matched %d)", prefixes, i)
	}
}

// TestDynamicTableReplacement: a table turned into a dynamic table goes through dbt's
// staging path (intermediate, backup, rename, drop); a new refresh_mode recreates the
// dynamic table; with on_configuration_change=fail a change fails the model.
func TestDynamicTableReplacement(t *testing.T) {
	srv := startFake(t)
	setFakeEnv(t, srv, "cfg")
	dir := warehousetest.WriteTxtar(t, filepath.Join("testdata", "modelconfigs.txtar"))
	build := func(vars string) (string, []string) {
		t.Helper()
		before := len(srv.Statements())
		b := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: vars}, 2, "target")
		return b.Status["dyn2"], srv.Statements()[before:]
	}
	if st, _ := build("{}"); !strings.HasPrefix(st, "success") {
		t.Fatalf("dyn2 as a table: %s", st)
	}
	st, stmts := build("{dyn2_mat: dynamic_table}")
	if !strings.HasPrefix(st, "success") {
		t.Fatalf("dyn2 as a dynamic table: %s", st)
	}
	expectOrder(t, stmts, "create dynamic table GDBT_DB.cfg.dyn2__dbt_tmp", "alter table GDBT_DB.CFG.DYN2 rename to GDBT_DB.CFG.DYN2__dbt_backup",
		"alter dynamic table GDBT_DB.cfg.dyn2__dbt_tmp rename to GDBT_DB.cfg.dyn2", "drop table if exists GDBT_DB.CFG.DYN2__dbt_backup")
	if o, _ := srv.Object("GDBT_DB.cfg.dyn2"); o.Kind != "DYNAMIC TABLE" || o.TargetLag != "1 day" {
		t.Errorf("dyn2 = %+v, want a dynamic table with target_lag 1 day", o)
	}
	if _, ok := srv.Object("GDBT_DB.cfg.dyn2__dbt_backup"); ok {
		t.Errorf("the backup is left over")
	}
	st, stmts = build("{dyn2_mat: dynamic_table, mode: full}")
	if !strings.HasPrefix(st, "success") {
		t.Fatalf("dyn2 with refresh_mode full: %s", st)
	}
	expectStatement(t, "refresh_mode change", stmts, `(?s)^create or replace dynamic table GDBT_DB\.cfg\.dyn2\s.*refresh_mode = FULL`, true)
	if o, _ := srv.Object("GDBT_DB.cfg.dyn2"); o.RefreshMode != "FULL" {
		t.Errorf("dyn2 refresh_mode = %q, want FULL", o.RefreshMode)
	}
	st, stmts = build("{dyn2_mat: dynamic_table, mode: full, lag2: 2 days, occ2: fail}")
	if !strings.Contains(st, "Configuration changes were identified and `on_configuration_change` was set to `fail`") {
		t.Errorf("dyn2 with on_configuration_change fail: %s", st)
	}
	expectStatement(t, "on_configuration_change fail", stmts, `(?i)alter dynamic table`, false)
}
