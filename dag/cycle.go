package dag

import (
	"errors"
	"slices"
	"strings"

	"github.com/dominikbraun/graph"
)

// ErrCycle is the sentinel every *CycleError matches with errors.Is, for callers that
// only need to know the project cannot be ordered.
var ErrCycle = errors.New("dependency cycle")

// CycleError reports the dependency cycles of a project, each as the full path that
// closes on itself, e.g. [model.p.a model.p.b model.p.a]: model.p.b depends on model.p.a
// and model.p.a on model.p.b. Each cycle starts at its smallest unique id and the cycles
// are sorted, so the message is stable.
type CycleError struct {
	Cycles [][]string
}

// Error prints every cycle as "a -> b -> a", separated by "; ".
func (e *CycleError) Error() string {
	parts := make([]string, len(e.Cycles))
	for i, c := range e.Cycles {
		parts[i] = strings.Join(c, " -> ")
	}
	return "dependency cycle: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrCycle) true.
func (e *CycleError) Is(target error) bool { return target == ErrCycle }

// cycleError finds the strongly connected components with the library's Tarjan, then
// one shortest cycle through the smallest id of each (a breadth-first search whose
// neighbours are visited in id order, so the path is deterministic).
func (g *Graph) cycleError() error {
	lib := g.Library()
	if g.libErr != nil {
		return errors.Join(ErrCycle, g.libErr)
	}
	comps, err := graph.StronglyConnectedComponents(lib)
	if err != nil {
		return errors.Join(ErrCycle, err)
	}
	var cycles [][]string
	for _, comp := range comps {
		in := make(map[int32]bool, len(comp))
		for _, id := range comp {
			in[g.idx[id]] = true
		}
		start := slices.Min(comp)
		s := g.idx[start]
		if len(comp) == 1 && !slices.Contains(g.children[s], s) {
			continue
		}
		cycles = append(cycles, g.shortestCycle(s, in))
	}
	slices.SortFunc(cycles, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return &CycleError{Cycles: cycles}
}

func (g *Graph) shortestCycle(s int32, in map[int32]bool) []string {
	prev := map[int32]int32{}
	queue := []int32{s}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, c := range g.children[v] {
			if !in[c] {
				continue
			}
			if c == s {
				path := []string{g.ids[s]}
				for u := v; u != s; u = prev[u] {
					path = append(path, g.ids[u])
				}
				path = append(path, g.ids[s])
				slices.Reverse(path)
				return path
			}
			if _, seen := prev[c]; !seen {
				prev[c] = v
				queue = append(queue, c)
			}
		}
	}
	return []string{g.ids[s]} // unreachable for a real component
}
