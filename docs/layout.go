package docs

import (
	"sort"
)

// Layout constants of the lineage graph, in SVG user units (pixels at zoom 1). Labels are
// drawn in a 12px monospace font, so a label's width is known at generate time and boxes
// are sized to their text: nothing overlaps at any zoom.
const (
	boxH      = 20.0
	rowGap    = 8.0
	colGap    = 70.0
	charW     = 7.5 // 12px monospace advance, rounded up (DejaVu Sans Mono: 7.22)
	boxPadX   = 8.0
	rowHeight = boxH + rowGap
)

// gnode is one node of a laid-out graph.
type gnode struct {
	ID, Label, Type string
	Layer           int
	X, Y, W         float64
	Depth           int // distance from a focus node (ancestors negative), for neighbourhoods
	order           float64
}

// graphLayout is a layered left-to-right drawing of a DAG: the layers are columns, each
// node sits in the column after its deepest parent, and edges go from a node's right side
// to its child's left side.
type graphLayout struct {
	Nodes         []*gnode
	Edges         [][2]int // indexes into Nodes: parent, child
	Width, Height float64
}

// labelWidth is the box width of a label.
func labelWidth(s string) float64 { return float64(len([]rune(s)))*charW + 2*boxPadX }

// layoutDAG lays out the nodes ids (in any order) with edges parent → child among them
// (parents maps an id to its parents; ids outside the set are ignored). It is a Sugiyama-style
// layered layout: longest-path layering, barycenter ordering sweeps to reduce crossings,
// then each node is placed at the mean height of its parents, pushed down just enough not to
// overlap its column neighbour. O(E · sweeps + N log N): 1,000s of nodes take milliseconds.
func layoutDAG(nodes []*gnode, parents func(id string) []string) *graphLayout {
	idx := make(map[string]int, len(nodes))
	sort.Slice(nodes, func(i, j int) bool {
		return nodes[i].Label < nodes[j].Label || nodes[i].Label == nodes[j].Label && nodes[i].ID < nodes[j].ID
	})
	for i, n := range nodes {
		idx[n.ID] = i
	}
	ps := make([][]int, len(nodes))
	cs := make([][]int, len(nodes))
	var edges [][2]int
	for i, n := range nodes {
		seen := map[int]bool{}
		for _, p := range parents(n.ID) {
			if j, ok := idx[p]; ok && j != i && !seen[j] {
				seen[j] = true
				ps[i] = append(ps[i], j)
				cs[j] = append(cs[j], i)
				edges = append(edges, [2]int{j, i})
			}
		}
	}
	// Longest-path layering, iteratively in topological order (Kahn), so a deep chain does
	// not recurse; nodes left on a cycle (a broken manifest) stay in layer 0.
	indeg := make([]int, len(nodes))
	for i := range nodes {
		indeg[i] = len(ps[i])
	}
	var queue []int
	for i := range nodes {
		if indeg[i] == 0 {
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, c := range cs[i] {
			if nodes[i].Layer+1 > nodes[c].Layer {
				nodes[c].Layer = nodes[i].Layer + 1
			}
			if indeg[c]--; indeg[c] == 0 {
				queue = append(queue, c)
			}
		}
	}
	nl := 0
	for _, n := range nodes {
		nl = max(nl, n.Layer+1)
	}
	layers := make([][]int, nl)
	for i, n := range nodes {
		layers[n.Layer] = append(layers[n.Layer], i)
	}
	setOrder := func(l []int) {
		for k, i := range l {
			nodes[i].order = float64(k)
		}
	}
	for _, l := range layers {
		setOrder(l)
	}
	// Barycenter sweeps: down by parents' positions, up by children's.
	bary := func(l []int, nb [][]int) {
		key := make(map[int]float64, len(l))
		for _, i := range l {
			if len(nb[i]) == 0 {
				key[i] = nodes[i].order
				continue
			}
			s := 0.0
			for _, j := range nb[i] {
				s += nodes[j].order
			}
			key[i] = s / float64(len(nb[i]))
		}
		sort.SliceStable(l, func(a, b int) bool { return key[l[a]] < key[l[b]] })
		setOrder(l)
	}
	for sweep := 0; sweep < 4; sweep++ {
		for k := 1; k < nl; k++ {
			bary(layers[k], ps)
		}
		for k := nl - 2; k >= 0; k-- {
			bary(layers[k], cs)
		}
	}
	// Columns as wide as their longest label.
	x := 0.0
	for _, l := range layers {
		w := 0.0
		for _, i := range l {
			nodes[i].W = labelWidth(nodes[i].Label)
			w = max(w, nodes[i].W)
		}
		for _, i := range l {
			nodes[i].X = x
		}
		x += w + colGap
	}
	// Heights: the mean of the parents' heights, never closer than a row to the node above.
	height := 0.0
	for _, l := range layers {
		prev := -rowHeight
		for _, i := range l {
			want := prev + rowHeight
			if len(ps[i]) > 0 {
				s := 0.0
				for _, j := range ps[i] {
					s += nodes[j].Y
				}
				want = max(want, s/float64(len(ps[i])))
			}
			nodes[i].Y = want
			prev = want
		}
		height = max(height, prev+boxH)
	}
	g := &graphLayout{Nodes: nodes, Edges: edges, Width: max(x-colGap, 0), Height: height}
	return g
}
