package compiler

import (
	"context"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
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
	// show them ("2024-09-17 00:00:00+00:00").
	ID, Start, End string
	Incremental    bool
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
// eventTime to the render's batch ("" when there is no batch or no event_time).
func (rs *renderState) eventTimeFilter(eventTime any) string {
	col, _ := eventTime.(string)
	if rs.batch == nil || col == "" || rs.mode == modeParse || rs.node == nil || !IsMicrobatch(rs.node) {
		return ""
	}
	return col + " >= '" + rs.batch.Start + "' and " + col + " < '" + rs.batch.End + "'"
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
