package compiler

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

// updateGolden rewrites the golden files under testdata/compile (go test -update). The
// lookup guards against another test file of this package registering -update too.
var updateGolden = func() *bool {
	if f := flag.Lookup("update"); f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			if b, ok := g.Get().(bool); ok {
				v := b
				return &v
			}
		}
	}
	return flag.Bool("update", false, "rewrite golden files under testdata/")
}()

// loadCase loads testdata/compile/<name> with no profile (the zero-config DuckDB target).
func loadCase(t *testing.T, name string, opts Options) *Project {
	t.Helper()
	dir := filepath.Join("testdata", "compile", name)
	opts.ProjectDir = dir
	if opts.ProfilesDir == "" {
		opts.ProfilesDir = dir
	}
	p, err := Load(opts)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return p
}

// inlineCase is a snippet compiled in a project's context and what it must give: the
// output, or for expectErrors a substring of the error.
type inlineCase struct{ src, want string }

// expectInline compiles each snippet with CompileInline and compares its output.
func expectInline(t *testing.T, p *Project, cases []inlineCase) {
	t.Helper()
	for _, c := range cases {
		got, err := p.CompileInline(context.Background(), nil, c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s\n got %q\nwant %q", c.src, got, c.want)
		}
	}
}

// expectInlineErrors compiles each snippet and wants an error containing c.want.
func expectInlineErrors(t *testing.T, p *Project, cases []inlineCase) {
	t.Helper()
	for _, c := range cases {
		if _, err := p.CompileInline(context.Background(), nil, c.src); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.src, err, c.want)
		}
	}
}

// describe renders the manifest's nodes and their compiled SQL as stable text.
func describe(t *testing.T, p *Project) string {
	t.Helper()
	var ids []string
	for id := range p.Manifest.Nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	for _, id := range ids {
		n := p.Manifest.Nodes[id]
		sql, err := p.Compile(context.Background(), nil, n)
		if err != nil {
			t.Fatalf("compile %s: %v", id, err)
		}
		fmt.Fprintf(&b, "== %s\n", id)
		fmt.Fprintf(&b, "fqn: %s\nrelation: %s.%s.%s (%s)\nmaterialized: %s\ntags: %v\n", strings.Join(n.FQN, "."), n.Database, n.Schema, n.Alias, n.RelationName, materializationOf(n), n.Tags)
		fmt.Fprintf(&b, "depends_on.nodes: %v\ndepends_on.macros: %v\n", n.DependsOn.Nodes, n.DependsOn.Macros)
		if n.TestMetadata != nil {
			fmt.Fprintf(&b, "test: %s attached=%s column=%s\n", n.TestMetadata.Name, n.AttachedNode, n.ColumnName)
		}
		fmt.Fprintf(&b, "-- compiled:\n%s\n", strings.TrimSpace(sql))
	}
	var sids []string
	for id := range p.Manifest.Sources {
		sids = append(sids, id)
	}
	sort.Strings(sids)
	for _, id := range sids {
		fmt.Fprintf(&b, "== %s\nrelation: %s\n", id, p.Manifest.Sources[id].RelationName)
	}
	fmt.Fprintf(&b, "== child_map\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "%s -> %v\n", id, p.Manifest.ChildMap[id])
	}
	return b.String()
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output (go test -update rewrites it):\n%s", path, got)
	}
}

func TestCompileGolden(t *testing.T) {
	for _, name := range []string{"basic", "features"} {
		t.Run(name, func(t *testing.T) {
			p := loadCase(t, name, Options{})
			golden(t, filepath.Join("testdata", "compile", name+".golden"), describe(t, p))
		})
	}
}

func TestCompileBasicFacts(t *testing.T) {
	p := loadCase(t, "basic", Options{})
	m := p.Manifest
	orders := m.Nodes["model.shop.orders"]
	if orders == nil {
		t.Fatal("model.shop.orders missing")
	}
	if got := orders.Schema; got != "main_marts" {
		t.Errorf("orders schema = %q, want main_marts (generate_schema_name)", got)
	}
	if got := orders.Materialized(); got != "table" {
		t.Errorf("orders materialized = %q, want table (from dbt_project.yml)", got)
	}
	want := []string{"model.shop.stg_customers", "model.shop.stg_orders"}
	if fmt.Sprint(orders.DependsOn.Nodes) != fmt.Sprint(want) {
		t.Errorf("orders depends_on = %v, want %v", orders.DependsOn.Nodes, want)
	}
	sql, err := p.Compile(context.Background(), nil, orders)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sql, "\nwith __dbt__cte__stg_orders as (\n") || !strings.Contains(sql, "\n), big as (") {
		t.Errorf("ephemeral CTE not merged into the leading WITH:\n%s", sql)
	}
	if strings.Count(strings.ToLower(sql), "with ") != 1 {
		t.Errorf("expected exactly one WITH after merging:\n%s", sql)
	}
	names := map[string]bool{}
	for _, n := range m.Nodes {
		if n.ResourceType == manifest.Test {
			names[n.Name] = true
		}
	}
	for _, w := range []string{"not_null_orders_order_id", "unique_orders_order_id",
		"accepted_values_orders_status__placed__shipped__returned", "relationships_orders_0389c224a99a98c0b58aedb753f052f0", "assert_positive"} {
		if !names[w] {
			t.Errorf("missing test %s (have %v)", w, names)
		}
	}
}
