package dag

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/dominikbraun/graph"

	"github.com/gdbt-dev/gdbt/manifest"
)

// Graph is the dependency graph of a manifest: every node, source and exposure, with an
// edge from each dependency to its dependent. The dominikbraun/graph value is kept for
// callers that want its algorithms (drawing, paths); the hot paths (selection,
// scheduling, ordering) run on the dense integer adjacency lists next to it, because
// selection over 50,000 nodes must take milliseconds.
type Graph struct {
	m   *manifest.Manifest
	dg  graph.Graph[string, string]
	ids []string         // sorted unique ids; a node's index is its position here
	idx map[string]int32 // unique id -> index

	parents  [][]int32 // sorted by index, deduplicated
	children [][]int32
	rank     []int32 // position of each index in the deterministic topological order
	order    []int32 // indices in topological order, ties broken by unique id
	items    []item
	unknown  map[string][]string

	libOnce  sync.Once
	libErr   error
	segsOnce sync.Once
	segs     [][]string // original_file_path segments per index, for path:
}

// item caches what the selector methods read of one resource, so they don't have to
// switch on the three manifest types for every node.
type item struct {
	rt      string
	pkg     string
	name    string
	fqn     []string
	ofp     string
	patch   string
	tags    []string
	config  map[string]any
	node    *manifest.Node
	src     *manifest.Source
	exp     *manifest.Exposure
	enabled bool
}

// New builds the graph of m: nodes from m.Nodes, m.Sources, m.Exposures and m.UnitTests; edges from
// each resource's depends_on.nodes (and a test's attached_node). Dependencies on ids that
// are not in the manifest are left out of the graph and listed by Unknown, because
// reporting them (with "did you mean") is the compiler's job. A dependency cycle is
// returned as a *CycleError naming the full path of every cycle.
func New(m *manifest.Manifest) (*Graph, error) {
	g := &Graph{m: m, unknown: map[string][]string{}}
	n := len(m.Nodes) + len(m.Sources) + len(m.Exposures) + len(m.UnitTests)
	g.ids = make([]string, 0, n)
	for id := range m.Nodes {
		g.ids = append(g.ids, id)
	}
	for id := range m.UnitTests {
		g.ids = append(g.ids, id)
	}
	for id := range m.Sources {
		g.ids = append(g.ids, id)
	}
	for id := range m.Exposures {
		g.ids = append(g.ids, id)
	}
	sort.Strings(g.ids)
	g.ids = slices.Compact(g.ids)
	n = len(g.ids)
	g.idx = make(map[string]int32, n)
	for i, id := range g.ids {
		g.idx[id] = int32(i)
	}
	g.items = make([]item, n)
	g.parents = make([][]int32, n)
	g.children = make([][]int32, n)
	for i, id := range g.ids {
		var deps []string
		nd, ok := m.Nodes[id]
		if !ok {
			nd, ok = m.UnitTests[id]
		}
		if ok && nd != nil {
			g.items[i] = item{rt: nd.ResourceType, pkg: nd.PackageName, name: nd.Name, fqn: nd.FQN,
				ofp: nd.OriginalFilePath, patch: nd.PatchPath, tags: nd.Tags, config: nd.Config,
				node: nd, enabled: nd.Enabled()}
			deps = nd.DependsOn.Nodes
			if nd.AttachedNode != "" {
				deps = append(slices.Clip(deps), nd.AttachedNode)
			}
		} else if s, ok := m.Sources[id]; ok && s != nil {
			g.items[i] = item{rt: manifest.SourceRT, pkg: s.PackageName, name: s.Name, fqn: s.FQN,
				ofp: s.OriginalFilePath, tags: s.Tags, config: s.Config, src: s, enabled: configEnabled(s.Config)}
		} else if e, ok := m.Exposures[id]; ok && e != nil {
			g.items[i] = item{rt: manifest.ExposureRT, pkg: e.PackageName, name: e.Name, fqn: e.FQN,
				ofp: e.OriginalFilePath, tags: e.Tags, config: e.Config, exp: e, enabled: configEnabled(e.Config)}
			deps = e.DependsOn.Nodes
		}
		if g.items[i].rt == "" {
			g.items[i].rt = resourceTypeOf(id)
		}
		for _, d := range deps {
			p, ok := g.idx[d]
			if !ok {
				g.unknown[id] = append(g.unknown[id], d)
				continue
			}
			g.parents[i] = append(g.parents[i], p)
		}
		slices.Sort(g.parents[i])
		g.parents[i] = slices.Compact(g.parents[i])
	}
	for c, ps := range g.parents {
		for _, p := range ps {
			g.children[p] = append(g.children[p], int32(c)) // ascending c, so already sorted
		}
	}
	if !g.topoSort() {
		return nil, g.cycleError()
	}
	return g, nil
}

// pathSegments returns the split original_file_path of every resource, computed once.
func (g *Graph) pathSegments() [][]string {
	g.segsOnce.Do(func() {
		g.segs = make([][]string, len(g.items))
		for i := range g.items {
			g.segs[i] = splitPath(g.items[i].ofp)
		}
	})
	return g.segs
}

// buildLibraryGraph mirrors the adjacency into a dominikbraun/graph value.
func (g *Graph) buildLibraryGraph() error {
	g.dg = graph.New(graph.StringHash, graph.Directed())
	for _, id := range g.ids {
		if err := g.dg.AddVertex(id); err != nil {
			return fmt.Errorf("add node %s: %w", id, err)
		}
	}
	for c, ps := range g.parents {
		for _, p := range ps {
			if err := g.dg.AddEdge(g.ids[p], g.ids[c]); err != nil {
				return fmt.Errorf("add edge %s -> %s: %w", g.ids[p], g.ids[c], err)
			}
		}
	}
	return nil
}

