package compiler

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/manifest"
)

// cpuTime is the process's user+system CPU time, a measure that a busy machine inflates
// less than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writeScaleProject writes a layered project of n models: every model refs up to two models
// of the previous layer, a third use a Jinja loop and a macro (so they are rendered, not
// statically extracted), every model has a config() call.
func writeScaleProject(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "models"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "macros"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "dbt_project.yml"), []byte("name: scale\nprofile: scale\nmodels:\n  scale:\n    +materialized: view\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "macros", "m.sql"), []byte("{% macro double(x) %}({{ x }} * 2){% endmacro %}\n"), 0o644))
	const width = 100
	for i := 0; i < n; i++ {
		layer := i / width
		var body string
		switch {
		case layer == 0:
			body = "{{ config(materialized='table') }}\nselect " + fmt.Sprint(i) + " as id, 'x' as v\n"
		case i%3 == 0:
			a, b := (layer-1)*width+i%width, (layer-1)*width+(i+1)%width
			body = fmt.Sprintf("{{ config(materialized='view', tags=['t%d']) }}\nselect\n{%%- for c in ['id', 'v'] %%}\n  a.{{ c }}{{ ',' if not loop.last }}\n{%%- endfor %%}, {{ double('a.id') }} as d\nfrom {{ ref('m%d') }} a join {{ ref('m%d') }} b using (id)\n", layer, a, b)
		default:
			a := (layer-1)*width + i%width
			body = fmt.Sprintf("{{ config(materialized='view') }}\nselect id, v from {{ ref('m%d') }}\nwhere id > 0\n", a)
		}
		must(os.WriteFile(filepath.Join(dir, "models", fmt.Sprintf("m%d.sql", i)), []byte(body), 0o644))
	}
	return dir
}

// TestScaleParseCompile loads and compiles a generated project and reports the time; with
// GDBT_SCALE=10000 it checks dbt's published target (10,000 models in under a second).
func TestScaleParseCompile(t *testing.T) {
	n := 1000
	if s := os.Getenv("GDBT_SCALE"); s != "" {
		fmt.Sscan(s, &n)
	}
	dir := writeScaleProject(t, n)
	cpu0 := cpuTime()
	start := time.Now()
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	parsed := time.Since(start)
	if got := len(p.Manifest.Nodes); got != n {
		t.Fatalf("nodes = %d, want %d", got, n)
	}
	ids := make([]string, 0, n)
	for id := range p.Manifest.Nodes {
		ids = append(ids, id)
	}
	errs := make([]error, len(ids))
	parallel(len(ids), func(i int) {
		_, errs[i] = p.Compile(context.Background(), nil, p.Manifest.Nodes[ids[i]])
	})
	for _, e := range errs {
		if e != nil {
			t.Fatal(e)
		}
	}
	total := time.Since(start)
	cpu := cpuTime() - cpu0
	t.Logf("%d models: parse %v, parse+compile %v wall, %v CPU (GOMAXPROCS %d)", n, parsed, total, cpu, runtime.GOMAXPROCS(0))
	if n >= 10000 && total > time.Second {
		t.Errorf("parse+compile of %d models took %v, target < 1s", n, total)
	}
	if deps := p.Manifest.Nodes["model.scale.m151"].DependsOn.Nodes; len(deps) != 1 || deps[0] != "model.scale.m51" {
		t.Errorf("m151 depends_on = %v", deps)
	}
}

// BenchmarkLoadCompileDir loads and compiles (in parallel, as gdbt compile does) the project
// in GDBT_BENCH_DIR, e.g. one written by `go run ./bench/cmd/projgen -models 10000`:
//
//	GDBT_BENCH_DIR=/tmp/p10k go test ./compiler -run '^$' -bench LoadCompileDir -benchtime 3x -cpuprofile /tmp/c.pprof
func BenchmarkLoadCompileDir(b *testing.B) {
	dir := os.Getenv("GDBT_BENCH_DIR")
	if dir == "" {
		b.Skip("GDBT_BENCH_DIR not set")
	}
	var loadCPU, compileCPU time.Duration
	for i := 0; i < b.N; i++ {
		c0 := cpuTime()
		p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Which: "compile"})
		if err != nil {
			b.Fatal(err)
		}
		c1 := cpuTime()
		nodes := make([]*manifest.Node, 0, len(p.Manifest.Nodes))
		for _, n := range p.Manifest.Nodes {
			nodes = append(nodes, n)
		}
		errs := make([]error, len(nodes))
		parallel(len(nodes), func(i int) {
			_, errs[i] = p.Compile(context.Background(), nil, nodes[i])
		})
		for _, e := range errs {
			if e != nil {
				b.Fatal(e)
			}
		}
		loadCPU += c1 - c0
		compileCPU += cpuTime() - c1
	}
	b.ReportMetric(float64(loadCPU.Milliseconds())/float64(b.N), "load-cpu-ms/op")
	b.ReportMetric(float64(compileCPU.Milliseconds())/float64(b.N), "compile-cpu-ms/op")
}

// BenchmarkWriteManifestDir encodes the manifest of the project in GDBT_BENCH_DIR.
func BenchmarkWriteManifestDir(b *testing.B) {
	dir := os.Getenv("GDBT_BENCH_DIR")
	if dir == "" {
		b.Skip("GDBT_BENCH_DIR not set")
	}
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Which: "parse"})
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "manifest.json")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WriteManifest(out, p.Manifest, p.Manifest.Metadata); err != nil {
			b.Fatal(err)
		}
	}
}
