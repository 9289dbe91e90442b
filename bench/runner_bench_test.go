package bench

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/gdbt-dev/gdbt/bench/projgen"
	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/runner"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// BenchmarkRunTrivial is `gdbt run` of GDBT_BENCH_MODELS (default 200) trivial models in
// process, each iteration into a fresh DuckDB file, with GDBT_BENCH_THREADS workers
// (default 4). In a CPU profile, DuckDB's own work shows under runtime.cgocall; the rest is
// gdbt's per-node overhead:
//
//	GDBT_BENCH_MODELS=1000 go test ./bench -run '^$' -bench RunTrivial -benchtime 1x -cpuprofile /tmp/run.pprof
func BenchmarkRunTrivial(b *testing.B) {
	n, threads := envInt(b, "GDBT_BENCH_MODELS", 200), envInt(b, "GDBT_BENCH_THREADS", 4)
	dir := b.TempDir()
	if _, err := projgen.Generate(projgen.Options{Dir: dir, Models: n, Kind: projgen.Trivial, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		target := filepath.Join(dir, "target")
		if err := os.RemoveAll(target); err != nil {
			b.Fatal(err)
		}
		p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Which: "run"})
		if err != nil {
			b.Fatal(err)
		}
		if err := os.MkdirAll(target, 0o755); err != nil {
			b.Fatal(err)
		}
		a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, p.Dir)
		if err != nil {
			b.Fatal(err)
		}
		var ids []string
		for id, nd := range p.Manifest.Nodes {
			if nd.ResourceType == manifest.Model {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		sum, err := runner.Run(ctx, p, a, runner.Options{Command: "run", IDs: ids, Threads: threads, TargetDir: target, InvocationID: "bench", Console: runner.NewConsole(nopLogger{}, nil)})
		a.Close()
		if err != nil {
			b.Fatal(err)
		}
		if sum.ExitCode() != 0 {
			b.Fatalf("exit code %d", sum.ExitCode())
		}
	}
}

func envInt(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	return v
}
