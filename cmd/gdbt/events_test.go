package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// eventSchema compiles testdata/events/dbt_events.schema.json (dbt's event shapes).
func eventSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	path, _ := filepath.Abs(filepath.Join("testdata", "events", "dbt_events.schema.json"))
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// validateEventLines checks every line of out against dbt's event schema and returns the
// events' names in order.
func validateEventLines(t *testing.T, sch *jsonschema.Schema, what, out string) []string {
	t.Helper()
	var names []string
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(line))
		if err != nil {
			t.Fatalf("%s line %d is not JSON: %v\n%s", what, i+1, err, line)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s line %d does not have dbt's event shape: %v\n%s", what, i+1, err, line)
		}
		var ev struct{ Info struct{ Name string } }
		json.Unmarshal([]byte(line), &ev)
		names = append(names, ev.Info.Name)
	}
	return names
}

// TestJSONEvents builds the shop project with --log-format json: every console line and
// every line of the (debug, JSON) log file has dbt's event shape, the console lines match
// a golden file once times and ids are normalized, and the log file holds every SQL
// statement with its node and connection, and NodeStart/NodeFinished per node.
func TestJSONEvents(t *testing.T) {
	dir := fixtureProject(t, "shop.txtar")
	code, out, errb := runCLI(t, "build", "--threads", "1", "--log-format", "json", "--project-dir", dir)
	if code != ExitNodeFailed && code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	sch := eventSchema(t)
	names := validateEventLines(t, sch, "console", out+errb)
	for _, want := range []string{"MainReportVersion", "FoundStats", "ConcurrencyLine", "LogStartLine", "LogModelResult", "LogSeedResult", "LogTestResult", "StatsLine"} {
		if !contains(names, want) {
			t.Errorf("console lacks a %s event: %v", want, names)
		}
	}
	norm := regexp.MustCompile(`"(ts|invocation_id|node_started_at|node_finished_at)":"[^"]*"|"(pid|execution_time)":[0-9.e-]+|in \d+\.\d+s|\d+\.\d+ seconds \(\d+\.\d+s\)|\d+ macros`)
	got := norm.ReplaceAllStringFunc(out, func(s string) string {
		if i := strings.Index(s, ":"); i > 0 && strings.HasPrefix(s, `"`) {
			return s[:i] + `:"X"`
		}
		return "X"
	})
	// Generic tests' unique ids end in a hash of their arguments, which is not what this
	// golden file is about.
	got = regexp.MustCompile(`(test\.shop\.\w+)\.[0-9a-f]{10}"`).ReplaceAllString(got, `$1.HASH"`)
	golden := filepath.Join("testdata", "events", "build.golden.jsonl")
	if rtUpdatingGolden() {
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update-runner)", err)
	}
	if got != string(want) {
		t.Errorf("JSON events differ from %s (run with -update-runner to accept):\n%s", golden, got)
	}

	logf, err := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
	if err != nil {
		t.Fatal(err)
	}
	fileNames := validateEventLines(t, sch, "logs/gdbt.log", string(logf))
	for _, want := range []string{"NodeStart", "NodeFinished", "SQLQuery", "SQLQueryStatus"} {
		if !contains(fileNames, want) {
			t.Errorf("log file lacks %s events", want)
		}
	}
	if !bytes.Contains(logf, []byte(`"conn_name":"model.shop.dim_orders"`)) || !bytes.Contains(logf, []byte(`create`)) {
		t.Errorf("log file lacks dim_orders' statements on its connection")
	}
}

// TestDebugLogSQL checks the text log file holds each statement with its node, connection,
// duration and rows, and that an error ending a command before any node starts is there.
func TestDebugLogSQL(t *testing.T) {
	dir := fixtureProject(t, "shop.txtar")
	if code, out, errb := runCLI(t, "run", "-s", "stg_orders", "--project-dir", dir); code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	logf, _ := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
	if !regexp.MustCompile(`\[debug\] On model\.shop\.stg_orders: .*create`).Match(logf) {
		t.Errorf("no statement of stg_orders on its connection in the log:\n%s", logf)
	}
	if code, out, errb := runCLI(t, "seed", "--project-dir", dir); code != ExitOK {
		t.Fatalf("seed: exit %d\n%s%s", code, out, errb)
	}
	logf, _ = os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
	// The statements the load sent, as sent: the transaction creating the table from
	// read_csv, then the count of its rows.
	if !regexp.MustCompile(`\[debug\] On seed\.shop\.countries: begin transaction\n;\ncreate table "[^"]*"\."main"\."countries\w*" as \(\nselect \* from read_csv\(`).Match(logf) ||
		!regexp.MustCompile(`\[debug\] On seed\.shop\.countries: select count\(\*\) from "[^"]*"\."main"\."countries\w*"\n[^\n]*\[debug\] SQL status: SELECT 1 \(rows: 1\)`).Match(logf) {
		t.Errorf("the seed's load is not in the log with its rows:\n%s", logf)
	}
	if !regexp.MustCompile(`\[debug\] SQL status: \S+.*\(rows: -?\d+\) in \d+\.\d{3} seconds`).Match(logf) {
		t.Errorf("no statement status with rows and duration in the log:\n%s", logf)
	}
	os.WriteFile(filepath.Join(dir, "models", "broken.sql"), []byte("select {{ ref('nowhere') }}\n"), 0o644)
	if code, _, _ := runCLI(t, "run", "--project-dir", dir); code != ExitLoadFailed {
		t.Fatalf("exit %d, want 2", code)
	}
	logf, _ = os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
	if !strings.Contains(string(logf), "[error] models/broken.sql") {
		t.Errorf("the load error is not in the log file:\n%s", logf[max(0, len(logf)-2000):])
	}
	os.Remove(filepath.Join(dir, "models", "broken.sql"))
	if code, out, errb := runCLI(t, "run", "-s", "stg_orders", "--project-dir", dir, "--debug"); code != ExitOK || !strings.Contains(out, "On model.shop.stg_orders: create") {
		t.Errorf("--debug does not print the statements: exit %d\n%s%s", code, out, errb)
	}
}

