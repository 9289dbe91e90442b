// Package runner builds a selected part of a compiled project in the warehouse: it plans the
// nodes of one command (run, build, test, seed, snapshot), hands them to the dag scheduler,
// executes each through the compiler's materializations, prints dbt-shaped console lines and
// writes run_results.json. It works from the manifest only, never from compiler internals.
package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/dag"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// Options are one command's inputs.
type Options struct {
	Command string   // run, build, test, seed, snapshot
	IDs     []string // the selected unique ids (selection is the caller's job)
	// Graph is the project's graph when the caller already built it for the selection (nil:
	// Run builds it); building it again cost about 0.3 s CPU before the first node at
	// 36,000 nodes (bench/README.md §1, runner startup).
	Graph    *dag.Graph
	Threads  int
	FailFast bool
	// TargetDir is the project's target folder (absolute), for compiled/ run/ and artifacts.
	TargetDir    string
	InvocationID string
	Args         map[string]any // written into run_results.json
	Console      *Console
	// SkipHooks disables on-run-start/on-run-end (dbt runs them for run, build, seed, test…).
	SkipHooks bool
	// Version is written into run_results.json as dbt_version ("" means runner.Version).
	Version string
	// NoWriteJSON is dbt's --no-write-json: run_results.json is not written.
	NoWriteJSON bool
	// NoLock skips the target schema's run lock (warehouse.Locker): two runs into one
	// schema may then interleave.
	NoLock bool
	// Live tracks running nodes for heartbeats, the terminal's live line and the
	// materializations' progress reports (nil: a tracker without progress reports).
	Live *Live
	// EventTimeStart and EventTimeEnd are --event-time-start and --event-time-end: the
	// window microbatch models build (nil: from their begin or lookback, to now).
	EventTimeStart, EventTimeEnd *time.Time
	// RetryBatches are, for `gdbt retry`, the previous run's batch results of microbatch
	// models that had both successful and failed batches: only the failed ones run again
	// (RetryTask.run's batch_map in dbt-core's core/dbt/task/retry.py).
	RetryBatches map[string]*BatchResults
	// Emergency, when set, can write run_results.json from another goroutine while the run
	// is stuck in a warehouse call that ignores cancellation (a second Ctrl-C).
	Emergency *Emergency
}

// Summary is the outcome of a command.
type Summary struct {
	Results                       []NodeResult
	Pass, Warn, Error, Skip, NoOp int
	// Partial counts the microbatch models of partial success (also counted in Error, as
	// dbt's interpret_run_result does).
	Partial     int
	Elapsed     time.Duration
	Interrupted bool
}

// ExitCode is dbt's exit code for the summary: 0 success, 1 a node failed, 130 interrupted.
func (s *Summary) ExitCode() int {
	switch {
	case s.Interrupted:
		return 130
	case s.Error > 0:
		return 1
	}
	return 0
}

// ExecutableTypes are the resource types each command executes.
var ExecutableTypes = map[string][]string{
	"run":      {manifest.Model},
	"build":    {manifest.Model, manifest.Seed, manifest.Snapshot, manifest.Test, manifest.UnitTest},
	"test":     {manifest.Test, manifest.UnitTest},
	"seed":     {manifest.Seed},
	"snapshot": {manifest.Snapshot},
}

type run struct {
	p     *compiler.Project
	a     warehouse.Adapter
	opts  Options
	con   *Console
	total int
	// seq numbers the "i of n" lines; it is only touched from the scheduler's callbacks,
	// which dag.Run calls one at a time, so START and SKIP lines come out in a stable order.
	seq int

	mu      sync.Mutex
	index   map[string]int // unique id → its "i of n" number
	results map[string]*NodeResult
	// batchResults are the microbatch models' batch outcomes, by unique id.
	batchResults map[string]*BatchResults
	files        *runFiles // target/run/ writer
	// started is the invocation's start, the end of a microbatch model's last batch.
	started time.Time
}

