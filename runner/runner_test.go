package runner

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/manifest"
)

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		s    Summary
		want int
	}{
		{Summary{Pass: 3}, 0},
		{Summary{Pass: 3, Warn: 1, Skip: 2}, 0},
		{Summary{Error: 1, Skip: 2}, 1},
		{Summary{Error: 1, Interrupted: true}, 130},
		{Summary{Interrupted: true}, 130},
	} {
		if got := c.s.ExitCode(); got != c.want {
			t.Errorf("%+v: exit %d, want %d", c.s, got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{620 * time.Millisecond, "0 hours 0 minutes and 0.62 seconds (0.62s)"},
		{3*time.Hour + 2*time.Minute + 1500*time.Millisecond, "3 hours 2 minutes and 1.50 seconds (10921.50s)"},
	} {
		if got := duration(c.d); got != c.want {
			t.Errorf("duration(%s) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestThreshold(t *testing.T) {
	for _, c := range []struct {
		v    any
		want time.Duration
		ok   bool
	}{
		{map[string]any{"count": 12, "period": "hour"}, 12 * time.Hour, true},
		{map[string]any{"count": int64(2), "period": "day"}, 48 * time.Hour, true},
		{map[string]any{"count": 1.5, "period": "minute"}, 90 * time.Second, true},
		{map[string]any{"count": 1, "period": "week"}, 0, false},
		{map[string]any{"period": "hour"}, 0, false},
		{nil, 0, false},
		{"12h", 0, false},
	} {
		got, ok := threshold(c.v)
		if got != c.want || ok != c.ok {
			t.Errorf("threshold(%v) = %s %v, want %s %v", c.v, got, ok, c.want, c.ok)
		}
	}
}

// TestFreshnessJSONShapes checks the two shapes sources.json allows for a result.
func TestFreshnessJSONShapes(t *testing.T) {
	msg := "boom"
	b, err := json.Marshal(FreshnessResult{UniqueID: "source.p.s.t", Status: "runtime error", Error: &msg, Criteria: map[string]any{"x": 1}})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"unique_id":"source.p.s.t","error":"boom","status":"runtime error"}` {
		t.Errorf("runtime error: %s", b)
	}
	age := 3.0
	b, err = json.Marshal(FreshnessResult{UniqueID: "source.p.s.t", Status: "pass", AgeSeconds: &age, Error: &msg})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["adapter_response"].(map[string]any); !ok {
		t.Errorf("a checked source needs an adapter_response object: %s", b)
	}
	if _, ok := m["error"]; ok {
		t.Errorf("a checked source has no error field: %s", b)
	}
}

type recordLog struct{ lines []string }

func (l *recordLog) Event(level, msg string, _ map[string]any) {
	l.lines = append(l.lines, level+" "+msg)
}

func TestStatusLine(t *testing.T) {
	log := &recordLog{}
	c := NewConsole(log, func(code, s string) string { return "<" + code + ">" + s })
	c.StatusLine(Event{Index: 1, Total: 12, Msg: "START sql table model main.x"}, "RUN", "")
	c.StatusLine(Event{Index: 12, Total: 12, Msg: "ERROR creating sql table model main.x", Status: StatusError}, "ERROR in 0.10s", colorRed)
	c.StatusLine(Event{Index: 3, Total: 3, Msg: "START test " + strings.Repeat("n", 90)}, "RUN", "")
	want := []string{
		"info 1 of 12 START sql table model main.x " + strings.Repeat(".", 80-len("1 of 12 START sql table model main.x ")) + " [RUN]",
		"error 12 of 12 ERROR creating sql table model main.x " + strings.Repeat(".", 80-len("12 of 12 ERROR creating sql table model main.x ")) + " [<31>ERROR in 0.10s]",
		"info 3 of 3 START test " + strings.Repeat("n", 90) + "  [RUN]",
	}
	for i := range want {
		if i >= len(log.lines) || log.lines[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, log.lines, want[i])
		}
	}
}

func TestRunResultsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "target", "run_results.json")
	msg := "skipped because x failed"
	rr := &RunResults{Results: []NodeResult{{UniqueID: "model.p.a", Status: StatusSuccess}, {UniqueID: "model.p.b", Status: StatusSkipped, Message: &msg}}, Args: map[string]any{"which": "build"}}
	if err := WriteRunResults(p, rr); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p + ".tmp"); err == nil {
		t.Error("the temporary file was left behind")
	}
	got, err := ReadRunResults(p)
	if err != nil {
		t.Fatal(err)
	}
	st := got.Statuses()
	if len(st) != 2 || st["model.p.a"] != StatusSuccess || st["model.p.b"] != StatusSkipped || got.Args["which"] != "build" {
		t.Errorf("read back %+v", got)
	}
	if got.Results[0].Timing == nil || got.Results[0].AdapterResponse == nil {
		t.Error("timing and adapter_response must be written as [] and {}, never null")
	}
	if _, err := ReadRunResults(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "run a command first") {
		t.Errorf("missing run results: %v", err)
	}
}

func TestWarnSeverity(t *testing.T) {
	for _, tc := range []struct {
		cfg  map[string]any
		want bool
	}{
		{map[string]any{"severity": "warn"}, true},
		{map[string]any{"severity": "WARN"}, true},
		{map[string]any{"severity": "error"}, false},
		{map[string]any{}, false},
	} {
		if got := warnSeverity(&manifest.Node{Config: tc.cfg}); got != tc.want {
			t.Errorf("warnSeverity(%v) = %v, want %v", tc.cfg, got, tc.want)
		}
	}
}
