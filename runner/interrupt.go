package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// Emergency lets the command write run_results.json from another goroutine when the run
// cannot stop: after a second Ctrl-C a warehouse call that ignores cancellation (DuckDB
// parsing a multi-megabyte statement in cgo) would keep the process alive, so the command
// records what finished and exits. The zero value is ready; Run arms it for its lifetime.
type Emergency struct {
	mu    sync.Mutex
	flush func() error
}

// WriteResults writes run_results.json with every node that finished, the running and the
// unstarted ones skipped as interrupted. It does nothing when no run is armed.
func (e *Emergency) WriteResults() error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	f := e.flush
	e.mu.Unlock()
	if f == nil {
		return nil
	}
	return f()
}

func (e *Emergency) arm(f func() error) {
	if e == nil {
		return
	}
	e.mu.Lock()
	e.flush = f
	e.mu.Unlock()
}

// interruptedMsg is the message of a node the interruption cancelled while it ran.
const interruptedMsg = "cancelled: the run was interrupted or stopped by --fail-fast"

// emergencyResults is run_results.json as it stands: finished nodes as they ended, the
// rest skipped (dbt writes only the finished ones, runnable.py execute_nodes on
// KeyboardInterrupt; gdbt lists every selected node so `gdbt retry` picks them up).
func (r *run) emergencyResults(ids []string, start time.Time) *RunResults {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]NodeResult, 0, len(ids))
	for _, id := range ids {
		if nr, ok := r.results[id]; ok {
			out = append(out, *nr)
			continue
		}
		nr := NodeResult{UniqueID: id, Status: StatusSkipped, ThreadID: "Thread-0", Compiled: boolPtr(false),
			Message: strPtr("skipped: the run was interrupted or stopped early")}
		if n := r.node(id); n != nil && n.RelationName != "" {
			nr.RelationName = strPtr(n.RelationName)
		}
		out = append(out, nr)
	}
	return &RunResults{
		Metadata:    RunMetadata{InvocationID: r.opts.InvocationID, DbtVersion: r.opts.Version, InvocationStartedAt: start.UTC().Format(time.RFC3339Nano)},
		Results:     out,
		ElapsedTime: time.Since(start).Seconds(),
		Args:        r.opts.Args,
	}
}

// armEmergency lets opts.Emergency write the results while the run is stuck.
func (r *run) armEmergency(ids []string, start time.Time) (disarm func()) {
	if r.opts.NoWriteJSON || r.opts.Emergency == nil {
		return func() {}
	}
	r.opts.Emergency.arm(func() error {
		return WriteRunResults(filepath.Join(r.opts.TargetDir, "run_results.json"), r.emergencyResults(ids, start))
	})
	return func() { r.opts.Emergency.arm(nil) }
}

// dropScratch removes the scratch relations (<name>__dbt_tmp, <name>__gdbt_tmp and the run's
// own tagged forms) an interrupted node may have committed before it was cancelled: on
// engines whose DDL commits on its own, and the incremental strategy's staging table. It
// drops them only while the node's relation itself exists, so a scratch table that is the
// only copy of the data (a swap cut between its renames) is kept for the next build. It runs
// on a fresh context, bounded, since the run's is cancelled.
func (r *run) dropScratch(ctx context.Context, n *manifest.Node) {
	if n.Alias == "" || n.Schema == "" {
		return
	}
	switch n.ResourceType {
	case manifest.Model, manifest.Seed, manifest.Snapshot:
	default:
		return
	}
	ddl, ok := r.a.Dialect().(warehouse.DDL)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	rels, err := r.a.ListRelations(ctx, n.Database, n.Schema)
	if err != nil {
		return
	}
	scratch := map[string]bool{}
	for _, suffix := range []string{"__dbt_tmp", warehouse.TmpSuffix} {
		scratch[strings.ToLower(warehouse.DerivedIdentifier(r.a.Dialect(), n.Alias, warehouse.ScratchSuffix(ctx, suffix)))] = true
	}
	var found []warehouse.Relation
	present := false
	for _, rel := range rels {
		id := strings.ToLower(rel.Identifier)
		switch {
		case id == strings.ToLower(n.Alias):
			present = true
		case scratch[id]:
			found = append(found, rel)
		}
	}
	if !present {
		return
	}
	for _, rel := range found {
		if _, _, err := r.a.Execute(ctx, ddl.DropRelationSQL(rel), false); err == nil {
			r.con.Info("ScratchDropped", "Dropped "+rel.Identifier+", the scratch relation of the interrupted "+n.Name)
		}
	}
}

// scratchTag is the run's tag for scratch names under --no-lock: the invocation id's first
// eight hex digits (warehouse.WithScratchTag), "" when the run holds the schema lock.
func scratchTag(opts Options) string {
	if !opts.NoLock {
		return ""
	}
	id := strings.ReplaceAll(opts.InvocationID, "-", "")
	if len(id) < 8 {
		id = fmt.Sprintf("%08x", time.Now().UnixNano()&0xffffffff)
	}
	return strings.ToLower(id[:8])
}
