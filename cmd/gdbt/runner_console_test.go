package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateRunnerGolden = flag.Bool("update-runner", false, "rewrite cmd/gdbt/testdata/runner/*.golden (so does -update, if a test file of the package defines it)")

// rtUpdatingGolden is -update-runner, or the package's -update flag when one is defined
// (looked up at run time, so the two test files cannot clash over the name).
func rtUpdatingGolden() bool {
	if *updateRunnerGolden {
		return true
	}
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// rtNormalizeConsole replaces what changes from run to run (clock, durations, the number
// of built-in macros) so console output can be compared with a golden file.
func rtNormalizeConsole(s string) string {
	for _, r := range []struct{ re, repl string }{
		{`(?m)^\d\d:\d\d:\d\d  `, "HH:MM:SS  "},
		{`in \d+\.\d+s`, "in N.NNs"},
		{`\d+ hours \d+ minutes and \d+\.\d+ seconds \(\d+\.\d+s\)`, "H hours M minutes and S.SS seconds (N.NNs)"},
		{`\d+ macros`, "N macros"},
		{`Running with gdbt=\S+`, "Running with gdbt=VERSION"},
	} {
		s = regexp.MustCompile(r.re).ReplaceAllString(s, r.repl)
	}
	return s
}

// TestRunnerConsoleGolden checks the text lines of a build with a failing test (START,
// OK with row counts, FAIL, SKIP naming the cause, the errors repeated with their file,
// the Done counts). Both streams go to one buffer, so the order is the order printed;
// with --threads 1 it does not depend on goroutine timing.
func TestRunnerConsoleGolden(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtWrite(t, dir, totalsSQL, dupTotals)
	var buf bytes.Buffer
	args := []string{"--project-dir", dir, "--profiles-dir", dir, "--no-color", "build", "--threads", "1", "--exclude", "big+"}
	if code := Main(args, strings.NewReader(""), &buf, &buf); code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, buf.String())
	}
	got := rtNormalizeConsole(buf.String())
	golden := filepath.Join("testdata", "runner", "build_fail.golden")
	if rtUpdatingGolden() {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update-runner)", err)
	}
	if got != string(want) {
		t.Errorf("console output differs from %s (run with -update-runner to accept):\n%s", golden, got)
	}
}

// TestRunnerJSONLog checks that --log-format json prints one JSON object per line, with a
// structured event for every node, and that the log file still gets everything.
func TestRunnerJSONLog(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	r := rtMust(t, dir, 0, "build", "--log-format", "json")
	finished := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(r.out+r.err), "\n") {
		var ev struct {
			Info map[string]any
			Data struct {
				NodeInfo map[string]any `json:"node_info"`
				Status   string
				Index    int
			}
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Errorf("not a JSON object: %q: %v", line, err)
			continue
		}
		if ev.Info["level"] == nil || ev.Info["msg"] == nil || ev.Info["ts"] == nil {
			t.Errorf("event without level/msg/ts: %s", line)
		}
		switch ev.Info["name"] {
		case "LogModelResult", "LogSeedResult", "LogTestResult", "LogSnapshotResult":
			finished[ev.Data.NodeInfo["unique_id"].(string)] = ev.Data.Status
		case "SkippingDetails":
			finished[ev.Data.NodeInfo["unique_id"].(string)] = ev.Data.NodeInfo["node_status"].(string)
		}
	}
	if st := rtStatuses(t, dir); len(finished) != len(st) {
		t.Errorf("%d NodeFinished events for %d nodes: %v", len(finished), len(st), finished)
	}
	if finished[idTotals] != "success" {
		t.Errorf("customer_totals finished with %q", finished[idTotals])
	}
	log, err := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "OK created sql table model main.customer_totals") || !strings.Contains(string(log), "Done. PASS=12") {
		t.Errorf("logs/gdbt.log misses the run's lines:\n%s", log)
	}
}
