package dag

import (
	"context"
	"fmt"
	"slices"
)

// Status is what became of one scheduled node. Work functions return Success, Warn or
// Failed; the scheduler itself assigns Skipped and NotRun.
type Status int

const (
	// Success: the node ran and passed; its dependents may start.
	Success Status = iota
	// Warn: the node ran with a warning (a test at severity warn); dependents still run.
	Warn
	// Failed: the node errored or (under build semantics) a test failed; every
	// dependent is Skipped with this node as the cause.
	Failed
	// Skipped: an ancestor failed, named by Outcome.Cause. A work function may return
	// it too, for a node it decided not to run; that does not skip its dependents.
	Skipped
	// NotRun: the run stopped first (the context was cancelled, or --fail-fast after
	// Outcome.Cause failed).
	NotRun
)

// String returns the lowercase name of the status.
func (s Status) String() string {
	switch s {
	case Success:
		return "success"
	case Warn:
		return "warn"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	case NotRun:
		return "not run"
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// Outcome is the fate of one scheduled node.
type Outcome struct {
	ID     string
	Status Status
	// Cause is the unique id of the failed node behind a Skipped status (the root
	// cause, not the nearest skipped parent) or behind a NotRun after --fail-fast.
	Cause string
	// Seq is the 1-based order in which the node started (for "3 of 12 START"); 0 when
	// it never started.
	Seq int
	// Err is set when the work function panicked (the node is then Failed).
	Err error
}

// RunOptions tune a Run.
type RunOptions struct {
	// Threads is the most work functions running at once (at least 1).
	Threads int
	// FailFast stops at the first Failed node: the context of running work is
	// cancelled and nothing else starts.
	FailFast bool
	// OnStart is called just before a node's work starts, with its Seq; OnDone when a
	// node's outcome is final, including Skipped and NotRun ones. Both are called from
	// Run's own goroutine, one at a time, so printing from them needs no locking.
	OnStart func(id string, seq int)
	OnDone  func(Outcome)
}

// Run runs work for every id of ids on the dependency order of g: a node starts the
// moment all of its selected ancestors have finished (ids not in ids don't block, but
// the order through them is kept: if a -> b -> c and only a and c are given, c still
// waits for a), at most opts.Threads at once; among ready nodes the earliest in g's
// topological order starts first. When ctx is cancelled nothing new starts, running work
// sees the cancellation, and the rest is NotRun. Outcomes come back in topological order.
// The error reports only ids that are not in g.
func Run(ctx context.Context, g *Graph, ids []string, opts RunOptions, work func(ctx context.Context, id string) Status) ([]Outcome, error) {
	s, err := newRunState(g, ids)
	if err != nil {
		return nil, err
	}
	threads := max(opts.Threads, 1)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	type result struct {
		v   int32
		st  Status
		err error
	}
	results := make(chan result, threads)
	launch := func(v int32) {
		go func() {
			defer func() {
				if r := recover(); r != nil {
					results <- result{v, Failed, fmt.Errorf("node %s: panic: %v", s.ids[v], r)}
				}
			}()
			results <- result{v, work(runCtx, s.ids[v]), nil}
		}()
	}
	done := func(v int32) {
		if opts.OnDone != nil {
			opts.OnDone(s.out[v])
		}
	}

	running, seq := 0, 0
	stopped, stopCause := false, ""
	cancelled := ctx.Done()
	for {
		for !stopped && running < threads && s.ready.len() > 0 {
			if ctx.Err() != nil {
				stopped = true
				break
			}
			v := s.ready.pop()
			seq++
			s.out[v].Seq = seq
			s.state[v] = stRunning
			running++
			if opts.OnStart != nil {
				opts.OnStart(s.ids[v], seq)
			}
			launch(v)
		}
		if running == 0 {
			break
		}
		select {
		case r := <-results:
			running--
			s.state[r.v] = stDone
			s.out[r.v].Status, s.out[r.v].Err = r.st, r.err
			done(r.v)
			if r.st == Failed {
				for _, d := range s.skipDescendants(r.v) {
					done(d)
				}
				if opts.FailFast && !stopped {
					stopped, stopCause = true, s.ids[r.v]
					cancel()
				}
				continue
			}
			for _, c := range s.dependents[r.v] {
				s.pending[c]--
				if s.pending[c] == 0 && s.state[c] == stWaiting {
					s.ready.push(c)
				}
			}
		case <-cancelled:
			stopped, cancelled = true, nil
		}
	}
	for v := range s.out {
		if s.state[v] == stWaiting {
			s.state[v] = stDone
			s.out[v].Status, s.out[v].Cause = NotRun, stopCause
			done(int32(v))
		}
	}
	return s.out, nil
}

const (
	stWaiting = iota
	stRunning
	stDone
)

// runState is the scheduling subgraph of one Run, indexed locally in topological order
// so the ready heap's minimum is the earliest node.
type runState struct {
	ids        []string
	deps       [][]int32
	dependents [][]int32
	pending    []int32
	state      []uint8
	out        []Outcome
	ready      indexHeap
}

func newRunState(g *Graph, ids []string) (*runState, error) {
	gl := make([]int32, 0, len(ids))
	for _, id := range ids {
		i, ok := g.idx[id]
		if !ok {
			return nil, fmt.Errorf("schedule: %q is not in the graph", id)
		}
		gl = append(gl, i)
	}
	slices.SortFunc(gl, func(a, b int32) int { return int(g.rank[a] - g.rank[b]) })
	gl = slices.Compact(gl)
	n := len(gl)
	local := make(map[int32]int32, n)
	for k, i := range gl {
		local[i] = int32(k)
	}
	s := &runState{
		ids: make([]string, n), deps: make([][]int32, n), dependents: make([][]int32, n),
		pending: make([]int32, n), state: make([]uint8, n), out: make([]Outcome, n),
	}
	// Nearest selected ancestors: walk up through unselected nodes, with a visit stamp
	// per selected node instead of a fresh set.
	stamp := make([]int32, len(g.ids))
	var stack []int32
	for k, i := range gl {
		s.ids[k] = g.ids[i]
		s.out[k].ID = g.ids[i]
		mark := int32(k + 1)
		stack = append(stack[:0], g.parents[i]...)
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if stamp[p] == mark {
				continue
			}
			stamp[p] = mark
			if lp, ok := local[p]; ok {
				s.deps[k] = append(s.deps[k], lp)
				continue
			}
			stack = append(stack, g.parents[p]...)
		}
		slices.Sort(s.deps[k])
		s.pending[k] = int32(len(s.deps[k]))
		for _, d := range s.deps[k] {
			s.dependents[d] = append(s.dependents[d], int32(k))
		}
		if s.pending[k] == 0 {
			s.ready.push(int32(k))
		}
	}
	return s, nil
}

// skipDescendants marks every waiting descendant of the failed node v Skipped with v as
// the cause and returns them in topological order.
func (s *runState) skipDescendants(v int32) []int32 {
	var out []int32
	stack := slices.Clone(s.dependents[v])
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.state[c] != stWaiting {
			continue
		}
		s.state[c] = stDone
		s.out[c].Status, s.out[c].Cause = Skipped, s.ids[v]
		out = append(out, c)
		stack = append(stack, s.dependents[c]...)
	}
	slices.Sort(out)
	return out
}
