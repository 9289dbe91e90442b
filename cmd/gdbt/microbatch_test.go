package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
	// Hooks once per model (dbt 1.9): a full refresh from begin (2024) builds one batch per
	// year up to now, yet the pre- and post-hook run once each.
	before := query("select what, count(*) from {{ target.schema }}.hook_log group by 1 order by 1")
	r = rtMust(t, dir, 0, "run", "-s", "hooked", "--full-refresh", "--vars", "{phase: 3}")
	if !strings.Contains(r.out, "Batch 3 of ") {
		t.Errorf("hooked did not build several yearly batches:\n%s", r)
	}
	after := query("select what, count(*) from {{ target.schema }}.hook_log group by 1 order by 1")
	if len(before) != 2 || len(after) != 2 || after[0] != hookCount(t, before[0], 1) || after[1] != hookCount(t, before[1], 1) {
		t.Errorf("hook_log before %q, after %q: want one more post and one more pre", before, after)
	}
	if got := query("select count(*) from {{ ref('hooked') }}"); !reflect.DeepEqual(got, []string{"8"}) {
		t.Errorf("hooked = %q rows, want all 8 events", got)
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
		q = strings.NewReplacer("{{ ref('", "main.", "') }}", "", "{{ target.schema }}", "main").Replace(q)
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

// TestSampleDuckDB: dbt 1.10's --sample on the microbatch project. Every model's refs and
// sources with an event_time read only the window (the view stg_events and the table
// daily_full too), dim_kind (no event_time) is read whole, and the microbatch models build
// the window's batches, each narrowed to the window (resolve_event_time_filter in
// dbt-core's core/dbt/context/providers.py).
func TestSampleDuckDB(t *testing.T) {
	dir := rtProject(t, "microbatch.txtar")
	q := func(sql string) []string {
		var out []string
		for _, row := range rtQuery(t, dir, sql) {
			out = append(out, strings.ReplaceAll(row, " 00:00:00 +0000 UTC", ""))
		}
		return out
	}
	r := rtMust(t, dir, 0, "build", "--vars", "{phase: 2}", "--sample", "{'start': '2024-01-02', 'end': '2024-01-03'}")
	if !strings.Contains(r.out, "Batch 1 of 1 (2024-01-02)") {
		t.Errorf("daily did not build the sample's one batch:\n%s", r)
	}
	if got := q("select id from main.stg_events order by 1"); !reflect.DeepEqual(got, []string{"3", "5"}) {
		t.Errorf("stg_events (a view on a source with event_time) = %q, want ids 3 and 5 (2024-01-02)", got)
	}
	want := []string{"2024-01-02|2|80|alpha"}
	for _, m := range []string{"daily", "daily_full"} {
		if got := q("select cast(day_at as date), n, total, first_label from main." + m + " order by 1"); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %q, want %q", m, got, want)
		}
	}
	// yearly's batch (all of 2024) is narrowed to the window.
	if got := q("select count(*), sum(amount) from main.yearly"); !reflect.DeepEqual(got, []string{"2|80"}) {
		t.Errorf("yearly = %q, want the window's 2 rows", got)
	}
	b, err := os.ReadFile(filepath.Join(dir, "target", "run", "mb", "models", "daily_full.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if f := "where occurred_at >= '2024-01-02 00:00:00+00:00' and occurred_at < '2024-01-03 00:00:00+00:00'"; !strings.Contains(string(b), f) {
		t.Errorf("daily_full's SQL lacks the sample filter %q:\n%s", f, b)
	}
	// A relative window ends now: the 2024 events are all outside the last 3 days.
	rtMust(t, dir, 0, "run", "-s", "stg_events", "--vars", "{phase: 2}", "--sample", "3 days")
	if got := q("select count(*) from main.stg_events"); !reflect.DeepEqual(got, []string{"0"}) {
		t.Errorf("stg_events with --sample '3 days' = %q rows, want 0", got)
	}
	// Without --sample everything is read again.
	rtMust(t, dir, 0, "run", "-s", "stg_events", "--vars", "{phase: 2}")
	if got := q("select count(*) from main.stg_events"); !reflect.DeepEqual(got, []string{"6"}) {
		t.Errorf("stg_events without --sample = %q rows, want 6", got)
	}
}

// hookCount is a "what|n" row of hook_log's counts with n increased by d.
func hookCount(t *testing.T, row string, d int) string {
	t.Helper()
	what, n, _ := strings.Cut(row, "|")
	var k int
	if _, err := fmt.Sscan(n, &k); err != nil {
		t.Fatalf("hook_log row %q: %v", row, err)
	}
	return fmt.Sprintf("%s|%d", what, k+d)
}

// TestMicrobatchRetryDuckDB: a failed batch is recorded in run_results.json's
// batch_results and `gdbt retry` reruns it alone, keeping the earlier successes
// (dbt-core's core/dbt/task/retry.py batch_map, run.py merge_batch_results).
func TestMicrobatchRetryDuckDB(t *testing.T) {
	dir := rtProject(t, "microbatch.txtar")
	r := rtMust(t, dir, 1, "run", "-s", "+flaky", "--vars", "{phase: 1, break_batch: '20240102'}",
		"--event-time-start", "2024-01-01", "--event-time-end", "2024-01-04")
	if !strings.Contains(r.err+r.out, "1 of 3 batches failed (2024-01-02)") {
		t.Errorf("the failed batch is not named:\n%s", r)
	}
	day := func(d string) [2]string {
		s := "2024-01-0" + d + "T00:00:00+00:00"
		e := "2024-01-0" + string(rune(d[0]+1)) + "T00:00:00+00:00"
		return [2]string{s, e}
	}
	check := func(status string, ok, failed [][2]string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, "target", "run_results.json"))
		if err != nil {
			t.Fatal(err)
		}
		var rr struct {
			Results []struct {
				UniqueID     string `json:"unique_id"`
				Status       string `json:"status"`
				BatchResults *struct {
					Successful [][2]string `json:"successful"`
					Failed     [][2]string `json:"failed"`
				} `json:"batch_results"`
			} `json:"results"`
		}
		if err := json.Unmarshal(b, &rr); err != nil {
			t.Fatal(err)
		}
		for _, res := range rr.Results {
			if res.UniqueID != "model.mb.flaky" {
				if res.BatchResults != nil {
					t.Errorf("%s has batch_results; only microbatch models do", res.UniqueID)
				}
				continue
			}
			if res.Status != status || res.BatchResults == nil || !reflect.DeepEqual(res.BatchResults.Successful, ok) || !reflect.DeepEqual(res.BatchResults.Failed, failed) {
				t.Errorf("flaky: status %s, batch_results %+v; want %s, successful %q, failed %q", res.Status, res.BatchResults, status, ok, failed)
			}
			return
		}
		t.Errorf("no result for flaky in %s", b)
	}
	// Some batches succeeded: dbt 1.9's partial success (run.py merge_batch_results),
	// logged "PARTIALLY created" and summed up apart from errors, exit 1.
	for _, want := range []string{"PARTIALLY created sql incremental model main.flaky", "[PARTIAL SUCCESS (2/3) in ",
		"Completed with 1 partial success and 0 warnings", "ERROR=1 SKIP=0"} {
		if !strings.Contains(r.out+r.err, want) {
			t.Errorf("run output lacks %q:\n%s", want, r)
		}
	}
	check("partial success", [][2]string{day("1"), day("3")}, [][2]string{day("2")})
	r = rtMust(t, dir, 0, "retry", "--vars", "{phase: 1}")
	if !strings.Contains(r.out, "Batch 1 of 1 (2024-01-02)") || strings.Contains(r.out, "(2024-01-01)") {
		t.Errorf("retry did not rerun only the failed batch:\n%s", r)
	}
	check("success", [][2]string{day("2"), day("1"), day("3")}, [][2]string{})
	if got := rtQuery(t, dir, "select cast(day_at as date), n from main.flaky order by 1"); !reflect.DeepEqual(got, []string{"2024-01-01 00:00:00 +0000 UTC|2", "2024-01-02 00:00:00 +0000 UTC|1", "2024-01-03 00:00:00 +0000 UTC|1"}) {
		t.Errorf("flaky after retry = %q", got)
	}
}