// Run executes the selected nodes and writes run_results.json. The returned error is for
// failures of the run itself (artifacts, hooks); node failures are in the summary.
func Run(ctx context.Context, p *compiler.Project, a warehouse.Adapter, opts Options) (*Summary, error) {
	start := time.Now()
	if opts.Threads <= 0 {
		opts.Threads = 1
	}
	if opts.Version == "" {
		opts.Version = Version
	}
	if opts.Live == nil {
		opts.Live = NewLive(0)
	}
	ctx = warehouse.WithScratchTag(ctx, scratchTag(opts))
	r := &run{p: p, a: a, opts: opts, con: opts.Console, results: map[string]*NodeResult{}, batchResults: map[string]*BatchResults{}, index: map[string]int{}, files: newRunFiles(), started: start}
	defer r.files.close()
	g := opts.Graph
	var err error
	if g == nil {
		if g, err = dag.New(p.Manifest); err != nil {
			return nil, err
		}
	}
	ids := executable(p.Manifest, opts.Command, opts.IDs)
	ids = g.Sort(ids)
	r.total = len(ids)

	r.printHeader()
	defer r.armEmergency(ids, start)()
	if l, ok := a.(warehouse.Locker); ok && !opts.NoLock && len(ids) > 0 {
		unlock, err := l.LockSchema(ctx, p.Target.Schema, func(holder string) {
			r.con.Info("LockWait", fmt.Sprintf("Waiting for another run into schema %s to finish: %s holds its lock (Ctrl-C to stop; --no-lock to run anyway)", p.Target.Schema, holder))
		})
		if err != nil {
			if ctx.Err() != nil {
				return &Summary{Interrupted: true, Elapsed: time.Since(start)}, nil
			}
			return nil, err
		}
		defer unlock()
	}
	if len(ids) == 0 {
		r.con.Warn("Nothing to do. Try checking your model configs and model specification args")
	}
	if !opts.SkipHooks && len(ids) > 0 {
		if err := p.RunHooks(ctx, a, "on-run-start", nil); err != nil {
			r.con.Error("HookError", "on-run-start failed: "+err.Error())
			return &Summary{Error: 1, Elapsed: time.Since(start)}, nil
		}
	}

	sched := g
	if opts.Command == "build" {
		// A failing test skips what is built on the data it rejected.
		sched = g.WithTestEdges()
	}
	stopLive := opts.Live.watch(r.con)
	_, err = dag.Run(ctx, sched, ids, dag.RunOptions{
		Threads:  opts.Threads,
		FailFast: opts.FailFast,
		OnStart:  r.start,
		OnDone: func(o dag.Outcome) {
			switch o.Status {
			case dag.Skipped, dag.NotRun:
				r.skip(o.ID, o.Cause)
			}
			if o.Err != nil {
				r.fail(o.ID, o.Err)
			}
		},
	}, r.execute)
	stopLive()
	r.files.close() // the footer points at these files
	if err != nil {
		return nil, err
	}
	sum := r.summarize(ids)
	sum.Elapsed = time.Since(start)
	sum.Interrupted = ctx.Err() != nil

	if !opts.SkipHooks && len(ids) > 0 && !sum.Interrupted {
		if err := p.RunHooks(context.WithoutCancel(ctx), a, "on-run-end", r.hookResults(sum.Results)); err != nil {
			r.con.Error("HookError", "on-run-end failed: "+err.Error())
			sum.Error++
		}
	}
	rr := &RunResults{
		Metadata:    RunMetadata{InvocationID: opts.InvocationID, DbtVersion: opts.Version, InvocationStartedAt: start.UTC().Format(time.RFC3339Nano)},
		Results:     sum.Results,
		ElapsedTime: sum.Elapsed.Seconds(),
		Args:        opts.Args,
	}
	if !opts.NoWriteJSON {
		if err := WriteRunResults(filepath.Join(opts.TargetDir, "run_results.json"), rr); err != nil {
			return sum, fmt.Errorf("write run results: %w", err)
		}
	}
	r.printFooter(sum)
	return sum, nil
}

// hookResults is {{ results }} for on-run-end hooks: one entry per node, shaped like
// dbt's RunResult (status, message, failures, execution_time, adapter_response and the
// node with its name, resource type and relation), so hooks written for dbt can loop over
// them.
func (r *run) hookResults(results []NodeResult) []any {
	out := make([]any, 0, len(results))
	for _, nr := range results {
		n := r.node(nr.UniqueID)
		node := map[string]any{"unique_id": nr.UniqueID}
		if n != nil {
			node = compiler.NodeView(n)
		}
		timing := make([]any, 0, len(nr.Timing))
		for _, t := range nr.Timing {
			timing = append(timing, map[string]any{"name": t.Name, "started_at": t.StartedAt, "completed_at": t.CompletedAt})
		}
		e := map[string]any{
			"unique_id": nr.UniqueID, "status": nr.Status, "thread_id": nr.ThreadID,
			"execution_time": nr.ExecutionTime, "adapter_response": nr.AdapterResponse,
			"message": nil, "failures": nil, "node": node, "timing": timing, "batch_results": nil,
		}
		if nr.Message != nil {
			e["message"] = *nr.Message
		}
		if nr.Failures != nil {
			e["failures"] = *nr.Failures
		}
		out = append(out, e)
	}
	return out
}

