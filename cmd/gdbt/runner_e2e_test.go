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

// End-to-end tests of run, build, test, seed, retry, show, run-operation and the run
// flags on the shop project, checking the data left in DuckDB and run_results.json.

const rtTotalsQuery = "select id, name, n_orders, total::decimal(10,2) from main.customer_totals order by id"

var rtWantTotals = []string{"1|ALICE|2|10", "2|BOB|1|7", "3|CAROL|1|1"}

func TestRunnerBuildData(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	r := rtMust(t, dir, 0, "build")
	if got := rtQuery(t, dir, rtTotalsQuery); !reflect.DeepEqual(got, rtWantTotals) {
		t.Errorf("customer_totals = %q, want %q", got, rtWantTotals)
	}
	if got := rtQuery1(t, dir, "select id || '|' || name from main.top_customer"); got != "1|ALICE" {
		t.Errorf("top_customer = %q", got)
	}
	if got := rtQuery1(t, dir, "select count(*) || '|' || sum(i) from main.big"); got != "1000|499500" {
		t.Errorf("big = %q", got)
	}
	if got := rtQuery1(t, dir, "select n from main.big_child"); got != "1000" {
		t.Errorf("big_child = %q", got)
	}
	kinds := rtQuery(t, dir, "select table_name || ':' || table_type from information_schema.tables where table_schema = 'main' and table_name in ('stg_customers', 'stg_orders') order by 1")
	if want := []string{"stg_customers:VIEW", "stg_orders:BASE TABLE"}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("materializations = %q, want %q", kinds, want)
	}
	if got := rtQuery(t, dir, "select id || '|' || tag from main.inc_orders order by id"); !reflect.DeepEqual(got, []string{"10|v1", "11|v1", "12|v1", "13|v1"}) {
		t.Errorf("inc_orders = %q", got)
	}
	st := rtStatuses(t, dir)
	if len(st) != 12 {
		t.Errorf("build ran %d nodes, want 12 (2 seeds, 7 models, 3 tests): %v", len(st), st)
	}
	for id, s := range st {
		if want := map[bool]string{true: "pass", false: "success"}[strings.HasPrefix(id, "test.")]; s != want {
			t.Errorf("%s: status %q, want %q", id, s, want)
		}
	}
	// on-run-start ran before and on-run-end after, with the run's results.
	// on-run-end sees {{ results }} shaped like dbt's: status, node, adapter_response.
	if got := rtQuery(t, dir, "select event || ':' || coalesce(n::varchar, '-') from main.run_log order by rowid"); len(got) != 5 ||
		!reflect.DeepEqual(got[:3], []string{"start:-", "end:12", "not ok:0"}) {
		t.Errorf("hooks logged %q", got)
	}
	if got := rtQuery(t, dir, "select event || ':' || n from main.run_log where event like 'seed %' order by 1"); !reflect.DeepEqual(got, []string{"seed customers success:3", "seed orders success:4"}) {
		t.Errorf("on-run-end saw the seeds as %q", got)
	}
	// target/run/ holds the statements that ran: the DDL building the table, not only the
	// compiled SELECT.
	ran, err := os.ReadFile(filepath.Join(dir, "target", "run", "shop", "models", "customer_totals.sql"))
	if err != nil || !strings.Contains(strings.ToLower(string(ran)), "create") || !strings.Contains(string(ran), "stg_orders") {
		t.Errorf("target/run/ lacks the executed DDL of customer_totals (%v):\n%s", err, ran)
	}
	if !strings.Contains(r.out, "Done. PASS=12 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=12") {
		t.Errorf("no Done line:\n%s", r)
	}
	log, err := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(r.out), "\n") {
		if msg := line[len("15:04:05  "):]; !strings.Contains(string(log), msg) {
			t.Errorf("logs/gdbt.log lacks the console line %q", msg)
		}
	}
}

func TestRunnerFailingTestSkipsChildren(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtWrite(t, dir, totalsSQL, dupTotals)
	r := rtMust(t, dir, 1, "build", "--threads", "2")
	res := rtResults(t, dir)
	var unique rtResult
	for id, x := range res {
		if strings.HasPrefix(id, "test.shop.unique_customer_totals_id.") {
			unique = x
		}
	}
	if unique.Status != "fail" || unique.Failures == nil || *unique.Failures != 1 {
		t.Errorf("unique test: %+v", unique)
	}
	top := res[idTop]
	if top.Status != "skipped" || top.Message == nil || !strings.Contains(*top.Message, unique.UniqueID) {
		t.Errorf("top_customer must be skipped naming the failed test: %+v", top)
	}
	if got := rtQuery1(t, dir, "select n from main.run_log where event = 'not ok'"); got != "2" {
		t.Errorf("on-run-end counted %s results not ok, want 2 (the failed test and the skipped model)", got)
	}
	if res[idTotals].Status != "success" || res[idInc].Status != "success" {
		t.Errorf("the tested model and unrelated ones still build: %v", rtStatuses(t, dir))
	}
	if n := rtQuery1(t, dir, "select count(*) from information_schema.tables where table_name = 'top_customer'"); n != "0" {
		t.Errorf("the skipped top_customer was built")
	}
	if !strings.Contains(r.err, "Failure in test unique_customer_totals_id (models/schema.yml)") ||
		!strings.Contains(r.out, "SKIP=1") || !strings.Contains(r.out, "ERROR=1") {
		t.Errorf("the summary must repeat the failure with its file:\n%s", r)
	}
}

