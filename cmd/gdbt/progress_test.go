package main

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// crashProjectDir writes crashProject's files named (all of them when none is) and the
// repository's logistic_regression materialization into a temporary project.
func crashProjectDir(t *testing.T, names ...string) string {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	macro, err := os.ReadFile(filepath.Join("..", "..", "macros", "logistic_regression.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		for name := range crashProject {
			names = append(names, name)
		}
	}
	dir := t.TempDir()
	for _, name := range names {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		rtWrite(t, dir, name, crashProject[name])
	}
	os.MkdirAll(filepath.Join(dir, "macros"), 0o755)
	rtWrite(t, dir, "macros/logistic_regression.sql", string(macro))
	return dir
}

// lrProject is a project with one logistic_regression model trained for a few scans.
func lrProject(t *testing.T) string {
	return crashProjectDir(t, "dbt_project.yml", "profiles.yml", "models/lr.sql")
}

// TestProgressEachScan: the logistic regression reports every scan's loss through
// gdbt_progress; the debug log holds one line per scan, with the loss the history table
// recorded for it.
func TestProgressEachScan(t *testing.T) {
	dir := lrProject(t)
	rtMust(t, dir, 0, "build")
	logb, err := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\[debug\] sql logistic_regression model main\.lr: step (\d+) of 4, loss=([0-9.e-]+), grad_norm=`)
	got := re.FindAllStringSubmatch(string(logb), -1)
	hist := rtQueryFile(t, filepath.Join(dir, "target", "crash.duckdb"), "select iteration, loss from main.lr__history order by iteration")
	if len(got) == 0 || len(got) != len(hist) {
		t.Fatalf("%d progress lines for %d scans in the history:\n%s", len(got), len(hist), logb)
	}
	for i, m := range got {
		h := strings.SplitN(hist[i], "|", 2)
		logged, err1 := strconv.ParseFloat(m[2], 64)
		recorded, err2 := strconv.ParseFloat(h[1], 64)
		if err1 != nil || err2 != nil || m[1] != h[0] || math.Abs(logged-recorded) > 1e-5*math.Abs(recorded) {
			t.Errorf("scan %d: the log says step %s loss %s, the history %s", i+1, m[1], m[2], hist[i])
		}
	}
}

// TestHeartbeatEvents: with a heartbeat interval shorter than the model's training, the
// console says the node is still running, with its last progress, in text and as dbt's
// Note event in JSON logs.
func TestHeartbeatEvents(t *testing.T) {
	old := heartbeatEvery
	heartbeatEvery = 5 * time.Millisecond
	defer func() { heartbeatEvery = old }()
	dir := lrProject(t)
	r := rtMust(t, dir, 0, "build")
	if !regexp.MustCompile(`\d\d:\d\d:\d\d  1 of 1 still running sql logistic_regression model main\.lr \(\d+s elapsed`).MatchString(r.out) {
		t.Errorf("no heartbeat line:\n%s", r)
	}
	r = rtMust(t, dir, 0, "build", "--log-format", "json")
	names := validateEventLines(t, eventSchema(t), "console", r.out+r.err)
	found := false
	for i, line := range strings.Split(strings.TrimSpace(r.out), "\n") {
		if strings.Contains(line, "still running sql logistic_regression model main.lr") {
			found = names[i] == "Note" && strings.Contains(line, `"code":"Z050"`)
		}
	}
	if !found {
		t.Errorf("no heartbeat Note event:\n%s", r.out)
	}
}