// Version is gdbt's version, written into artifacts (dbt_version) and printed at start.
var Version = "0.1.0"

// execute runs one node; Failed skips its descendants.
func (r *run) execute(ctx context.Context, id string) dag.Status {
	defer r.opts.Live.end(id)
	n := r.node(id)
	r.mu.Lock()
	idx := r.index[id]
	r.mu.Unlock()
	if n.ResourceType == manifest.UnitTest {
		return r.executeUnitTest(ctx, n, idx)
	}
	desc := describe(n)
	if n.Language == "python" {
		return r.skipPython(n, idx)
	}
	t0 := time.Now()
	a, release, err := pinNode(ctx, r.a)
	var res *compiler.Result
	if err == nil {
		res, err = r.executeHooked(ctx, a, n)
		release()
	}
	t1 := time.Now()
	nr := &NodeResult{
		UniqueID:      id,
		ThreadID:      fmt.Sprintf("Thread-%d", idx%max(r.opts.Threads, 1)+1),
		ExecutionTime: t1.Sub(t0).Seconds(),
		Timing:        []Timing{{Name: "execute", StartedAt: t0.UTC().Format(time.RFC3339Nano), CompletedAt: t1.UTC().Format(time.RFC3339Nano)}},
		Compiled:      boolPtr(true),
	}
	if n.RelationName != "" {
		nr.RelationName = strPtr(n.RelationName)
	}
	r.mu.Lock()
	nr.BatchResults = r.batchResults[id]
	r.mu.Unlock()
	if res != nil && !res.CompileStarted.IsZero() {
		// dbt's timing: compile, then execute (dbt/task/base.py collect_timing_info).
		nr.Timing = []Timing{
			{Name: "compile", StartedAt: res.CompileStarted.UTC().Format(time.RFC3339Nano), CompletedAt: res.CompileCompleted.UTC().Format(time.RFC3339Nano)},
			{Name: "execute", StartedAt: res.CompileCompleted.UTC().Format(time.RFC3339Nano), CompletedAt: t1.UTC().Format(time.RFC3339Nano)},
		}
	}
	if res != nil {
		nr.CompiledCode = strPtr(res.CompiledCode)
		nr.AdapterResponse = map[string]any{"_message": res.Response.Message, "code": res.Response.Code, "rows_affected": res.Response.RowsAffected}
	}
	if res != nil {
		// As dbt: the materialization's main statement, else (analyses, ephemeral
		// models) the compiled code.
		code := res.RunSQL
		if code == "" {
			code = res.CompiledCode
		}
		r.writeRunFile(n, code)
		r.writeCompiledFile(n, res.CompiledCode)
	}
	status := dag.Success
	var partial *PartialSuccess
	ev := Event{Name: "NodeFinished", UniqueID: id, Index: idx, Total: r.total, Elapsed: nr.ExecutionTime}
	secs := fmt.Sprintf("%.2fs", nr.ExecutionTime)
	switch {
	case err != nil && ctx.Err() != nil:
		// The scheduler cancelled the node (Ctrl-C or --fail-fast), not the SQL: it did not
		// fail, it was skipped, as dbt leaves it out of the failures (runnable.py
		// _cancel_connections prints "CANCEL query <node>", LogCancelLine).
		nr.Status = StatusSkipped
		nr.Message = strPtr(interruptedMsg + "\n" + err.Error())
		status = dag.Failed
		ev.Name, ev.Status, ev.Msg = "LogCancelLine", StatusSkipped, "CANCEL query "+desc
		r.con.StatusLine(ev, "CANCEL in "+secs, colorYellow)
		r.dropScratch(ctx, n)
	case errors.As(err, &partial):
		// dbt-core core/dbt/task/run.py merge_batch_results: some batches succeeded, some
		// failed: "PARTIAL SUCCESS (ok/total)", logged as LogModelResult's "PARTIALLY
		// created" (core/dbt/events/types.py); dependents are skipped (runnable.py
		// MARK_DEPENDENT_ERRORS_STATUSES). The batches' error is kept for the footer.
		nr.Status = StatusPartialSuccess
		label := fmt.Sprintf("PARTIAL SUCCESS (%d/%d)", partial.Succeeded, partial.Total)
		nr.Message = strPtr(label)
		nr.detail = partial.Err.Error()
		status = dag.Failed
		ev.Status, ev.Msg = StatusPartialSuccess, "PARTIALLY created "+desc
		r.con.StatusLine(ev, label+" in "+secs, colorYellow)
	case err != nil:
		msg := err.Error()
		nr.Status = StatusError
		nr.Message = strPtr(msg)
		status = dag.Failed
		ev.Status = StatusError
		// dbt's LogModelResult / LogSeedResult / LogSnapshotResult / LogTestResult
		// (dbt/events/types.py): "ERROR creating sql table model …", "ERROR loading seed
		// file …", "ERROR snapshotting main.snap", "ERROR test_name".
		switch n.ResourceType {
		case manifest.Test:
			ev.Msg = "ERROR " + desc
		case manifest.Seed:
			ev.Msg = "ERROR loading " + desc
		case manifest.Snapshot:
			ev.Msg = "ERROR snapshotting " + relationLabel(n)
		default:
			ev.Msg = "ERROR creating " + desc
		}
		r.con.StatusLine(ev, "ERROR in "+secs, colorRed)
	case n.ResourceType == manifest.Test:
		f := res.Failures
		nr.Failures = &f
		// As dbt's test runner: severity warn never fails, it only warns.
		shouldWarn := res.ShouldWarn || (res.ShouldError && warnSeverity(n))
		switch {
		case res.ShouldError && !warnSeverity(n):
			nr.Status = StatusFail
			nr.Message = strPtr(fmt.Sprintf("Got %d result%s, configured to fail if %s", f, plural(f), condition(n, "error_if")))
			status = dag.Failed
			ev.Msg, ev.Status = "FAIL "+fmt.Sprint(f)+" "+desc, StatusFail
			r.con.StatusLine(ev, "FAIL "+fmt.Sprint(f)+" in "+secs, colorRed)
		case shouldWarn:
			nr.Status = StatusWarn
			status = dag.Warn
			nr.Message = strPtr(fmt.Sprintf("Got %d result%s, configured to warn if %s", f, plural(f), condition(n, "warn_if")))
			ev.Msg, ev.Status = "WARN "+fmt.Sprint(f)+" "+desc, StatusWarn
			r.con.StatusLine(ev, "WARN "+fmt.Sprint(f)+" in "+secs, colorYellow)
		default:
			nr.Status = StatusPass
			ev.Msg, ev.Status = "PASS "+desc, StatusPass
			r.con.StatusLine(ev, "PASS in "+secs, colorGreen)
		}
	default:
		nr.Status = StatusSuccess
		msg := responseText(res.Response)
		nr.Message = strPtr(msg)
		ev.Msg = "OK created " + desc
		if n.ResourceType == manifest.Seed {
			ev.Msg = "OK loaded " + desc
		} else if n.ResourceType == manifest.Snapshot {
			// dbt/task/snapshot.py: the description is the relation alone.
			ev.Msg = "OK snapshotted " + relationLabel(n)
		}
		ev.Status = StatusSuccess
		r.con.StatusLine(ev, msg+" in "+secs, colorGreen)
	}
	r.mu.Lock()
	r.results[id] = nr
	r.mu.Unlock()
	return status
}

