package dag

import (
	"slices"

	"github.com/gdbt-dev/gdbt/manifest"
)

// WithTestEdges returns the scheduling graph `gdbt build` runs on: the same resources,
// plus an edge from each test to every non-test child of the nodes it tests, so a model
// waits for the tests of its parents and a failing test skips what is built on the data
// it rejected (dbt's "add_test_edges"). An edge is only added when the child already
// descends from every parent of the test, which is what keeps the graph acyclic: a
// relationships test between a model and its parent does not make the model wait for
// itself. Only manifest nodes (not exposures) get such edges. Selection must keep using the original graph; this one is for Run only.
func (g *Graph) WithTestEdges() *Graph {
	b := &Graph{m: g.m, ids: g.ids, idx: g.idx, items: g.items, unknown: g.unknown, segs: g.pathSegments()}
	b.segsOnce.Do(func() {})
	n := len(g.ids)
	b.parents = make([][]int32, n)
	for i, ps := range g.parents {
		b.parents[i] = slices.Clone(ps)
	}
	var anc *bitset // scratch for multi-parent tests
	for t := range n {
		if g.items[t].rt != manifest.Test {
			continue
		}
		ps := g.parents[t]
		for _, p := range ps {
			for _, c := range g.children[p] {
				if g.items[c].node == nil || g.items[c].rt == manifest.Test || g.items[c].rt == manifest.UnitTest || int(c) == t || slices.Contains(ps, c) {
					continue
				}
				if len(ps) > 1 {
					if anc == nil {
						anc = newBitset(n)
					}
					anc.clear()
					g.ancestorsInto(anc, c)
					ok := true
					for _, q := range ps {
						if !anc.has(q) {
							ok = false
							break
						}
					}
					if !ok {
						continue
					}
				}
				b.parents[c] = append(b.parents[c], int32(t))
			}
		}
	}
	// dbt's BuildTask runs a model's unit tests in the model's own job, just before it, and
	// skips the model when one fails (task/build.py, call_model_and_unit_tests_runner): a
	// unit test waits for what its model waits for, and the model waits for it.
	modelParents := map[int32][]int32{}
	for u := range n {
		if g.items[u].rt != manifest.UnitTest {
			continue
		}
		for _, m := range g.parents[u] {
			if _, ok := modelParents[m]; !ok {
				modelParents[m] = slices.Clone(b.parents[m])
			}
			b.parents[u] = slices.DeleteFunc(b.parents[u], func(x int32) bool { return x == m })
			b.parents[u] = append(b.parents[u], modelParents[m]...)
			b.parents[m] = append(b.parents[m], int32(u))
		}
	}
	b.children = make([][]int32, n)
	for c := range b.parents {
		slices.Sort(b.parents[c])
		b.parents[c] = slices.Compact(b.parents[c])
		for _, p := range b.parents[c] {
			b.children[p] = append(b.children[p], int32(c))
		}
	}
	b.topoSort() // acyclic by construction
	return b
}

// ancestorsInto marks every ancestor of v (not v itself) in s.
func (g *Graph) ancestorsInto(s *bitset, v int32) {
	stack := []int32{v}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range g.parents[u] {
			if !s.has(p) {
				s.set(p)
				stack = append(stack, p)
			}
		}
	}
}
