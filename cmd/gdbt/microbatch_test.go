package main

import (
	"reflect"
	"strings"
	"testing"
)

// checkMicrobatch builds runner/testdata/microbatch.txtar's microbatch models three times
// with late-arriving rows and checks they hold what a full rebuild holds; query returns rows
// of a SQL query with relations written as {{ ref('name') }}.
func checkMicrobatch(t *testing.T, dir string, query func(sql string) []string) {
	t.Helper()
	const daily = "select cast(day_at as date), n, total, first_label from {{ ref('daily') }} order by 1"
	const full = "select cast(day_at as date), n, total, first_label from {{ ref('daily_full') }} order by 1"
	win := func(s, e string) []string { return []string{"--event-time-start", s, "--event-time-end", e} }

	r := rtMust(t, dir, 0, append([]string{"build"}, win("2024-01-01", "2024-01-04")...)...)
	if !strings.Contains(r.out, "Batch 3 of 3 (2024-01-03)") {
		t.Errorf("build did not run daily's three batches:\n%s", r)
	}
	want := []string{"2024-01-01|2|30|alpha", "2024-01-02|1|30|alpha", "2024-01-03|1|40|alpha"}
	if got := query(daily); !reflect.DeepEqual(got, want) {
		t.Errorf("run 1: daily = %q, want %q", got, want)
	}
	// Late rows for 01-02 and a new day: only the window is rebuilt, 01-01 is kept.
	rtMust(t, dir, 0, append([]string{"run", "-s", "daily", "--vars", "{phase: 2}"}, win("2024-01-02", "2024-01-05")...)...)
	want = []string{"2024-01-01|2|30|alpha", "2024-01-02|2|80|alpha", "2024-01-03|1|40|alpha", "2024-01-04|1|60|alpha"}
	if got := query(daily); !reflect.DeepEqual(got, want) {
		t.Errorf("run 2: daily = %q, want %q", got, want)
	}
	// A window that leaves out 01-01 does not see its late row; the next one does.
	rtMust(t, dir, 0, append([]string{"run", "-s", "daily", "--vars", "{phase: 3}"}, win("2024-01-05", "2024-01-06")...)...)
	if got := query(daily); len(got) != 5 || got[0] != "2024-01-01|2|30|alpha" {
		t.Errorf("run 3: daily = %q, want 01-01 untouched and 01-05 added", got)
	}
	rtMust(t, dir, 0, append([]string{"build", "--vars", "{phase: 3}"}, win("2024-01-01", "2024-01-06")...)...)
	got, ref := query(daily), query(full)
	want = []string{"2024-01-01|3|100|alpha", "2024-01-02|2|80|alpha", "2024-01-03|1|40|alpha", "2024-01-04|1|60|alpha", "2024-01-05|1|80|beta"}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(ref, want) {
		t.Errorf("after the late rows: daily = %q, daily_full = %q, want both %q", got, ref, want)
	}
	// --full-refresh rebuilds from scratch over the window: the same table.
	rtMust(t, dir, 0, append([]string{"run", "-s", "daily", "--full-refresh", "--vars", "{phase: 3}"}, win("2024-01-01", "2024-01-06")...)...)
	if got := query(daily); !reflect.DeepEqual(got, want) {
		t.Errorf("full refresh: daily = %q, want %q", got, want)
	}
	// yearly runs from begin (2024) to now: every row once.
	if got := query("select count(*), count(distinct id), sum(amount) from {{ ref('yearly') }}"); !reflect.DeepEqual(got, []string{"8|8|360"}) {
		t.Errorf("yearly = %q, want all 8 events once", got)
	}
	// Usage errors, as dbt's flags validation.
	r = rtMust(t, dir, 2, "run", "--event-time-start", "2024-01-02")
	if !strings.Contains(r.err, "`--event-time-end` must also be present") {
		t.Errorf("--event-time-start alone:\n%s", r)
	}
	r = rtMust(t, dir, 2, append([]string{"run"}, win("2024-01-03", "2024-01-02")...)...)
	if !strings.Contains(r.err, "must be less than `--event-time-end`") {
		t.Errorf("start after end:\n%s", r)
	}
}

// TestMicrobatchDuckDB builds the microbatch project on DuckDB (dbt-duckdb's delete+insert
// per batch).
func TestMicrobatchDuckDB(t *testing.T) {
	dir := rtProject(t, "microbatch.txtar")
	checkMicrobatch(t, dir, func(q string) []string {
		q = strings.NewReplacer("{{ ref('", "main.", "') }}", "").Replace(q)
		var out []string
		for _, row := range rtQuery(t, dir, q) {
			out = append(out, strings.ReplaceAll(row, " 00:00:00 +0000 UTC", ""))
		}
		return out
	})
}

// TestMicrobatchPostgres builds it on PostgreSQL (dbt-postgres' merge on unique_key).
func TestMicrobatchPostgres(t *testing.T) {
	u := rtPGURL(t)
	dir := rtProject(t, "microbatch.txtar")
	rtPGProfile(t, u, dir, "mb", "gdbt_mb")
	checkMicrobatch(t, dir, func(q string) []string { return rtShowRows(t, dir, q) })
}