func TestRunnerRetry(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	good, err := os.ReadFile(filepath.Join(dir, totalsSQL))
	if err != nil {
		t.Fatal(err)
	}
	rtMust(t, dir, 2, "retry") // no run yet: there are no run results to retry
	rtWrite(t, dir, totalsSQL, brokenTotals)
	r := rtMust(t, dir, 1, "build")
	st := rtStatuses(t, dir)
	var redo []string
	for id, s := range st {
		switch s {
		case "error", "skipped":
			redo = append(redo, id)
		case "success", "pass":
		default:
			t.Errorf("%s: %s", id, s)
		}
	}
	sort.Strings(redo)
	if len(redo) != 4 || st[idTotals] != "error" || st[idTop] != "skipped" {
		t.Fatalf("want customer_totals error and its 2 tests and top_customer skipped, got %v\n%s", st, r)
	}
	if !strings.Contains(r.err, "Runtime Error in model customer_totals (models/customer_totals.sql)") {
		t.Errorf("the error summary names the model and its file:\n%s", r)
	}
	rtWrite(t, dir, totalsSQL, string(good))
	r = rtMust(t, dir, 0, "retry")
	st = rtStatuses(t, dir)
	var again []string
	for id, s := range st {
		again = append(again, id)
		if s != "success" && s != "pass" {
			t.Errorf("retry: %s %s", id, s)
		}
	}
	sort.Strings(again)
	if !reflect.DeepEqual(again, redo) {
		t.Errorf("retry ran %q, want exactly the errored and skipped %q\n%s", again, redo, r)
	}
	if got := rtQuery(t, dir, rtTotalsQuery); !reflect.DeepEqual(got, rtWantTotals) {
		t.Errorf("customer_totals after retry = %q", got)
	}
	if got := rtQuery1(t, dir, "select name from main.top_customer"); got != "ALICE" {
		t.Errorf("top_customer after retry = %q", got)
	}
	r = rtMust(t, dir, 0, "retry")
	if !strings.Contains(r.out, "Nothing to retry") {
		t.Errorf("a retry after a clean run has nothing to do:\n%s", r)
	}
}

func TestRunnerSelectExclude(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"seed"}, []string{idCustomers, idOrders}},
		{[]string{"run", "-s", "stg_customers", "stg_orders"}, []string{idStgCust, idStgOrders}},
		{[]string{"run", "-s", "customer_totals+", "--exclude", "top_customer"}, []string{idTotals}},
		{[]string{"run", "-s", "+top_customer", "--exclude", "stg_orders", "customers"}, []string{idStgCust, idTotals, idTop}},
		{[]string{"test", "-s", "customer_totals"}, []string{"test.shop.not_null_customer_totals_id", "test.shop.unique_customer_totals_id"}},
		{[]string{"build", "-s", "orders+", "--exclude", "inc_orders", "customer_totals+"}, []string{idOrders, idStgOrders, "test.shop.relationships_stg_orders_customer_id__id__ref_stg_customers_"}},
	}
	for _, c := range cases {
		rtMust(t, dir, 0, c.args...)
		var got []string
		for id := range rtStatuses(t, dir) {
			if strings.HasPrefix(id, "test.") {
				id = id[:strings.LastIndex(id, ".")]
			}
			got = append(got, id)
		}
		sort.Strings(got)
		sort.Strings(c.want)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("gdbt %s ran %q, want %q", strings.Join(c.args, " "), got, c.want)
		}
	}
	// Nothing outside the selections was built.
	if got := rtQuery(t, dir, "select table_name from information_schema.tables where table_schema = 'main' and table_name in ('big', 'inc_orders', 'big_child')"); len(got) != 0 {
		t.Errorf("unselected models were built: %q", got)
	}
	if got := rtQuery(t, dir, rtTotalsQuery); !reflect.DeepEqual(got, rtWantTotals) {
		t.Errorf("customer_totals = %q", got)
	}
}

