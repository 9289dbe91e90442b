package docs

import (
	"fmt"
	"testing"
)

// TestLayoutNoOverlap lays out a random layered DAG and checks what the lineage page
// relies on: parents left of children, and no two boxes overlapping.
func TestLayoutNoOverlap(t *testing.T) {
	const n = 400
	parents := map[string][]string{}
	var nodes []*gnode
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("model.p.m%03d", i)
		label := fmt.Sprintf("m%03d%s", i, string(make([]byte, i%17)))
		nodes = append(nodes, &gnode{ID: id, Label: label, Type: "model"})
		for _, k := range []int{i / 2, i / 3, i - 7} {
			if k >= 0 && k < i && i > 5 {
				parents[id] = append(parents[id], fmt.Sprintf("model.p.m%03d", k))
			}
		}
	}
	g := layoutDAG(nodes, func(id string) []string { return parents[id] })
	if len(g.Nodes) != n {
		t.Fatalf("%d nodes laid out, want %d", len(g.Nodes), n)
	}
	pos := map[string]*gnode{}
	for _, x := range g.Nodes {
		pos[x.ID] = x
	}
	for _, e := range g.Edges {
		if a, c := g.Nodes[e[0]], g.Nodes[e[1]]; a.X+a.W >= c.X {
			t.Errorf("edge %s → %s goes right to left (%v, %v)", a.ID, c.ID, a.X+a.W, c.X)
		}
	}
	if len(g.Edges) == 0 {
		t.Fatal("no edges")
	}
	for i, a := range g.Nodes {
		for _, b := range g.Nodes[i+1:] {
			if a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+boxH && b.Y < a.Y+boxH {
				t.Fatalf("%s at (%v,%v) overlaps %s at (%v,%v)", a.ID, a.X, a.Y, b.ID, b.X, b.Y)
			}
		}
	}
	if g.Width <= 0 || g.Height <= 0 {
		t.Errorf("size %v × %v", g.Width, g.Height)
	}
}

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		v    float64
		f    string
		want string
	}{
		{195279, ",d", "195,279"},
		{-1234567.891, ",.2f", "-1,234,567.89"},
		{0.0213, ".1%", "2.1%"},
		{0.09812, ".3f", "0.098"},
		{42, "", "42"},
		{0.123456, "", "0.1235"},
		{1e6, "", "1,000,000"},
	} {
		if got := FormatNumber(c.v, c.f); got != c.want {
			t.Errorf("FormatNumber(%v, %q) = %q, want %q", c.v, c.f, got, c.want)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	got := niceTicks(0, 0.62, 5)
	want := []float64{0, 0.2, 0.4, 0.6}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("niceTicks(0, 0.62) = %v, want %v", got, want)
	}
}
