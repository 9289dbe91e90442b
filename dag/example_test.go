package dag_test

import (
	"context"
	"fmt"

	"github.com/gdbt-dev/gdbt/dag"
	"github.com/gdbt-dev/gdbt/manifest"
)

// The runner's sequence: build the graph, select, schedule on the build graph, and
// report skips with their root cause.
func Example() {
	node := func(name string, deps ...string) *manifest.Node {
		return &manifest.Node{UniqueID: "model.p." + name, ResourceType: "model", PackageName: "p",
			Name: name, FQN: []string{"p", name}, DependsOn: manifest.DependsOn{Nodes: deps}}
	}
	m := &manifest.Manifest{Nodes: map[string]*manifest.Node{
		"model.p.orders":    node("orders"),
		"model.p.customers": node("customers"),
		"model.p.joined":    node("joined", "model.p.orders", "model.p.customers"),
		"model.p.report":    node("report", "model.p.joined"),
	}}
	g, err := dag.New(m)
	if err != nil {
		fmt.Println(err) // a *dag.CycleError prints "dependency cycle: a -> b -> a"
		return
	}
	ids, err := dag.Select(g, dag.SelectOptions{Select: []string{"+report"}, Exclude: []string{"customers"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := dag.Run(context.Background(), g.WithTestEdges(), ids, dag.RunOptions{
		Threads: 1,
		OnStart: func(id string, seq int) { fmt.Printf("%d of %d START %s\n", seq, len(ids), id) },
	}, func(ctx context.Context, id string) dag.Status {
		if id == "model.p.joined" {
			return dag.Failed
		}
		return dag.Success
	})
	for _, o := range out {
		if o.Cause != "" {
			fmt.Println(o.ID, o.Status, "because of", o.Cause)
			continue
		}
		fmt.Println(o.ID, o.Status)
	}
	// Output:
	// 1 of 3 START model.p.orders
	// 2 of 3 START model.p.joined
	// model.p.orders success
	// model.p.joined failed
	// model.p.report skipped because of model.p.joined
}
