package dag

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

// bigManifest builds n resources: 2% sources, 78% models in 100 folders (each depending
// on up to three earlier models or sources), 20% tests on random models.
func bigManifest(n int) *manifest.Manifest {
	rng := rand.New(rand.NewPCG(1, 2))
	m := &manifest.Manifest{Nodes: map[string]*manifest.Node{}, Sources: map[string]*manifest.Source{},
		Metadata: manifest.Metadata{ProjectName: "big"}}
	var ups, models []string
	for i := range n / 50 {
		id := fmt.Sprintf("source.big.src%d.t%d", i%10, i)
		m.Sources[id] = &manifest.Source{UniqueID: id, ResourceType: "source", PackageName: "big",
			SourceName: fmt.Sprintf("src%d", i%10), Name: fmt.Sprintf("t%d", i),
			FQN: []string{"big", "src", fmt.Sprintf("t%d", i)}, OriginalFilePath: "models/sources.yml"}
		ups = append(ups, id)
	}
	for i := range n * 78 / 100 {
		name := fmt.Sprintf("m%d", i)
		dir := fmt.Sprintf("d%d", i%100)
		var deps []string
		for range 1 + rng.IntN(3) {
			deps = append(deps, ups[rng.IntN(len(ups))])
		}
		id := "model.big." + name
		m.Nodes[id] = &manifest.Node{UniqueID: id, ResourceType: "model", PackageName: "big", Name: name,
			FQN: []string{"big", dir, name}, OriginalFilePath: "models/" + dir + "/" + name + ".sql",
			Tags: []string{fmt.Sprintf("t%d", i%7)}, Config: map[string]any{"materialized": "table"},
			DependsOn: manifest.DependsOn{Nodes: deps}}
		ups = append(ups, id)
		models = append(models, id)
	}
	for i := range n / 5 {
		p := models[rng.IntN(len(models))]
		id := fmt.Sprintf("test.big.not_null_%d", i)
		m.Nodes[id] = &manifest.Node{UniqueID: id, ResourceType: "test", PackageName: "big",
			Name: id[9:], FQN: []string{"big", id[9:]}, OriginalFilePath: "models/schema.yml",
			TestMetadata: &manifest.TestMetadata{Name: "not_null"}, AttachedNode: p,
			DependsOn: manifest.DependsOn{Nodes: []string{p}}}
	}
	return m
}

func BenchmarkNew50k(b *testing.B) {
	m := bigManifest(50000)
	for b.Loop() {
		if _, err := New(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSelect50k(b *testing.B) {
	g := mustGraph(b, bigManifest(50000))
	for _, sel := range [][]string{{"tag:t3,d7.*"}, {"+m40000+"}, {"path:models/d1"}, {"@m39000"}, nil} {
		b.Run(fmt.Sprint(sel), func(b *testing.B) {
			for b.Loop() {
				if _, err := Select(g, SelectOptions{Select: sel, Exclude: []string{"tag:t1"}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSchedule(b *testing.B) {
	g := mustGraph(b, bigManifest(50000))
	ids := g.IDs()
	for b.Loop() {
		if _, err := Run(context.Background(), g, ids, RunOptions{Threads: 8}, func(context.Context, string) Status { return Success }); err != nil {
			b.Fatal(err)
		}
	}
}

// The selection benchmark's graph is a valid DAG whose order respects every edge; this
// keeps the generator honest.
func TestBigManifestShape(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 5,000 nodes")
	}
	g := mustGraph(t, bigManifest(5000))
	pos := map[string]int{}
	for i, id := range g.Order() {
		pos[id] = i
	}
	for _, id := range g.Order() {
		for _, p := range g.Parents(id) {
			if pos[p] >= pos[id] {
				t.Fatalf("%s before parent %s", id, p)
			}
		}
	}
	ids, err := Select(g, SelectOptions{Select: []string{"m10+"}, Indirect: IndirectCautious})
	if err != nil || len(ids) == 0 {
		t.Fatalf("select: %v %v", len(ids), err)
	}
}
