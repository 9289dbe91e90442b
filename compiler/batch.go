package compiler

import (
	"context"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/microbatch"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// BatchWindow is one batch of a microbatch model (dbt 1.9 incremental_strategy
// 'microbatch'), as the runner hands it over (package microbatch plans the batches). While
// the model renders for it, a ref() or source() of an input with an event_time config
// reads only the rows of [Start, End) (BaseRelation.render_event_time_filtered in
// dbt-adapters' dbt/adapters/base/relation.py, chosen by resolve_event_time_filter in
// dbt-core's core/dbt/context/providers.py), model.batch holds the window, and an
// Incremental batch sees is_incremental() true and should_full_refresh() false
// (MicrobatchBuilder.build_jinja_context_for_batch in
// core/dbt/materializations/incremental/microbatch.py).
type BatchWindow struct {
	// ID is dbt's batch id ("20240917"); Start and End are the bounds as SQL literals
	// show them ("2024-09-17 00:00:00+00:00"); From and To the same bounds as times.
	ID, Start, End string
	From, To       time.Time
	Incremental    bool
	// First and Last mark the run's first and last batch: pre-hooks run only with the
	// first, post-hooks only with the last (RunTask._submit_batch in dbt-core's
	// core/dbt/task/run.py empties the other batches' hooks), so hooks run once per model.
	First, Last bool
}

type batchKey struct{}

// ExecuteBatch builds one batch of a microbatch model: Execute with the window w.
func (p *Project) ExecuteBatch(ctx context.Context, a warehouse.Adapter, n *manifest.Node, w BatchWindow) (*Result, error) {
	return p.Execute(context.WithValue(ctx, batchKey{}, &w), a, n)
}

// batchOf is the window a render runs for, nil outside a microbatch batch.
func batchOf(ctx context.Context) *BatchWindow {
	w, _ := ctx.Value(batchKey{}).(*BatchWindow)
	return w
}

// IsMicrobatch reports whether n is built batch by batch.
func IsMicrobatch(n *manifest.Node) bool {
	s, _ := n.Config["incremental_strategy"].(string)
	return n.ResourceType == manifest.Model && n.Materialized() == "incremental" && s == "microbatch"
}

// eventTimeFilter is the WHERE condition restricting an input whose event_time column is
// eventTime to the render's batch, or to the --sample window, or to both where they
// overlap ("" when neither applies). The rules are resolve_event_time_filter's in
// dbt-core's core/dbt/context/providers.py: only a model or snapshot reading the input is
// filtered; a microbatch model's batch is narrowed by the sample window (the later start,
// the earlier end); any other model or snapshot in sample mode reads the sample window.
// The bounds render as Python's str() of a datetime (BaseRelation._render_event_time_filtered
// in dbt-adapters' dbt/adapters/base/relation.py).
func (rs *renderState) eventTimeFilter(eventTime any) string {
	col, _ := eventTime.(string)
	if col == "" || rs.mode == modeParse || rs.node == nil ||
		(rs.node.ResourceType != manifest.Model && rs.node.ResourceType != manifest.Snapshot) {
		return ""
	}
	sample := rs.p.opts.Sample
	var start, end time.Time
	switch {
	case rs.batch != nil && IsMicrobatch(rs.node):
		start, end = rs.batch.From, rs.batch.To
		if sample != nil && sample.Start.After(start) {
			start = sample.Start
		}
		if sample != nil && sample.End.Before(end) {
			end = sample.End
		}
	case sample != nil:
		start, end = sample.Start, sample.End
	default:
		return ""
	}
	return col + " >= '" + microbatch.PyTime(start) + "' and " + col + " < '" + microbatch.PyTime(end) + "'"
}

// batchDict is model.batch: id, event_time_start and event_time_end (dbt's BatchContext).
func (w *BatchWindow) dict() *jinja.Dict {
	d := jinja.NewDict()
	d.Set("id", w.ID)
	d.Set("event_time_start", w.Start)
	d.Set("event_time_end", w.End)
	return d
}

// IsIncremental is is_incremental() for n outside any batch: its table exists and it is
// not being fully refreshed (dbt's MicrobatchModelRunner._is_incremental in
// core/dbt/task/run.py), which decides where a microbatch run starts.
func (p *Project) IsIncremental(ctx context.Context, a warehouse.Adapter, n *manifest.Node) (inc bool, err error) {
	defer recoverInto(&err, n)
	rs := p.impl.newState(ctx, n, modeExecute, a)
	v, err := fnIsIncremental(&jinja.Call{Ctx: &jinja.Context{Data: rs}}, nil, nil)
	b, _ := v.(bool)
	return b, err
}
