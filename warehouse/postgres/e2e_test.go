package postgres_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

func TestEndToEnd(t *testing.T) {
	fields := testFields(t)
	schema := fmt.Sprintf("gdbt_e2e_%d", time.Now().UnixNano()%1e9)
	setProjectEnv(t, fields, schema)
	a := openTest(t)
	t.Cleanup(func() {
		a.Execute(context.Background(), "drop schema if exists "+schema+" cascade; drop schema if exists "+schema+"_dbt_test__audit cascade", false)
	})
	dir := warehousetest.WriteTxtar(t, filepath.Join("testdata", "project.txtar"))
	query := func(sql string) [][]any {
		t.Helper()
		_, tab, err := a.Execute(context.Background(), strings.ReplaceAll(sql, "{s}", schema), true)
		if err != nil {
			t.Fatal(err)
		}
		return tab.Rows
	}

	firstB := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: "{batch: 1}"}, 3, "target")
	first, log := firstB.Status, firstB
	failed := false
	for name, st := range first {
		if !strings.HasPrefix(st, "success") && !strings.HasPrefix(st, "pass") {
			t.Errorf("first build: %s: %s", name, st)
			failed = true
		}
	}
	if failed {
		t.Logf("console:\n%s", log.ConsoleText())
	}
	if len(first) < 20 {
		t.Errorf("first build ran %d nodes: %v", len(first), first)
	}
	if got := query("select count(*) from {s}.events"); got[0][0] != int64(3) {
		t.Errorf("events rows = %v", got)
	}
	if got := query("select id, batch from {s}.events_delete_insert order by id"); len(got) != 3 {
		t.Errorf("events_delete_insert = %v", got)
	}
	rels, err := a.ListRelations(context.Background(), "", schema)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, r := range rels {
		kinds[r.Identifier] = r.Type
	}
	for name, want := range map[string]string{"people": "table", "stg_people": "view", "people_summary": "table", "events": "table"} {
		if kinds[name] != want {
			t.Errorf("%s is %q, want %q (relations %v)", name, kinds[name], want, kinds)
		}
	}

	// The second build takes the incremental paths: merge on id, append, and delete+insert
	// with a new column.
	secondB := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: "{batch: 2}"}, 3, "target")
	second, log := secondB.Status, secondB
	for _, name := range []string{"events", "events_append", "events_delete_insert"} {
		if !strings.HasPrefix(second[name], "success") {
			t.Errorf("second build: %s: %s\n%s", name, second[name], log.ConsoleText())
		}
	}
	if got, want := query("select id, batch from {s}.events order by id"), [][]any{{int64(1), int64(1)}, {int64(2), int64(1)}, {int64(3), int64(2)}}; !reflect.DeepEqual(got, want) {
		t.Errorf("events after merge = %v, want %v", got, want)
	}
	if got := query("select count(*), max(batch) from {s}.events_append"); !reflect.DeepEqual(got, [][]any{{int64(4), int64(2)}}) {
		t.Errorf("events_append after append = %v, want 4 rows, max batch 2", got)
	}
	if got := query("select count(*), min(batch), min(extra) from {s}.events_delete_insert"); !reflect.DeepEqual(got, [][]any{{int64(3), int64(2), "new"}}) {
		t.Errorf("events_delete_insert after delete+insert = %v", got)
	}
	if got := query("select d from {s}.x_dateadd"); len(got) != 1 || !got[0][0].(time.Time).Equal(time.Date(2024, 2, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("x_dateadd = %v", got)
	}
	// Snapshots: one changed row each closes its old version and opens a new one.
	for _, snap := range []string{"people_check", "people_ts"} {
		if !strings.HasPrefix(second[snap], "success") {
			t.Errorf("second build: %s: %s", snap, second[snap])
		}
		if got := query("select count(*), count(dbt_valid_to) from {s}." + snap); !reflect.DeepEqual(got, [][]any{{int64(4), int64(1)}}) {
			t.Errorf("%s = %v, want 4 versions, 1 closed", snap, got)
		}
	}
	// The postgres__ variants of the cross-database macros compute what dbt's do.
	checks := []struct {
		sql  string
		want []any
	}{
		{"select days, months, hours, weeks from {s}.x_datediff", []any{int64(60), int64(14), int64(5), int64(4)}},
		{"select c, sp, len, pos, rep, r, lit, esc, bt, sc from {s}.x_strings", []any{"ab", "b", int64(4), int64(3), "azc", "ef", "abc", "o'k", "true", int64(12)}},
		{"select names, first_two, any_active from {s}.x_aggregates", []any{"Ann, Bob, Cy", "Ann,Bob", true}},
		{"select count(*), sum(generated_number) from {s}.x_series", []any{int64(4), int64(10)}},
		{"select to_char(m, 'YYYY-MM-DD'), (select to_char(d, 'YYYY-MM-DD') from {s}.x_last_day) from {s}.x_date_trunc", []any{"2024-02-01", "2024-02-29"}},
		{"select i, b, f, n, s, bo from {s}.x_types", []any{int64(1), int64(2), 1.5, 1.25, "s", true}},
	}
	for _, c := range checks {
		if got := query(c.sql); len(got) != 1 || !reflect.DeepEqual(got[0], c.want) {
			t.Errorf("%s = %#v, want %#v", c.sql, got, c.want)
		}
	}
}
