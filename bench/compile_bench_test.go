package bench

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/gdbt-dev/gdbt/bench/projgen"
	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
)

// benchProject generates the layered project of GDBT_BENCH_MODELS models (default 1000)
// once per benchmark.
func benchProject(b *testing.B) string {
	n := 1000
	if s := os.Getenv("GDBT_BENCH_MODELS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("GDBT_BENCH_MODELS: %v", err)
		}
		n = v
	}
	dir := b.TempDir()
	if _, err := projgen.Generate(projgen.Options{Dir: dir, Models: n, Kind: projgen.Layered, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkLoad is `gdbt parse` in process (for CPU and memory profiles):
//
//	GDBT_BENCH_MODELS=10000 go test ./bench -run '^$' -bench Load -benchtime 3x -cpuprofile /tmp/load.pprof
func BenchmarkLoad(b *testing.B) {
	dir := benchProject(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Which: "parse"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadCompile is `gdbt compile` in process: load, then compile every model and
// test offline, one after the other.
func BenchmarkLoadCompile(b *testing.B) {
	dir := benchProject(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Which: "compile"})
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range p.Manifest.Nodes {
			if n.ResourceType != manifest.Model && n.ResourceType != manifest.Test {
				continue
			}
			if _, err := p.Compile(context.Background(), nil, n); err != nil {
				b.Fatal(err)
			}
		}
	}
}