// topoSort computes a Kahn order that always takes the smallest ready unique id, so the
// order is the same on every run; it reports false when a cycle leaves nodes unordered.
func (g *Graph) topoSort() bool {
	n := len(g.ids)
	indeg := make([]int32, n)
	for i, ps := range g.parents {
		indeg[i] = int32(len(ps))
	}
	h := &indexHeap{}
	for i := range n {
		if indeg[i] == 0 {
			h.push(int32(i))
		}
	}
	g.order = make([]int32, 0, n)
	g.rank = make([]int32, n)
	for h.len() > 0 {
		v := h.pop()
		g.rank[v] = int32(len(g.order))
		g.order = append(g.order, v)
		for _, c := range g.children[v] {
			indeg[c]--
			if indeg[c] == 0 {
				h.push(c)
			}
		}
	}
	return len(g.order) == n
}

func configEnabled(c map[string]any) bool {
	if b, ok := c["enabled"].(bool); ok {
		return b
	}
	return true
}

// resourceTypeOf reads the resource type from a unique id ("model.pkg.name" -> "model").
func resourceTypeOf(id string) string {
	for i := 0; i < len(id); i++ {
		if id[i] == '.' {
			return id[:i]
		}
	}
	return id
}

// Manifest returns the manifest the graph was built from.
func (g *Graph) Manifest() *manifest.Manifest { return g.m }

// Library returns the dominikbraun/graph form (edges point from dependency to dependent),
// for drawing or path queries; it must not be modified. It is built on first use, since
// selection and scheduling don't need it and it costs a second on 50,000 nodes.
func (g *Graph) Library() graph.Graph[string, string] {
	g.libOnce.Do(func() { g.libErr = g.buildLibraryGraph() })
	return g.dg
}

// Len returns the number of nodes, sources and exposures in the graph.
func (g *Graph) Len() int { return len(g.ids) }

// IDs returns every unique id in the graph, sorted.
func (g *Graph) IDs() []string { return slices.Clone(g.ids) }

// Has reports whether id is a node, source or exposure of the graph.
func (g *Graph) Has(id string) bool { _, ok := g.idx[id]; return ok }

// ResourceType returns the resource type of id ("" when id is not in the graph).
func (g *Graph) ResourceType(id string) string {
	if i, ok := g.idx[id]; ok {
		return g.items[i].rt
	}
	return ""
}

// Unknown returns, per unique id, the dependencies that name no resource of the manifest
// (sorted by id); the graph leaves those edges out.
func (g *Graph) Unknown() map[string][]string {
	out := make(map[string][]string, len(g.unknown))
	for k, v := range g.unknown {
		out[k] = slices.Sorted(slices.Values(v))
	}
	return out
}

// Parents returns the direct dependencies of id, sorted.
func (g *Graph) Parents(id string) []string { return g.names(g.parents, id) }

// Children returns the direct dependents of id, sorted.
func (g *Graph) Children(id string) []string { return g.names(g.children, id) }

func (g *Graph) names(adj [][]int32, id string) []string {
	i, ok := g.idx[id]
	if !ok {
		return nil
	}
	out := make([]string, len(adj[i]))
	for k, j := range adj[i] {
		out[k] = g.ids[j]
	}
	return out
}

// Order returns every unique id in topological order (dependencies first), ties broken
// by unique id, so two runs over the same manifest list nodes identically.
func (g *Graph) Order() []string {
	out := make([]string, len(g.order))
	for k, i := range g.order {
		out[k] = g.ids[i]
	}
	return out
}

// Sort returns ids (which must be in the graph; others are dropped) in the graph's
// topological order.
func (g *Graph) Sort(ids []string) []string {
	ix := make([]int32, 0, len(ids))
	for _, id := range ids {
		if i, ok := g.idx[id]; ok {
			ix = append(ix, i)
		}
	}
	slices.SortFunc(ix, func(a, b int32) int { return int(g.rank[a] - g.rank[b]) })
	ix = slices.Compact(ix)
	out := make([]string, len(ix))
	for k, i := range ix {
		out[k] = g.ids[i]
	}
	return out
}

// ParentMap returns the manifest's parent_map: every unique id to its sorted direct
// dependencies (an empty, non-nil list for roots, as dbt writes []).
func (g *Graph) ParentMap() map[string][]string { return g.adjMap(g.parents) }

// ChildMap returns the manifest's child_map: every unique id to its sorted direct
// dependents.
func (g *Graph) ChildMap() map[string][]string { return g.adjMap(g.children) }

func (g *Graph) adjMap(adj [][]int32) map[string][]string {
	out := make(map[string][]string, len(g.ids))
	for i, id := range g.ids {
		l := make([]string, len(adj[i]))
		for k, j := range adj[i] {
			l[k] = g.ids[j]
		}
		out[id] = l
	}
	return out
}

// indexHeap is a min-heap of node indices; indices follow sorted unique ids, so popping
// the minimum breaks ties by unique id.
type indexHeap struct{ a []int32 }

func (h *indexHeap) len() int { return len(h.a) }

func (h *indexHeap) push(v int32) {
	h.a = append(h.a, v)
	i := len(h.a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h.a[p] <= h.a[i] {
			break
		}
		h.a[p], h.a[i] = h.a[i], h.a[p]
		i = p
	}
}

func (h *indexHeap) pop() int32 {
	v := h.a[0]
	last := len(h.a) - 1
	h.a[0] = h.a[last]
	h.a = h.a[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && h.a[l] < h.a[m] {
			m = l
		}
		if r < last && h.a[r] < h.a[m] {
			m = r
		}
		if m == i {
			return v
		}
		h.a[m], h.a[i] = h.a[i], h.a[m]
		i = m
	}
}