// executeHooked runs the node between the adapter's pre and post model hooks (dbt's
// task/run.py ModelRunner.execute and task/test.py: adapter.pre_model_hook(config), the
// materialization, adapter.post_model_hook), on the node's connection.
func (r *run) executeHooked(ctx context.Context, a warehouse.Adapter, n *manifest.Node) (*compiler.Result, error) {
	h, ok := r.a.(warehouse.ModelHooker)
	if !ok {
		return r.buildNode(ctx, a, n)
	}
	post, err := h.PreModelHook(ctx, a, n.Config)
	if err != nil {
		return nil, err
	}
	res, err := r.buildNode(ctx, a, n)
	if post != nil {
		if perr := post(ctx); perr != nil && err == nil {
			err = perr
		}
	}
	return res, err
}

// start prints a node's START line; dag.Run calls it just before the node's work begins.
func (r *run) start(id string, _ int) {
	r.seq++
	r.mu.Lock()
	r.index[id] = r.seq
	r.mu.Unlock()
	desc := describe(r.node(id))
	r.con.StatusLine(Event{Name: "NodeStart", UniqueID: id, Index: r.seq, Total: r.total, Msg: "START " + desc}, "RUN", "")
	r.opts.Live.begin(id, r.seq, r.total, desc, time.Now())
}

