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
	// cause, not the nearest skipped parent; with several, the earliest in topological
	// order) or behind a NotRun after --fail-fast. A node is marked Skipped once all of
	// its dependencies are resolved.
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
			for _, d := range s.resolve(r.v) {
				done(d)
			}
			if r.st == Failed && opts.FailFast && !stopped {
				stopped, stopCause = true, s.ids[r.v]
				cancel()
			}
		case <-cancelled:
			stopped, cancelled = true, nil
		}
	}
	for v := range s.out {
		if s.state[v] != stWaiting {
			continue
		}
		s.state[v] = stDone
		if c := s.cause[v]; c >= 0 { // an ancestor failed before the run stopped
			s.out[v].Status, s.out[v].Cause = Skipped, s.ids[c]
		} else {
			s.out[v].Status, s.out[v].Cause = NotRun, stopCause
		}
		done(int32(v))
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
	cause      []int32 // local index of the failed ancestor behind a skip, -1: none
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
	local := make([]int32, len(g.ids)) // graph index -> local index + 1; 0: not scheduled
	for k, i := range gl {
		local[i] = int32(k + 1)
	}
	s := &runState{
		ids: make([]string, n), deps: make([][]int32, n), dependents: make([][]int32, n),
		pending: make([]int32, n), state: make([]uint8, n), out: make([]Outcome, n),
		cause: make([]int32, n),
	}
	for k := range s.cause {
		s.cause[k] = -1
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
			if lp := local[p]; lp > 0 {
				s.deps[k] = append(s.deps[k], lp-1)
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

// resolve records that v's outcome is final and releases its dependents: a dependent
// whose dependencies are all resolved becomes ready, or Skipped when one of them failed
// or was skipped. Its cause is the failed ancestor earliest in topological order among
// those reported by its dependencies, so the named root cause does not depend on which
// goroutine finished first. It returns the nodes it skipped, in order.
func (s *runState) resolve(v int32) []int32 {
	var skipped []int32
	queue := []int32{v}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		cand := int32(-1)
		switch {
		case s.out[u].Status == Failed:
			cand = u
		case s.out[u].Status == Skipped && s.cause[u] >= 0:
			cand = s.cause[u]
		}
		for _, c := range s.dependents[u] {
			if cand >= 0 && (s.cause[c] < 0 || cand < s.cause[c]) {
				s.cause[c] = cand
			}
			s.pending[c]--
			if s.pending[c] > 0 || s.state[c] != stWaiting {
				continue
			}
			if s.cause[c] < 0 {
				s.ready.push(c)
				continue
			}
			s.state[c] = stDone
			s.out[c].Status, s.out[c].Cause = Skipped, s.ids[s.cause[c]]
			skipped = append(skipped, c)
			queue = append(queue, c)
		}
	}
	return skipped
}
