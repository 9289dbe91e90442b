package runner

import (
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
)

// TestLiveHeartbeat drives the tracker with a fixed clock: a heartbeat per running node
// once it has run the interval, again one interval later, in "i of n" order, carrying the
// node's last progress report; the live line lists every running node.
func TestLiveHeartbeat(t *testing.T) {
	log := &recordLog{}
	con := NewConsole(log, nil)
	l := NewLive(10 * time.Second)
	l.con = con
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l.begin("model.p.slow", 2, 3, "sql logistic_regression model main.slow", t0)
	l.begin("model.p.fast", 1, 3, "sql table model main.fast", t0.Add(time.Second))
	l.Report(compiler.ProgressEvent{Node: "model.p.slow", Step: 7, Total: 100,
		Values: []compiler.ProgressValue{{Name: "loss", Value: 0.31215}, {Name: "solver", Value: "newton"}}})
	if want := "debug sql logistic_regression model main.slow: step 7 of 100, loss=0.31215, solver=newton"; len(log.lines) != 1 || log.lines[0] != want {
		t.Fatalf("progress report: %q, want %q", log.lines, want)
	}
	if line := l.beat(t0.Add(9 * time.Second)); len(log.lines) != 1 {
		t.Errorf("a heartbeat before the interval: %q", log.lines[1:])
	} else if want := "running: sql table model main.fast (8s elapsed) | sql logistic_regression model main.slow (9s elapsed; step 7 of 100, loss=0.31215, solver=newton)"; line != want {
		t.Errorf("live line %q, want %q", line, want)
	}
	l.beat(t0.Add(10 * time.Second))
	want := []string{"info 2 of 3 still running sql logistic_regression model main.slow (10s elapsed; step 7 of 100, loss=0.31215, solver=newton)"}
	if got := log.lines[1:]; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("at 10s:\n got %q\nwant %q", got, want)
	}
	l.end("model.p.slow")
	l.beat(t0.Add(75 * time.Second))
	want = append(want, "info 1 of 3 still running sql table model main.fast (1m14s elapsed)")
	if got := log.lines[1:]; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("at 75s:\n got %q\nwant %q", got, want)
	}
	l.beat(t0.Add(80 * time.Second)) // 5s after the last heartbeat: none
	if len(log.lines) != 3 {
		t.Errorf("a heartbeat before the next interval: %q", log.lines[3:])
	}
	l.end("model.p.fast")
	if line := l.beat(t0.Add(time.Hour)); line != "" || len(log.lines) != 3 {
		t.Errorf("nothing running: line %q, events %q", line, log.lines[3:])
	}
}

// TestLiveReportUnknownNode: a report outside any tracked node (run-operation) still
// reaches the debug log, under its id.
func TestLiveReportUnknownNode(t *testing.T) {
	log := &recordLog{}
	l := NewLive(0)
	l.con = NewConsole(log, nil)
	l.Report(compiler.ProgressEvent{Step: 3})
	if len(log.lines) != 1 || log.lines[0] != "debug operation: step 3" {
		t.Errorf("got %q", log.lines)
	}
}