// fail records a node whose work panicked (the scheduler recovered it).
func (r *run) fail(id string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if nr, ok := r.results[id]; ok && nr.Status == StatusError {
		return
	}
	r.results[id] = &NodeResult{UniqueID: id, Status: StatusError, ThreadID: "Thread-0", Message: strPtr(err.Error()), Compiled: boolPtr(false)}
}

// executable keeps the selected ids that command executes: its resource types, enabled,
// and not ephemeral (ephemeral models are inlined as CTEs, never built).
func executable(m *manifest.Manifest, command string, selected []string) []string {
	types := map[string]bool{}
	for _, t := range ExecutableTypes[command] {
		types[t] = true
	}
	var out []string
	for _, id := range selected {
		n, ok := m.Nodes[id]
		if !ok {
			n, ok = m.UnitTests[id]
		}
		if !ok || !types[n.ResourceType] || !n.Enabled() {
			continue
		}
		if n.ResourceType == manifest.Model && n.Materialized() == "ephemeral" {
			continue
		}
		out = append(out, id)
	}
	return out
}

func (r *run) skip(id, cause string) {
	n := r.node(id)
	nr := &NodeResult{UniqueID: id, Status: StatusSkipped, ThreadID: "Thread-0", Compiled: boolPtr(false)}
	if cause != "" {
		nr.Message = strPtr("skipped because " + cause + " failed")
	} else {
		nr.Message = strPtr("skipped: the run was interrupted or stopped early")
	}
	if n.RelationName != "" {
		nr.RelationName = strPtr(n.RelationName)
	}
	r.seq++
	idx := r.seq
	what := "relation " + relationLabel(n)
	if n.ResourceType == manifest.Test {
		what = "test " + n.Name
	} else if n.ResourceType == manifest.UnitTest {
		what = describe(n)
	}
	if c := r.node(cause); c != nil {
		if c.Language == "python" {
			what += " (python model " + c.Name + " cannot run in gdbt)"
			nr.Message = strPtr("skipped because python model " + c.Name + " cannot run in gdbt")
		} else {
			what += " (" + c.ResourceType + " " + c.Name + " failed)"
		}
	}
	r.con.StatusLine(Event{Name: "NodeSkipped", UniqueID: id, Index: idx, Total: r.total, Status: StatusSkipped, Msg: "SKIP " + what}, "SKIP", colorYellow)
	r.mu.Lock()
	r.results[id] = nr
	r.mu.Unlock()
}

func (r *run) summarize(ids []string) *Summary {
	s := &Summary{}
	for _, id := range ids {
		nr := r.results[id]
		s.Results = append(s.Results, *nr)
		switch nr.Status {
		case StatusSuccess, StatusPass:
			s.Pass++
		case StatusWarn:
			s.Warn++
		case StatusError, StatusFail:
			s.Error++
		case StatusPartialSuccess:
			s.Error++
			s.Partial++
		case StatusSkipped:
			s.Skip++
		}
	}
	return s
}

// runPath is where a node's executed SQL goes: target/run/<package>/<path>, with generic
// tests in a folder named after their YAML file ("" without a target folder).
func (r *run) runPath(n *manifest.Node) string {
	if r.opts.TargetDir == "" {
		return ""
	}
	p := filepath.Join(r.opts.TargetDir, "run", n.PackageName, filepath.FromSlash(n.OriginalFilePath))
	if (n.ResourceType == manifest.Test && n.TestMetadata != nil) || n.ResourceType == manifest.UnitTest {
		p = filepath.Join(p, n.Name+".sql")
	}
	return p
}

// writeRunFile records what ran for a node under target/run/ (written in the background:
// runFiles).
func (r *run) writeRunFile(n *manifest.Node, code string) {
	p := r.runPath(n)
	if p == "" || code == "" {
		return
	}
	r.files.write(p, code)
}

