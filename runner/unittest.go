package runner

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/dag"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/unittest"
)

// node is the manifest node or unit test with unique id id (nil when neither).
func (r *run) node(id string) *manifest.Node {
	if n, ok := r.p.Manifest.Nodes[id]; ok {
		return n
	}
	if n, ok := r.p.Manifest.UnitTests[id]; ok {
		return n
	}
	return nil
}

// unitTestName is how dbt's TestRunner names a unit test in status lines: model::test.
func unitTestName(n *manifest.Node) string {
	model := n.Name
	if n.UnitTest != nil {
		model = strings.Fields(n.UnitTest.Model + " ")[0]
	}
	return model + "::" + n.Name
}

// executeUnitTest runs one unit test (dbt's TestRunner.execute_unit_test and
// build_unit_test_run_result): PASS when actual and expected rows agree, FAIL with dbt's
// diff table as the message when they differ, ERROR when it could not run.
func (r *run) executeUnitTest(ctx context.Context, n *manifest.Node, idx int) dag.Status {
	t0 := time.Now()
	a, release, err := pinNode(ctx, r.a)
	var o *unittest.Outcome
	if err == nil {
		o, err = unittest.Run(ctx, r.p, a, n)
		release()
	}
	t1 := time.Now()
	nr := &NodeResult{
		UniqueID:      n.UniqueID,
		ThreadID:      fmt.Sprintf("Thread-%d", idx%max(r.opts.Threads, 1)+1),
		ExecutionTime: t1.Sub(t0).Seconds(),
		Timing:        []Timing{{Name: "execute", StartedAt: t0.UTC().Format(time.RFC3339Nano), CompletedAt: t1.UTC().Format(time.RFC3339Nano)}},
		Compiled:      boolPtr(true),
	}
	if o != nil {
		nr.CompiledCode = strPtr(o.CompiledCode)
		nr.AdapterResponse = map[string]any{"_message": o.Response.Message, "code": o.Response.Code, "rows_affected": o.Response.RowsAffected}
		if o.RunSQL != "" {
			r.writeRunFile(n, o.RunSQL)
		}
	}
	ev := Event{Name: "NodeFinished", UniqueID: n.UniqueID, Index: idx, Total: r.total, Elapsed: nr.ExecutionTime}
	secs := fmt.Sprintf("%.2fs", nr.ExecutionTime)
	name := unitTestName(n)
	status := dag.Success
	zero := int64(0)
	switch {
	case err != nil:
		msg := err.Error()
		if ctx.Err() != nil {
			msg = "cancelled: the run was interrupted or stopped by --fail-fast\n" + msg
		}
		nr.Status, nr.Message, status = StatusError, strPtr(msg), dag.Failed
		ev.Status, ev.Msg = StatusError, "ERROR "+name
		r.con.StatusLine(ev, "ERROR in "+secs, colorRed)
	case o.Failed:
		one := int64(1)
		nr.Status, nr.Message, nr.Failures, status = StatusFail, strPtr(o.Message), &one, dag.Failed
		ev.Status, ev.Msg = StatusFail, "FAIL 1 "+name
		r.con.StatusLine(ev, "FAIL 1 in "+secs, colorRed)
	default:
		nr.Status, nr.Failures = StatusPass, &zero
		ev.Status, ev.Msg = StatusPass, "PASS "+name
		r.con.StatusLine(ev, "PASS in "+secs, colorGreen)
	}
	r.mu.Lock()
	r.results[n.UniqueID] = nr
	r.mu.Unlock()
	return status
}
