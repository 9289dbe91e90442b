package postgres_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// swapProject: a table, a view on it, a view on that view, and a view that reads a column
// the table loses when var drop_name is true.
var swapProject = map[string]string{
	"dbt_project.yml": "name: swapproj\nprofile: swapproj\nvars:\n  drop_name: false\nmodels:\n  swapproj:\n    +materialized: view\n",
	"profiles.yml": `swapproj:
  target: pg
  outputs:
    pg:
      type: postgres
      host: "{{ env_var('GDBT_TEST_PG_HOST') }}"
      port: "{{ env_var('GDBT_TEST_PG_PORT') }}"
      user: "{{ env_var('GDBT_TEST_PG_USER') }}"
      password: "{{ env_var('GDBT_TEST_PG_PASSWORD') }}"
      dbname: "{{ env_var('GDBT_TEST_PG_DB') }}"
      schema: "{{ env_var('GDBT_TEST_PG_SCHEMA') }}"
      sslmode: disable
      threads: 1
`,
	"models/base.sql":      "{{ config(materialized='table') }}\nselect g as id{% if not var('drop_name') %}, 'n' || g as name{% endif %} from generate_series(1, {{ 3 if var('drop_name') else 2 }}) g\n",
	"models/child.sql":     "select id from {{ ref('base') }}\n",
	"models/grand.sql":     "select id * 10 as id10 from {{ ref('child') }}\n",
	"models/uses_name.sql": "select id{% if not var('drop_name') %}, name{% endif %} from {{ ref('base') }}\n",
}

// TestSwapKeepsDependentViews: rebuilding a table or view keeps the views that read it,
// the user's own views outside the project included (definition, comment, grants, the
// indexes of a materialized view), in the swap's transaction; a user's view that no longer
// fits makes the model fail and roll back naming it, while the project's own views are
// left to their build (issue #14 item 3).
func TestSwapKeepsDependentViews(t *testing.T) {
	fields := testFields(t)
	schema := fmt.Sprintf("gdbt_swap_%d", time.Now().UnixNano()%1e9)
	ext := schema + "_ext"
	setProjectEnv(t, fields, schema)
	a := openTest(t)
	t.Cleanup(func() {
		a.Execute(context.Background(), "drop schema if exists "+schema+" cascade; drop schema if exists "+ext+" cascade", false)
	})
	dir := writeProject(t, swapProject)
	exec := func(sql string) [][]any {
		t.Helper()
		_, tab, err := a.Execute(context.Background(), strings.NewReplacer("{s}", schema, "{x}", ext).Replace(sql), true)
		if err != nil {
			t.Fatal(err)
		}
		return tab.Rows
	}
	build := func(vars string) warehousetest.Built {
		t.Helper()
		return warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: vars}, 1, "target")
	}
	ok := func(b warehousetest.Built, names ...string) {
		t.Helper()
		for _, n := range names {
			if !strings.HasPrefix(b.Status[n], "success") {
				t.Errorf("%s: %q\n%s", n, b.Status[n], b.ConsoleText())
			}
		}
	}
	ok(build("{drop_name: false}"), "base", "child", "grand", "uses_name")

	exec(`create schema {x};
create view {x}.user_view as select id, name from {s}.base;
comment on view {x}.user_view is 'mine';
grant select on {x}.user_view to public;
create view {x}.on_grand as select id10 from {s}.grand;
create materialized view {x}.user_mv as select count(*) as n from {s}.child;
create index user_mv_n on {x}.user_mv (n)`)

	ok(build("{drop_name: false}"), "base", "child", "grand", "uses_name")
	if got := exec("select count(*), min(name) from {x}.user_view"); fmt.Sprint(got) != "[[2 n1]]" {
		t.Errorf("user_view after the rebuild = %v", got)
	}
	if got := exec("select obj_description('{x}.user_view'::regclass, 'pg_class'), has_table_privilege('public', '{x}.user_view', 'select')"); fmt.Sprint(got) != "[[mine true]]" {
		t.Errorf("user_view's comment and public grant = %v", got)
	}
	if got := exec("select count(*) from pg_indexes where schemaname = '{x}' and indexname = 'user_mv_n'"); got[0][0] != int64(1) {
		t.Errorf("user_mv's index is gone: %v", got)
	}
	if got := exec("select count(*) from {x}.on_grand"); got[0][0] != int64(2) {
		t.Errorf("on_grand = %v", got)
	}

	// The table loses column name: the user's view reads it, so base fails naming that view
	// and stays as it was; nothing downstream runs.
	b := build("{drop_name: true}")
	if st := b.Status["base"]; !strings.HasPrefix(st, "error") || !strings.Contains(st, ext+".user_view") || !strings.Contains(st, "change or drop that view") {
		t.Errorf("base = %q, want an error naming %s.user_view", st, ext)
	}
	if got := exec("select count(*), min(name) from {s}.base"); fmt.Sprint(got) != "[[2 n1]]" {
		t.Errorf("base after the refused swap = %v", got)
	}
	if got := exec("select count(*) from {x}.user_view"); got[0][0] != int64(2) {
		t.Errorf("user_view after the refused swap = %v", got)
	}

	// Without the user's view, the project's own view that reads name is dropped by the swap
	// and rebuilt by its own build; the user's other views follow the new table.
	exec("drop view {x}.user_view")
	ok(build("{drop_name: true}"), "base", "child", "grand", "uses_name")
	if got := exec("select count(*) from {x}.on_grand"); got[0][0] != int64(3) {
		t.Errorf("on_grand after the column change = %v", got)
	}
	if got := exec("select n from {x}.user_mv"); got[0][0] != int64(3) {
		t.Errorf("user_mv (recomputed on the new table) = %v", got)
	}
	if got := exec("select count(*) from information_schema.columns where table_schema = '{s}' and table_name = 'uses_name'"); got[0][0] != int64(1) {
		t.Errorf("uses_name columns = %v, want 1", got)
	}
}

// writeProject writes a small project (file name → content) into a temporary folder.
func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