// writeCompiledFile records a node's compiled SQL under target/compiled/, as dbt does for
// every node it runs, at the path and with the redaction `gdbt compile` uses.
func (r *run) writeCompiledFile(n *manifest.Node, code string) {
	if r.opts.TargetDir == "" || code == "" {
		return
	}
	r.files.write(filepath.Join(r.opts.TargetDir, "compiled", filepath.FromSlash(compiler.CompiledPath(n))), compiler.Redact(code))
}

func (r *run) printHeader() {
	counts := map[string]int{}
	for _, n := range r.p.Manifest.Nodes {
		counts[n.ResourceType]++
	}
	var parts []string
	for _, rt := range []string{manifest.Model, manifest.Seed, manifest.Test, manifest.Snapshot, manifest.Analysis} {
		if c := counts[rt]; c > 0 {
			name := rt
			if rt == manifest.Test {
				name = "data test"
			}
			parts = append(parts, fmt.Sprintf("%d %s%s", c, name, plural(int64(c))))
		}
	}
	if c := len(r.p.Manifest.UnitTests); c > 0 {
		parts = append(parts, fmt.Sprintf("%d unit test%s", c, plural(int64(c))))
	}
	if c := len(r.p.Manifest.Sources); c > 0 {
		parts = append(parts, fmt.Sprintf("%d source%s", c, plural(int64(c))))
	}
	if c := len(r.p.Manifest.Macros); c > 0 {
		parts = append(parts, fmt.Sprintf("%d macro%s", c, plural(int64(c))))
	}
	r.con.Info("FoundStats", "Found "+strings.Join(parts, ", "))
	r.con.Info("Concurrency", fmt.Sprintf("Concurrency: %d threads (target='%s')", r.opts.Threads, r.p.Target.Name))
	r.con.Info("Empty", "")
}

func (r *run) printFooter(s *Summary) {
	r.con.Info("Empty", "")
	r.con.Info("FinishedRunning", fmt.Sprintf("Finished running %s in %s.", r.countLabel(s.Results), duration(s.Elapsed)))
	var bad []NodeResult
	for _, nr := range s.Results {
		if nr.Status == StatusError || nr.Status == StatusFail || nr.Status == StatusWarn || nr.Status == StatusPartialSuccess {
			bad = append(bad, nr)
		}
	}
	if s.Interrupted {
		r.con.Error("Interrupted", "The run was interrupted: running queries were cancelled and the rest marked skipped.")
	} else if s.Error == 0 && s.Warn == 0 {
		r.con.Info("Empty", "")
		r.con.Info("RunResult", "Completed successfully")
	} else {
		r.con.Info("Empty", "")
		// EndOfRunSummary (dbt-core core/dbt/events/types.py): errors, partial successes
		// and warnings; partial successes are not errors there.
		partials := fmt.Sprintf("%d partial success", s.Partial)
		if s.Partial != 1 {
			partials += "es"
		}
		if errs := s.Error - s.Partial; errs > 0 {
			r.con.Error("RunResult", fmt.Sprintf("Completed with %d error%s, %s, and %d warning%s:", errs, plural(int64(errs)), partials, s.Warn, plural(int64(s.Warn))))
		} else if s.Partial > 0 {
			r.con.Info("RunResult", fmt.Sprintf("Completed with %s and %d warning%s", partials, s.Warn, plural(int64(s.Warn))))
		} else {
			r.con.Info("RunResult", fmt.Sprintf("Completed with %d warning%s:", s.Warn, plural(int64(s.Warn))))
		}
		for _, nr := range bad {
			n := r.node(nr.UniqueID)
			kind := "Failure in"
			if nr.Status == StatusError {
				kind = "Runtime Error in"
			} else if nr.Status == StatusWarn {
				kind = "Warning in"
			} else if nr.Status == StatusPartialSuccess {
				// dbt lists only errors and warnings here; gdbt also names the failed
				// batches of a partial success, so their error is not lost.
				kind = "Partial success in"
			}
			msg := ""
			if nr.Message != nil {
				msg = *nr.Message
			}
			if nr.detail != "" {
				msg = nr.detail
			}
			text := fmt.Sprintf("%s %s %s (%s)\n  %s", kind, n.ResourceType, n.Name, n.OriginalFilePath, strings.ReplaceAll(msg, "\n", "\n  "))
			if p := r.runPath(n); p != "" && nr.Status != StatusWarn {
				if _, err := os.Stat(p); err == nil {
					if rel, err := filepath.Rel(r.p.Dir, p); err == nil && !strings.HasPrefix(rel, "..") {
						p = rel
					}
					text += "\n\n  compiled code at " + filepath.ToSlash(p)
				}
			}
			r.con.Error("RunResultError", "")
			r.con.Error("RunResultError", text)
		}
	}
	r.con.Info("Empty", "")
	r.con.Info("EndOfRunSummary", fmt.Sprintf("Done. PASS=%d WARN=%d ERROR=%d SKIP=%d NO-OP=%d TOTAL=%d", s.Pass, s.Warn, s.Error, s.Skip, s.NoOp, len(s.Results)))
}