func TestRunnerShowAndOperation(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtMust(t, dir, 0, "build", "-s", "+customer_totals")
	r := rtMust(t, dir, 0, "show", "-s", "customer_totals", "--limit", "2")
	if rows := rtTableRows(r.out); len(rows) != 2 || !strings.Contains(r.out, "n_orders") {
		t.Errorf("show --limit 2 printed %d rows:\n%s", len(rows), r)
	}
	r = rtMust(t, dir, 0, "show", "--inline", "select name, total from {{ ref('customer_totals') }} order by total desc", "--limit", "2")
	if rows := rtTableRows(r.out); len(rows) != 2 || !strings.Contains(rows[0], "ALICE") || !strings.Contains(rows[1], "BOB") {
		t.Errorf("show --inline:\n%s", r)
	}
	// show previews; it never builds.
	if n := rtQuery1(t, dir, "select count(*) from information_schema.tables where table_name = 'top_customer'"); n != "0" {
		t.Errorf("show materialized something")
	}
	rtMust(t, dir, 2, "show", "-s", "no_such_model")

	r = rtMust(t, dir, 0, "run-operation", "make_events", "--args", "{hours_ago: 2}")
	if !strings.Contains(r.out, "made events 2 hours ago") {
		t.Errorf("{{ log(..., info=True) }} of an operation is printed:\n%s", r)
	}
	if got := rtQuery1(t, dir, "select round(epoch(now()::timestamp - loaded_at) / 3600) from raw.events"); got != "2" {
		t.Errorf("make_events(hours_ago=2) made loaded_at %s hours ago", got)
	}
	// As dbt (task/run_operation.py), the operation is run_results.json's one result, under
	// its macro's unique id; a failed one is an error with one failure.
	if got := rtResults(t, dir); len(got) != 1 || got["macro.shop.make_events"].Status != "success" || *got["macro.shop.make_events"].Failures != 0 {
		t.Errorf("run_results.json of run-operation make_events = %+v", got)
	}
	var rr struct {
		Results []struct {
			ThreadID string `json:"thread_id"`
			Timing   []struct {
				Name string `json:"name"`
			} `json:"timing"`
		} `json:"results"`
		Args map[string]any `json:"args"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "target", "run_results.json"))
	if err := json.Unmarshal(b, &rr); err != nil || len(rr.Results) != 1 || rr.Results[0].ThreadID != "MainThread" || len(rr.Results[0].Timing) != 2 ||
		rr.Results[0].Timing[0].Name != "compile" || rr.Results[0].Timing[1].Name != "execute" || rr.Args["which"] != "run-operation" || rr.Args["macro"] != "make_events" {
		t.Errorf("run_results.json of run-operation make_events: %v\n%s", err, b)
	}
	// retry runs the last operation again, with its arguments, whatever its status (dbt's
	// task/retry.py).
	if r := rtMust(t, dir, 0, "retry"); !strings.Contains(r.out+r.err, "made events 2 hours ago") {
		t.Errorf("retry after run-operation did not run it again:\n%s", r)
	}
	rtMust(t, dir, 1, "run-operation", "make_events", "--args", "{hours_ago: x}")
	if got := rtResults(t, dir)["macro.shop.make_events"]; got.Status != "error" || got.Failures == nil || *got.Failures != 1 {
		t.Errorf("a failed operation's result = %+v, want error with 1 failure", got)
	}
	rtMust(t, dir, 1, "retry")
	// An unknown macro is dbt's UndefinedMacroError, an unhandled error: exit 2.
	if r := rtMust(t, dir, 2, "run-operation", "no_such_macro"); !strings.Contains(r.err, "could not find a macro with the name 'no_such_macro'") {
		t.Errorf("run-operation no_such_macro:\n%s", r)
	}
}

// rtTableRows returns the data rows of show's text table.
func rtTableRows(out string) []string {
	var rows []string
	seenSep := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "|-"):
			seenSep = true
		case seenSep && strings.HasPrefix(l, "| "):
			rows = append(rows, l)
		}
	}
	return rows
}

func TestRunnerSourceFreshness(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	for _, c := range []struct {
		hours  string
		status string
		code   int
	}{{"0", "pass", 0}, {"2", "warn", 0}, {"5", "error", 1}} {
		rtMust(t, dir, 0, "run-operation", "make_events", "--args", "{hours_ago: "+c.hours+"}")
		r := rtMust(t, dir, c.code, "source", "freshness")
		b := rtValidate(t, filepath.Join(dir, "target", "sources.json"), "sources_v3.json")
		if !strings.Contains(string(b), `"status": "`+c.status+`"`) || !strings.Contains(string(b), sourceFresh) {
			t.Errorf("%s hours old: want status %s in sources.json:\n%s", c.hours, c.status, b)
		}
		if !strings.Contains(r.out, "Done. PASS=") {
			t.Errorf("freshness prints a summary:\n%s", r)
		}
	}
	rtMust(t, dir, 0, "run-operation", "make_events", "--args", "{hours_ago: 0}")
	rtMust(t, dir, 0, "source", "freshness", "-s", "source:raw")
}

func TestRunnerFailFast(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtMust(t, dir, 0, "seed")
	broken := []string{"--vars", "{big_n: 'not a number'}", "--threads", "1"}
	rtMust(t, dir, 1, append([]string{"run"}, broken...)...)
	st := rtStatuses(t, dir)
	if st[idBig] != "error" || st["model.shop.big_child"] != "skipped" || st[idTop] != "success" {
		t.Fatalf("without --fail-fast the rest builds: %v", st)
	}
	rtMust(t, dir, 1, append([]string{"run", "--fail-fast"}, broken...)...)
	res := rtResults(t, dir)
	ok, skipped := 0, 0
	for _, x := range res {
		switch x.Status {
		case "success":
			ok++
		case "skipped":
			skipped++
		}
	}
	if res[idBig].Status != "error" || skipped < 2 || ok+skipped != len(res)-1 {
		t.Errorf("--fail-fast: want big error and what had not started skipped, got %v", rtStatuses(t, dir))
	}
	// retry repeats the run with its --vars, so big fails again; given new vars it builds.
	rtMust(t, dir, 1, "retry")
	if st := rtStatuses(t, dir); st[idBig] != "error" || len(st) != skipped+1 {
		t.Errorf("retry re-runs big and the skipped nodes with the same vars: %v", st)
	}
	rtMust(t, dir, 0, "retry", "--vars", "{big_n: 5}")
	if got := rtQuery1(t, dir, "select n from main.big_child"); got != "5" {
		t.Errorf("after retry with new vars big_child = %s, want 5", got)
	}
}

func TestRunnerEmptyAndFullRefresh(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtMust(t, dir, 0, "seed")
	rtMust(t, dir, 0, "run", "--empty", "--exclude", "big_child")
	// big reads no ref or source (range()), so --empty does not change it.
	if n := rtQuery1(t, dir, "select count(*) from main.big"); n != "1000" {
		t.Errorf("--empty: big has %s rows, want 1000", n)
	}
	for _, tab := range []string{"stg_customers", "stg_orders", "customer_totals", "top_customer", "inc_orders"} {
		if n := rtQuery1(t, dir, "select count(*) from main."+tab); n != "0" {
			t.Errorf("--empty: %s has %s rows", tab, n)
		}
	}
	cols := rtQuery(t, dir, "select column_name from information_schema.columns where table_name = 'customer_totals' order by ordinal_position")
	if !reflect.DeepEqual(cols, []string{"id", "name", "n_orders", "total"}) {
		t.Errorf("--empty keeps the columns: %q", cols)
	}
	if n := rtQuery1(t, dir, "select count(*) from main.customers"); n != "3" {
		t.Errorf("seeds are loaded: %s rows", n)
	}

	// inc_orders exists but is empty: an incremental run adds nothing (its filter compares
	// with max(id), NULL), --full-refresh rebuilds it from scratch.
	rtMust(t, dir, 0, "run", "-s", "inc_orders")
	if n := rtQuery1(t, dir, "select count(*) from main.inc_orders"); n != "0" {
		t.Errorf("incremental run on the empty table added %s rows", n)
	}
	rtMust(t, dir, 0, "run", "--full-refresh")
	rtMust(t, dir, 0, "run", "-s", "inc_orders", "--vars", "{tag: v2}")
	if got := rtQuery(t, dir, "select id || '|' || tag from main.inc_orders order by id"); !reflect.DeepEqual(got, []string{"10|v1", "11|v1", "12|v1", "13|v2"}) {
		t.Errorf("incremental run merges only the new rows: %q", got)
	}
	rtMust(t, dir, 0, "run", "-s", "inc_orders", "--vars", "{tag: v3}", "--full-refresh")
	if got := rtQuery(t, dir, "select id || '|' || tag from main.inc_orders order by id"); !reflect.DeepEqual(got, []string{"10|v3", "11|v3", "12|v3", "13|v3"}) {
		t.Errorf("--full-refresh rebuilds: %q", got)
	}
}

func TestRunnerExitCodes(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	r := rtMust(t, dir, 0, "run", "-s", "no_such_model")
	if !strings.Contains(r.err+r.out, "Nothing to do") {
		t.Errorf("an empty selection warns:\n%s", r)
	}
	rtMust(t, dir, 1, "run", "-s", "customer_totals") // its parents were never built
	rtWrite(t, dir, "models/oops.sql", "select * from {{ ref('no_such_model') }}\n")
	r = rtMust(t, dir, 2, "run")
	if !strings.Contains(r.err, "oops.sql") {
		t.Errorf("a compile error names the file:\n%s", r)
	}
	rtMust(t, dir, 2, "run", "--no-such-flag")
}
