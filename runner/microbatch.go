package runner

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/microbatch"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// buildNode executes n: in one piece, or batch by batch for a microbatch model.
func (r *run) buildNode(ctx context.Context, a warehouse.Adapter, n *manifest.Node) (*compiler.Result, error) {
	if !compiler.IsMicrobatch(n) {
		return r.p.Execute(ctx, a, n)
	}
	return r.buildMicrobatch(ctx, a, n)
}

// buildMicrobatch builds a microbatch model one batch at a time, as dbt-core's
// MicrobatchModelRunner (core/dbt/task/run.py) does: the batches come from the model's
// batch_size, begin and lookback and the run's --event-time-start/--event-time-end
// (package microbatch); the first batch runs incrementally only when the table exists and
// is not fully refreshed, every later one incrementally; when the first fails the rest are
// skipped, otherwise a failed batch does not stop the others; pre-hooks run with the first
// batch and post-hooks with the last. Batches run one after another: dbt runs the middle
// batches concurrently only on adapters declaring the MicrobatchConcurrency capability
// (should_run_in_parallel in run.py), and gdbt declares it for none, so concurrent_batches
// is read and has no effect. The
// result is the last batch's, with the rows of all batches; a model with failed and
// successful batches is a PartialSuccess (merge_batch_results), with none successful an
// error, either naming the failed batches.
func (r *run) buildMicrobatch(ctx context.Context, a warehouse.Adapter, n *manifest.Node) (*compiler.Result, error) {
	plan, err := r.microbatchPlan(ctx, a, n)
	if err != nil {
		return nil, fmt.Errorf("microbatch model %s: %w", n.Name, err)
	}
	batches, err := plan.Batches()
	if err != nil {
		return nil, fmt.Errorf("microbatch model %s: %w", n.Name, err)
	}
	// On retry, the batches that failed last time (MicrobatchModelRunner.get_batches), the
	// earlier successes carried into this run's results (merge_batch_results).
	var prevOK [][2]string
	if prev := r.opts.RetryBatches[n.UniqueID]; prev != nil {
		if batches, err = failedBatches(prev); err != nil {
			return nil, fmt.Errorf("microbatch model %s: retry: %w", n.Name, err)
		}
		prevOK = prev.Successful
	}
	br := &BatchResults{Successful: [][2]string{}, Failed: [][2]string{}}
	defer func() {
		br.Successful = append(br.Successful, prevOK...)
		r.mu.Lock()
		r.batchResults[n.UniqueID] = br
		r.mu.Unlock()
	}()
	var last *compiler.Result
	var rows int64
	var failed []string
	var firstErr error
	ok := 0
	for i, b := range batches {
		w := compiler.BatchWindow{ID: b.ID(plan.Size), Start: microbatch.SQLTime(b.Start), End: microbatch.SQLTime(b.End),
			From: b.Start, To: b.End, First: i == 0, Last: i == len(batches)-1,
			Incremental: i > 0 || plan.Incremental}
		label := microbatch.FormatStart(b.Start, plan.Size)
		span := [2]string{isoTime(b.Start), isoTime(b.End)}
		if i > 0 && len(failed) == 1 && failed[0] == microbatch.FormatStart(batches[0].Start, plan.Size) {
			failed = append(failed, label) // the first batch failed: the rest are skipped
			br.Failed = append(br.Failed, span)
			continue
		}
		r.con.Info("MicrobatchBatch", fmt.Sprintf("Batch %d of %d (%s) of %s", i+1, len(batches), label, describe(n)))
		res, err := r.p.ExecuteBatch(ctx, a, n, w)
		if res != nil {
			last = res
			if res.Response.RowsAffected > 0 {
				rows += res.Response.RowsAffected
			}
		}
		if err == nil {
			br.Successful = append(br.Successful, span)
			ok++
		}
		if err != nil {
			br.Failed = append(br.Failed, span)
			failed = append(failed, label)
			if firstErr == nil {
				firstErr = fmt.Errorf("batch %s: %w", label, err)
			}
			if ctx.Err() != nil {
				break
			}
		}
	}
	if last != nil {
		last.Response.RowsAffected = rows
		last.Response.Message = fmt.Sprintf("%d batch(es), %d row(s)", len(batches), rows)
	}
	if len(failed) > 0 {
		err := fmt.Errorf("microbatch model %s: %d of %d batches failed (%s); first error: %w",
			n.Name, len(failed), len(batches), strings.Join(failed, ", "), firstErr)
		if ok > 0 && ctx.Err() == nil {
			return last, &PartialSuccess{Succeeded: ok, Total: len(batches), Err: err}
		}
		return last, err
	}
	return last, nil
}

// microbatchPlan reads the model's microbatch configs and the run's flags.
func (r *run) microbatchPlan(ctx context.Context, a warehouse.Adapter, n *manifest.Node) (microbatch.Plan, error) {
	var p microbatch.Plan
	var err error
	if et, _ := n.Config["event_time"].(string); et == "" {
		return p, fmt.Errorf("requires an 'event_time' config naming its timestamp column")
	}
	if p.Size, err = microbatch.ParseSize(n.Config["batch_size"]); err != nil {
		return p, err
	}
	if v := n.Config["begin"]; v != nil && v != "" {
		t, err := microbatch.ParseTime(v)
		if err != nil {
			return p, fmt.Errorf("begin: %w", err)
		}
		p.Begin = &t
	}
	p.Lookback = 1
	if v, ok := n.Config["lookback"]; ok && v != nil {
		switch x := v.(type) {
		case int:
			p.Lookback = x
		case int64:
			p.Lookback = int(x)
		case float64:
			p.Lookback = int(x)
		default:
			return p, fmt.Errorf("lookback %v is not a whole number of batches", v)
		}
	}
	p.EventTimeStart, p.EventTimeEnd = r.opts.EventTimeStart, r.opts.EventTimeEnd
	p.Now = r.started
	if p.Incremental, err = r.p.IsIncremental(ctx, a, n); err != nil {
		return p, err
	}
	return p, nil
}

// isoTime is a batch bound as dbt writes it in run_results.json (Python's isoformat of a
// UTC datetime: "2024-01-01T00:00:00+00:00").
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") + "+00:00" }

// failedBatches reads back the failed batches of a previous run's batch results.
func failedBatches(prev *BatchResults) ([]microbatch.Batch, error) {
	var out []microbatch.Batch
	for _, f := range prev.Failed {
		s, err := microbatch.ParseTime(f[0])
		if err != nil {
			return nil, err
		}
		e, err := microbatch.ParseTime(f[1])
		if err != nil {
			return nil, err
		}
		out = append(out, microbatch.Batch{Start: s, End: e})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no failed batches to rerun")
	}
	return out, nil
}
