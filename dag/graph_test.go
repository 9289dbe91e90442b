package dag

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

func mustGraph(t testing.TB, m *manifest.Manifest) *Graph {
	t.Helper()
	g, err := New(m)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return g
}

func TestGraphOrderRespectsEdges(t *testing.T) {
	m := shopManifest()
	g := mustGraph(t, m)
	order := g.Order()
	if len(order) != len(m.Nodes)+len(m.Sources)+len(m.Exposures) {
		t.Fatalf("order has %d ids, want every resource", len(order))
	}
	pos := map[string]int{}
	for i, id := range order {
		pos[id] = i
	}
	for _, id := range order {
		for _, p := range g.Parents(id) {
			if pos[p] >= pos[id] {
				t.Errorf("%s comes before its parent %s", id, p)
			}
		}
	}
	// Deterministic: the same manifest built again orders identically.
	if again := mustGraph(t, shopManifest()).Order(); !slices.Equal(again, order) {
		t.Errorf("order differs between builds:\n%v\n%v", order, again)
	}
	// Ties go by unique id: the first is the smallest root.
	if order[0] != "seed.shop.country_codes" {
		t.Errorf("first = %s, want the smallest root seed.shop.country_codes", order[0])
	}
}

func TestGraphEdgesAndMaps(t *testing.T) {
	g := mustGraph(t, shopManifest())
	tests := []struct {
		id       string
		parents  []string
		children []string
	}{
		{"model.shop.int_orders", []string{"model.shop.stg_customers", "model.shop.stg_orders"}, []string{"model.shop.fct_orders"}},
		{"source.shop.raw.orders", []string{}, []string{"model.shop.stg_orders"}},
		{"model.shop.dim_customers", []string{"model.shop.stg_customers"}, []string{"exposure.shop.weekly_dashboard", "model.shop.customer_orders", "test.shop.relationships_fct_orders_customer_id__dim_customers"}},
		{"exposure.shop.weekly_dashboard", []string{"model.shop.dim_customers", "model.shop.fct_orders"}, []string{}},
	}
	pm, cm := g.ParentMap(), g.ChildMap()
	for _, tt := range tests {
		if got := pm[tt.id]; !slices.Equal(got, tt.parents) || got == nil {
			t.Errorf("parent_map[%s] = %#v, want %#v", tt.id, got, tt.parents)
		}
		if got := cm[tt.id]; !slices.Equal(got, tt.children) || got == nil {
			t.Errorf("child_map[%s] = %#v, want %#v", tt.id, got, tt.children)
		}
	}
	if len(pm) != g.Len() || len(cm) != g.Len() {
		t.Errorf("maps have %d/%d keys, want %d", len(pm), len(cm), g.Len())
	}
	if g.ResourceType("exposure.shop.weekly_dashboard") != "exposure" || g.Has("model.shop.nope") {
		t.Error("ResourceType/Has wrong")
	}
	if ok, _ := g.Library().Edge("model.shop.stg_orders", "model.shop.int_orders"); ok.Source == "" {
		t.Error("library graph lacks the edge stg_orders -> int_orders")
	}
}

func TestGraphUnknownDependency(t *testing.T) {
	m := shopManifest()
	m.Nodes["model.shop.stg_orders"].DependsOn.Nodes = append(m.Nodes["model.shop.stg_orders"].DependsOn.Nodes, "model.shop.missing")
	g := mustGraph(t, m)
	if got := g.Unknown()["model.shop.stg_orders"]; !slices.Equal(got, []string{"model.shop.missing"}) {
		t.Errorf("Unknown = %v", g.Unknown())
	}
}

func TestGraphCycles(t *testing.T) {
	tests := []struct {
		name  string
		edges map[string][]string // id -> depends on
		want  string
	}{
		{"two", map[string][]string{"model.p.a": {"model.p.b"}, "model.p.b": {"model.p.a"}},
			"dependency cycle: model.p.a -> model.p.b -> model.p.a"},
		{"three starting at smallest", map[string][]string{
			"model.p.c": {"model.p.b"}, "model.p.b": {"model.p.a"}, "model.p.a": {"model.p.c"}, "model.p.d": {"model.p.c"}},
			"dependency cycle: model.p.a -> model.p.b -> model.p.c -> model.p.a"},
		{"self", map[string][]string{"model.p.x": {"model.p.x"}, "model.p.y": {}},
			"dependency cycle: model.p.x -> model.p.x"},
		{"two separate", map[string][]string{
			"model.p.a": {"model.p.b"}, "model.p.b": {"model.p.a"},
			"model.p.m": {"model.p.n"}, "model.p.n": {"model.p.m"}, "model.p.z": {"model.p.a"}},
			"dependency cycle: model.p.a -> model.p.b -> model.p.a; model.p.m -> model.p.n -> model.p.m"},
		{"shortest through smallest", map[string][]string{
			"model.p.a": {"model.p.c", "model.p.b"}, "model.p.b": {"model.p.a"}, "model.p.c": {"model.p.d"}, "model.p.d": {"model.p.a"}},
			"dependency cycle: model.p.a -> model.p.b -> model.p.a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture()
			for id, deps := range tt.edges {
				f.m.Nodes[id] = &manifest.Node{UniqueID: id, ResourceType: "model", DependsOn: manifest.DependsOn{Nodes: deps}}
			}
			_, err := New(f.m)
			if err == nil {
				t.Fatal("no error for a cycle")
			}
			if !errors.Is(err, ErrCycle) {
				t.Errorf("error %v is not ErrCycle", err)
			}
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
		})
	}
}

func TestWithTestEdges(t *testing.T) {
	g := mustGraph(t, shopManifest())
	b := g.WithTestEdges()
	has := func(g *Graph, parent, child string) bool { return slices.Contains(g.Parents(child), parent) }
	tests := []struct {
		parent, child string
		want          bool
	}{
		{"test.shop.unique_stg_orders_id", "model.shop.int_orders", true},
		{"test.shop.not_null_fct_orders_id", "model.shop.rpt_daily", true},
		// exposures are not executed: they get no test edges.
		{"test.shop.assert_positive_total", "exposure.shop.weekly_dashboard", false},
		// customer_orders descends from both parents of the relationships test.
		{"test.shop.relationships_fct_orders_customer_id__dim_customers", "model.shop.customer_orders", true},
		// rpt_daily does not descend from dim_customers: no edge.
		{"test.shop.relationships_fct_orders_customer_id__dim_customers", "model.shop.rpt_daily", false},
		// tests never wait for tests.
		{"test.shop.unique_stg_orders_id", "test.shop.not_null_fct_orders_id", false},
	}
	for _, tt := range tests {
		if got := has(b, tt.parent, tt.child); got != tt.want {
			t.Errorf("edge %s -> %s: %v, want %v", tt.parent, tt.child, got, tt.want)
		}
		if has(g, tt.parent, tt.child) {
			t.Errorf("the base graph gained %s -> %s", tt.parent, tt.child)
		}
	}
	pos := map[string]int{}
	for i, id := range b.Order() {
		pos[id] = i
	}
	for _, id := range b.Order() {
		for _, p := range b.Parents(id) {
			if pos[p] >= pos[id] {
				t.Errorf("build order: %s before parent %s", id, p)
			}
		}
	}
	if !strings.HasPrefix(b.Order()[0], "seed.") {
		t.Errorf("build order starts with %s", b.Order()[0])
	}
}
