package dag

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/manifest"
)

// modelsGraph builds a graph of models "model.p.<name>" from name -> dependency names.
func modelsGraph(t testing.TB, deps map[string][]string) *Graph {
	t.Helper()
	m := &manifest.Manifest{Nodes: map[string]*manifest.Node{}}
	for name, ds := range deps {
		var ids []string
		for _, d := range ds {
			ids = append(ids, "model.p."+d)
		}
		m.Nodes["model.p."+name] = &manifest.Node{UniqueID: "model.p." + name, ResourceType: "model",
			Name: name, PackageName: "p", DependsOn: manifest.DependsOn{Nodes: ids}}
	}
	return mustGraph(t, m)
}

func mids(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "model.p." + n
	}
	return out
}

// recorder is a fake work function's log: start/end times, concurrency, context state.
type recorder struct {
	mu            sync.Mutex
	start, end    map[string]time.Time
	running, peak int
	sawCancel     map[string]bool
	order         []string
}

func newRecorder() *recorder {
	return &recorder{start: map[string]time.Time{}, end: map[string]time.Time{}, sawCancel: map[string]bool{}}
}

// work returns a work function sleeping d[id] (default 5ms) and returning st[id].
func (r *recorder) work(d map[string]time.Duration, st map[string]Status) func(context.Context, string) Status {
	return func(ctx context.Context, id string) Status {
		r.mu.Lock()
		r.start[id] = time.Now()
		r.order = append(r.order, id)
		r.running++
		r.peak = max(r.peak, r.running)
		r.mu.Unlock()
		dur, ok := d[id]
		if !ok {
			dur = 5 * time.Millisecond
		}
		select {
		case <-time.After(dur):
		case <-ctx.Done():
			r.mu.Lock()
			r.sawCancel[id] = true
			r.mu.Unlock()
		}
		r.mu.Lock()
		r.running--
		r.end[id] = time.Now()
		r.mu.Unlock()
		return st[id]
	}
}

func byID(out []Outcome) map[string]Outcome {
	m := map[string]Outcome{}
	for _, o := range out {
		m[o.ID] = o
	}
	return m
}