// TestSkippingDetailsEvent: a node skipped after its parent failed is dbt's
// SkippingDetails (Q034, dbt/task/base.py on_skip) with its node_info, resource_type,
// schema, node_name, index and total.
func TestSkippingDetailsEvent(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtWrite(t, dir, "models/broken.sql", "select no_such_column from {{ ref('inc_orders') }}\n")
	rtWrite(t, dir, "models/broken_child.sql", "select * from {{ ref('broken') }}\n")
	r := rtMust(t, dir, ExitNodeFailed, "run", "-s", "broken+", "--log-format", "json")
	validateEventLines(t, eventSchema(t), "console", r.out+r.err)
	found := false
	for _, line := range strings.Split(strings.TrimSpace(r.out+r.err), "\n") {
		var ev struct {
			Info struct{ Name, Code, Msg string }
			Data struct {
				NodeInfo     map[string]any `json:"node_info"`
				ResourceType string         `json:"resource_type"`
				Schema       string
				NodeName     string `json:"node_name"`
				Index, Total int
			}
		}
		json.Unmarshal([]byte(line), &ev)
		if ev.Info.Name != "SkippingDetails" {
			continue
		}
		found = true
		d := ev.Data
		if ev.Info.Code != "Q034" || d.ResourceType != "model" || d.Schema != "main" || d.NodeName != "broken_child" ||
			d.Index != 2 || d.Total != 2 || d.NodeInfo["node_status"] != "skipped" || !strings.HasPrefix(ev.Info.Msg, "2 of 2 SKIP relation main.broken_child") {
			t.Errorf("SkippingDetails: %s", line)
		}
	}
	if !found {
		t.Errorf("no SkippingDetails event:\n%s", r)
	}
}

// TestDebugLogSeedCopy checks a PostgreSQL seed's debug log holds the statements the load
// sent, on the seed's connection: the table's DDL, the COPY … FROM STDIN with the rows it
// loaded (the data itself is not logged), and the swap.
func TestDebugLogSeedCopy(t *testing.T) {
	dir, _ := rtPostgresProject(t, "contracts.txtar", "cshop", "gdbt_seedlog")
	if r := rtGdbt(t, dir, "seed", "-s", "raw_orders"); r.code != ExitOK {
		t.Fatalf("seed: %s", r)
	}
	logf, _ := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
	for _, re := range []string{
		`\[debug\] On seed\.cshop\.raw_orders: begin;\n(.*\n)*create table "[^"]+"\."[^"]+"\."raw_orders[^"]*" \(`,
		`\[debug\] On seed\.cshop\.raw_orders: copy "[^"]+"\."[^"]+"\."raw_orders[^"]*" \([^)]*\) from stdin with \(format csv, header true, delimiter ','\)\n[^\n]*\[debug\] SQL status: COPY 3 \(rows: 3\) in \d+\.\d{3} seconds`,
		`\[debug\] On seed\.cshop\.raw_orders: alter table`,
	} {
		if !regexp.MustCompile(re).Match(logf) {
			t.Errorf("log lacks %s:\n%s", re, logf)
		}
	}
}

// TestEndOfRunSummaryCounts: the EndOfRunSummary event carries the counts its message
// states, partial successes included (dbt 1.9+'s num_partial_success).
func TestEndOfRunSummaryCounts(t *testing.T) {
	g := &Globals{}
	for msg, want := range map[string][3]int{
		"Completed successfully": {0, 0, 0},
		"Completed with 2 errors, 1 partial success, and 3 warnings:": {2, 1, 3},
		"Completed with 4 partial successes and 0 warnings":           {0, 4, 0},
	} {
		ev := g.toDbtEvents("info", msg, map[string]any{"name": "RunResult"})
		d := ev[0].data
		if ev[0].name != "EndOfRunSummary" || d["num_errors"] != want[0] || d["num_partial_success"] != want[1] || d["num_warnings"] != want[2] {
			t.Errorf("%q: %s %v, want errors/partial/warnings %v", msg, ev[0].name, d, want)
		}
	}
}