// countLabel says what ran the way dbt's closing line does: "2 seeds, 3 table models,
// 1 view model, 3 data tests" (kinds sorted by name, tests last).
func (r *run) countLabel(res []NodeResult) string {
	counts := map[string]int{}
	for _, nr := range res {
		n := r.node(nr.UniqueID)
		kind := n.ResourceType
		switch n.ResourceType {
		case manifest.Model:
			kind = n.Materialized() + " model"
		case manifest.Test:
			kind = "~data test" // sorts last
		case manifest.UnitTest:
			kind = "~unit test"
		}
		counts[kind]++
	}
	if len(counts) == 0 {
		return "0 nodes"
	}
	var parts []string
	for _, k := range sortedKeys(counts) {
		parts = append(parts, fmt.Sprintf("%d %s%s", counts[k], strings.TrimPrefix(k, "~"), plural(int64(counts[k]))))
	}
	return strings.Join(parts, ", ")
}

// duration is dbt's "0 hours 0 minutes and 0.62 seconds (0.62s)".
func duration(d time.Duration) string {
	secs := d.Seconds()
	h := int(secs) / 3600
	m := int(secs) % 3600 / 60
	rest := secs - float64(h*3600+m*60)
	return fmt.Sprintf("%d hours %d minutes and %.2f seconds (%.2fs)", h, m, rest, secs)
}

// describe is dbt's node description in status lines: "sql table model main.dim_orders".
func describe(n *manifest.Node) string {
	switch n.ResourceType {
	case manifest.Model:
		return "sql " + n.Materialized() + " model " + relationLabel(n)
	case manifest.Seed:
		return "seed file " + relationLabel(n)
	case manifest.Snapshot:
		return "snapshot " + relationLabel(n)
	case manifest.Test:
		return "test " + n.Name
	case manifest.UnitTest:
		return "unit_test " + unitTestName(n)
	}
	return n.ResourceType + " " + n.Name
}

func relationLabel(n *manifest.Node) string {
	if n.Alias != "" {
		return n.Schema + "." + n.Alias
	}
	return n.Schema + "." + n.Name
}

func responseText(r warehouse.Response) string {
	msg := r.Message
	if msg == "" {
		msg = "OK"
	}
	if r.RowsAffected > 0 && !strings.Contains(msg, fmt.Sprint(r.RowsAffected)) {
		msg += " " + fmt.Sprint(r.RowsAffected)
	}
	return msg
}

// warnSeverity reports config.severity == warn (any case), under which a test never fails.
func warnSeverity(n *manifest.Node) bool {
	s, _ := n.Config["severity"].(string)
	return strings.EqualFold(s, "warn")
}

func condition(n *manifest.Node, key string) string {
	if s, ok := n.Config[key].(string); ok && s != "" {
		return s
	}
	return "!= 0"
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func boolPtr(b bool) *bool { return &b }

// sortedKeys is used where output must not depend on map order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// skipPython reports a python model as SKIP with the reason (gdbt has no Python runtime) and
// returns Failed so that every dependent is skipped naming it.
func (r *run) skipPython(n *manifest.Node, idx int) dag.Status {
	nr := &NodeResult{UniqueID: n.UniqueID, Status: StatusSkipped, ThreadID: "Thread-0", Compiled: boolPtr(false),
		Message: strPtr(compiler.PythonModelReason)}
	if n.RelationName != "" {
		nr.RelationName = strPtr(n.RelationName)
	}
	r.con.StatusLine(Event{Name: "NodeSkipped", UniqueID: n.UniqueID, Index: idx, Total: r.total, Status: StatusSkipped,
		Msg: "SKIP python model " + relationLabel(n) + ": " + compiler.PythonModelReason}, "SKIP", colorYellow)
	r.mu.Lock()
	r.results[n.UniqueID] = nr
	r.mu.Unlock()
	return dag.Failed
}
