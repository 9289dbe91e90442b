package duckdb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// The runner's overhead budget is 2 ms per model; these measure what the warehouse layer
// spends on a trivial model (run briefly: go test -run '^$' -bench . -benchtime 200x).

func BenchmarkExecuteSelect(b *testing.B) {
	a := openTempB(b)
	ctx := context.Background()
	for b.Loop() {
		if _, _, err := a.Execute(ctx, "select 1 as x", true); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReplaceView(b *testing.B) {
	benchReplace(b, "view")
}

func BenchmarkReplaceTable(b *testing.B) {
	benchReplace(b, "table")
}

func benchReplace(b *testing.B, typ string) {
	a := openTempB(b)
	ctx := context.Background()
	c := warehouse.NewCache(a)
	i := 0
	for b.Loop() {
		// Every other build replaces an existing relation, as reruns do.
		r := warehouse.Relation{Database: "bench", Schema: "main", Identifier: fmt.Sprintf("m%d", i/2), Type: typ}
		i++
		if _, err := c.Replace(ctx, r, "select 1 as x"); err != nil {
			b.Fatal(err)
		}
	}
}

func openTempB(b *testing.B) warehouse.Adapter {
	b.Helper()
	a, err := openPath(b.TempDir() + "/bench.duckdb")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a
}