func TestRunParentsFinishFirst(t *testing.T) {
	g := modelsGraph(t, map[string][]string{
		"a": nil, "b": {"a"}, "c": {"a"}, "d": {"b", "c"}, "e": {"d", "a"}, "f": nil, "g": {"f", "e"},
	})
	r := newRecorder()
	out, err := Run(context.Background(), g, g.IDs(), RunOptions{Threads: 4}, r.work(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		if o.Status != Success {
			t.Errorf("%s: %v", o.ID, o.Status)
		}
		for _, p := range g.Parents(o.ID) {
			if !r.end[p].Before(r.start[o.ID]) && !r.end[p].Equal(r.start[o.ID]) {
				t.Errorf("%s started before its parent %s finished", o.ID, p)
			}
		}
	}
	if got := len(out); got != 7 {
		t.Errorf("%d outcomes", got)
	}
}

func TestRunDiamondConcurrency(t *testing.T) {
	g := modelsGraph(t, map[string][]string{"a": nil, "b": {"a"}, "c": {"a"}, "d": {"b", "c"}})
	for _, tt := range []struct{ threads, wantPeak int }{{2, 2}, {1, 1}, {8, 2}} {
		r := newRecorder()
		d := map[string]time.Duration{"model.p.b": 30 * time.Millisecond, "model.p.c": 30 * time.Millisecond}
		if _, err := Run(context.Background(), g, g.IDs(), RunOptions{Threads: tt.threads}, r.work(d, nil)); err != nil {
			t.Fatal(err)
		}
		if r.peak != tt.wantPeak {
			t.Errorf("threads=%d: peak concurrency %d, want %d", tt.threads, r.peak, tt.wantPeak)
		}
	}
}

func TestRunThreadLimit(t *testing.T) {
	deps := map[string][]string{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		deps[n] = nil
	}
	g := modelsGraph(t, deps)
	r := newRecorder()
	if _, err := Run(context.Background(), g, g.IDs(), RunOptions{Threads: 3}, r.work(nil, nil)); err != nil {
		t.Fatal(err)
	}
	if r.peak != 3 {
		t.Errorf("peak %d, want 3", r.peak)
	}
}

// A fast branch must not wait for a slow node of the same "level".
func TestRunNoWaves(t *testing.T) {
	g := modelsGraph(t, map[string][]string{"a": nil, "b": {"a"}, "c": nil, "d": {"c"}})
	r := newRecorder()
	d := map[string]time.Duration{"model.p.a": 200 * time.Millisecond}
	if _, err := Run(context.Background(), g, g.IDs(), RunOptions{Threads: 2}, r.work(d, nil)); err != nil {
		t.Fatal(err)
	}
	if !r.end["model.p.d"].Before(r.end["model.p.a"]) {
		t.Error("d waited for a, which it does not depend on")
	}
}

func TestRunDeterministicStartOrder(t *testing.T) {
	g := modelsGraph(t, map[string][]string{"z": nil, "y": {"z"}, "b": nil, "a": {"b"}, "m": {"a", "y"}})
	var starts []string
	seqs := map[string]int{}
	opts := RunOptions{Threads: 1, OnStart: func(id string, seq int) { starts = append(starts, id); seqs[id] = seq }}
	out, err := Run(context.Background(), g, g.IDs(), opts, func(context.Context, string) Status { return Success })
	if err != nil {
		t.Fatal(err)
	}
	if want := g.Order(); !slices.Equal(starts, want) {
		t.Errorf("start order %v, want topological %v", starts, want)
	}
	for i, o := range out {
		if o.ID != g.Order()[i] || o.Seq != seqs[o.ID] || o.Seq != i+1 {
			t.Errorf("outcome %d = %+v", i, o)
		}
	}
}

func TestRunSkipsDescendantsNamingRootCause(t *testing.T) {
	g := modelsGraph(t, map[string][]string{
		"a": nil, "b": {"a"}, "c": {"b"}, "d": {"c"}, "x": {"a"}, "w": {"b", "x"},
	})
	r := newRecorder()
	var done []Outcome
	opts := RunOptions{Threads: 2, OnDone: func(o Outcome) { done = append(done, o) }}
	out, err := Run(context.Background(), g, g.IDs(), opts, r.work(nil, map[string]Status{"model.p.b": Failed, "model.p.x": Warn}))
	if err != nil {
		t.Fatal(err)
	}
	got := byID(out)
	want := map[string]Outcome{
		"model.p.a": {Status: Success}, "model.p.b": {Status: Failed}, "model.p.x": {Status: Warn},
		"model.p.c": {Status: Skipped, Cause: "model.p.b"}, "model.p.d": {Status: Skipped, Cause: "model.p.b"},
		"model.p.w": {Status: Skipped, Cause: "model.p.b"},
	}
	for id, w := range want {
		if got[id].Status != w.Status || got[id].Cause != w.Cause {
			t.Errorf("%s: %v cause %q, want %v cause %q", id, got[id].Status, got[id].Cause, w.Status, w.Cause)
		}
	}
	for _, id := range mids("c", "d", "w") {
		if _, ran := r.start[id]; ran || got[id].Seq != 0 {
			t.Errorf("%s ran although an ancestor failed", id)
		}
	}
	if len(done) != len(out) {
		t.Errorf("OnDone called %d times for %d nodes", len(done), len(out))
	}
}

// The named root cause does not depend on which failure finished first.
func TestRunSkipCauseIsDeterministic(t *testing.T) {
	g := modelsGraph(t, map[string][]string{"a": nil, "b": nil, "c": {"a", "b"}, "d": {"c"}})
	fail := map[string]Status{"model.p.a": Failed, "model.p.b": Failed}
	for _, d := range []map[string]time.Duration{
		{"model.p.a": 40 * time.Millisecond, "model.p.b": time.Millisecond},
		{"model.p.a": time.Millisecond, "model.p.b": 40 * time.Millisecond},
	} {
		out, err := Run(context.Background(), g, g.IDs(), RunOptions{Threads: 2}, newRecorder().work(d, fail))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range mids("c", "d") {
			if o := byID(out)[id]; o.Status != Skipped || o.Cause != "model.p.a" {
				t.Errorf("durations %v: %s = %+v, want skipped because of model.p.a", d, id, o)
			}
		}
	}
}

func TestRunUnselectedParents(t *testing.T) {
	g := modelsGraph(t, map[string][]string{"a": nil, "b": {"a"}, "c": {"b"}, "u": nil, "v": {"u"}})
	r := newRecorder()
	d := map[string]time.Duration{"model.p.a": 100 * time.Millisecond}
	out, err := Run(context.Background(), g, mids("a", "c", "v"), RunOptions{Threads: 3}, r.work(d, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 3 {
		t.Fatalf("%d outcomes", len(out))
	}
	if r.start["model.p.c"].Before(r.end["model.p.a"]) {
		t.Error("c started before a (its ancestor through unselected b) finished")
	}
	if !r.start["model.p.v"].Before(r.end["model.p.a"]) {
		t.Error("v waited although its only parent is not selected")
	}
	// A failure propagates through the unselected node too.
	out, _ = Run(context.Background(), g, mids("a", "c"), RunOptions{Threads: 3}, newRecorder().work(nil, map[string]Status{"model.p.a": Failed}))
	if o := byID(out)["model.p.c"]; o.Status != Skipped || o.Cause != "model.p.a" {
		t.Errorf("c = %+v", o)
	}
}

func TestRunFailFast(t *testing.T) {
	g := modelsGraph(t, map[string][]string{"a": nil, "a2": nil, "b": {"a"}, "c": nil, "d": {"a2"}})
	r := newRecorder()
	d := map[string]time.Duration{"model.p.a": time.Millisecond, "model.p.a2": 10 * time.Second}
	start := time.Now()
	out, err := Run(context.Background(), g, g.IDs(), RunOptions{Threads: 2, FailFast: true},
		r.work(d, map[string]Status{"model.p.a": Failed, "model.p.a2": Failed}))
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("fail-fast did not cancel the slow node")
	}
	got := byID(out)
	if !r.sawCancel["model.p.a2"] {
		t.Error("running work did not see its context cancelled")
	}
	if got["model.p.b"].Status != Skipped || got["model.p.b"].Cause != "model.p.a" {
		t.Errorf("b = %+v", got["model.p.b"])
	}
	if got["model.p.d"].Status != Skipped || got["model.p.d"].Cause != "model.p.a2" {
		t.Errorf("d = %+v, want skipped because its parent a2 failed", got["model.p.d"])
	}
	if o := got["model.p.c"]; o.Status != NotRun || o.Cause != "model.p.a" || o.Seq != 0 {
		t.Errorf("c = %+v, want NotRun caused by a", o)
	}
	if _, ran := r.start["model.p.c"]; ran {
		t.Error("c started after the failure")
	}
}

func TestRunCancel(t *testing.T) {
	g := modelsGraph(t, map[string][]string{"a": nil, "b": {"a"}, "c": nil, "d": nil})
	ctx, cancel := context.WithCancel(context.Background())
	r := newRecorder()
	work := r.work(map[string]time.Duration{"model.p.a": 10 * time.Second}, map[string]Status{"model.p.a": Failed})
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	out, err := Run(ctx, g, g.IDs(), RunOptions{Threads: 1}, work)
	if err != nil {
		t.Fatal(err)
	}
	got := byID(out)
	if !r.sawCancel["model.p.a"] || got["model.p.a"].Status != Failed {
		t.Errorf("a = %+v, saw cancel %v", got["model.p.a"], r.sawCancel["model.p.a"])
	}
	if got["model.p.b"].Status != Skipped {
		t.Errorf("b = %+v", got["model.p.b"])
	}
	for _, id := range mids("c", "d") {
		if o := got[id]; o.Status != NotRun || o.Cause != "" {
			t.Errorf("%s = %+v, want NotRun", id, o)
		}
	}
	// Already cancelled: nothing starts.
	out, _ = Run(ctx, g, g.IDs(), RunOptions{Threads: 2}, func(context.Context, string) Status {
		t.Error("work started on a cancelled context")
		return Success
	})
	for _, o := range out {
		if o.Status != NotRun {
			t.Errorf("%s = %v", o.ID, o.Status)
		}
	}
}

func TestRunPanicAndBadInput(t *testing.T) {
	g := modelsGraph(t, map[string][]string{"a": nil, "b": {"a"}})
	out, err := Run(context.Background(), g, g.IDs(), RunOptions{}, func(_ context.Context, id string) Status {
		if id == "model.p.a" {
			panic("boom")
		}
		return Success
	})
	if err != nil {
		t.Fatal(err)
	}
	if a := byID(out)["model.p.a"]; a.Status != Failed || a.Err == nil {
		t.Errorf("a = %+v", a)
	}
	if b := byID(out)["model.p.b"]; b.Status != Skipped {
		t.Errorf("b = %+v", b)
	}
	if _, err := Run(context.Background(), g, []string{"model.p.nope"}, RunOptions{}, nil); err == nil {
		t.Error("unknown id accepted")
	}
	out, err = Run(context.Background(), g, nil, RunOptions{}, nil)
	if err != nil || len(out) != 0 {
		t.Errorf("empty run: %v %v", out, err)
	}
	if Failed.String() != "failed" || NotRun.String() != "not run" {
		t.Error("Status.String")
	}
}

// With build semantics a failing test skips what is built on its model.
func TestRunBuildTestEdges(t *testing.T) {
	base := mustGraph(t, shopManifest())
	g := base.WithTestEdges()
	ids, err := Select(base, SelectOptions{Select: l("+rpt_daily")})
	if err != nil {
		t.Fatal(err)
	}
	fail := map[string]Status{"test.shop.unique_stg_orders_id": Failed}
	out, err := Run(context.Background(), g, ids, RunOptions{Threads: 2}, newRecorder().work(map[string]time.Duration{}, fail))
	if err != nil {
		t.Fatal(err)
	}
	got := byID(out)
	for _, id := range []string{"model.shop.int_orders", "model.shop.fct_orders", "model.shop.rpt_daily", "test.shop.not_null_fct_orders_id"} {
		if got[id].Status != Skipped || got[id].Cause != "test.shop.unique_stg_orders_id" {
			t.Errorf("%s = %+v", id, got[id])
		}
	}
	if got["model.utils.calendar"].Status != Success {
		t.Errorf("calendar = %+v", got["model.utils.calendar"])
	}
}
