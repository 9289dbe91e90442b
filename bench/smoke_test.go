package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/bench/projgen"
	"github.com/gdbt-dev/gdbt/bench/replay"
	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/runner"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// TestSmokeProjgenDeterministic checks the generator writes the same bytes for the same
// options (so benchmark runs on different days compare) and different bytes for another seed.
func TestSmokeProjgenDeterministic(t *testing.T) {
	for _, kind := range []projgen.Kind{projgen.Layered, projgen.MacroHeavy} {
		a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
		for _, d := range []struct {
			dir  string
			seed int64
		}{{a, 1}, {b, 1}, {c, 2}} {
			if _, err := projgen.Generate(projgen.Options{Dir: d.dir, Models: 120, Kind: kind, Seed: d.seed}); err != nil {
				t.Fatal(err)
			}
		}
		ta, tb, tc := tree(t, a), tree(t, b), tree(t, c)
		if ta != tb {
			t.Errorf("%s: same options wrote different projects", kind)
		}
		if ta == tc {
			t.Errorf("%s: different seeds wrote the same project", kind)
		}
	}
}

// TestSmokeCompile is the compile benchmark at 50 models: the generated project loads with
// every model, source and test, and every model compiles to SQL with no Jinja left.
func TestSmokeCompile(t *testing.T) {
	dir := t.TempDir()
	st, err := projgen.Generate(projgen.Options{Dir: dir, Models: 50, Kind: projgen.Layered, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Which: "compile"})
	if err != nil {
		t.Fatal(err)
	}
	var models, tests int
	for _, n := range p.Manifest.Nodes {
		switch n.ResourceType {
		case manifest.Model:
			models++
		case manifest.Test:
			tests++
		}
	}
	if models != st.Models || tests != st.Tests || len(p.Manifest.Sources) != st.Sources {
		t.Fatalf("loaded %d models, %d tests, %d sources; generated %d, %d, %d", models, tests, len(p.Manifest.Sources), st.Models, st.Tests, st.Sources)
	}
	ids := make([]string, 0, len(p.Manifest.Nodes))
	for id := range p.Manifest.Nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := p.Manifest.Nodes[id]
		if n.ResourceType != manifest.Model {
			continue
		}
		sql, err := p.Compile(context.Background(), nil, n)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if strings.Contains(sql, "{{") || strings.Contains(sql, "{%") || !strings.Contains(strings.ToLower(sql), "select") {
			t.Fatalf("%s compiled to:\n%s", id, sql)
		}
	}
}

// TestSmokeRunnerAndReplay is the runner benchmark at 20 trivial models: gdbt's runner
// builds them all in DuckDB, and the replay of the same statements on one connection
// succeeds, so both halves of the overhead subtraction work.
func TestSmokeRunnerAndReplay(t *testing.T) {
	dir := t.TempDir()
	if _, err := projgen.Generate(projgen.Options{Dir: dir, Models: 20, Kind: projgen.Trivial, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Which: "run"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for id, n := range p.Manifest.Nodes {
		if n.ResourceType == manifest.Model {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	target := filepath.Join(dir, "target")
	if err := os.MkdirAll(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := compiler.WriteManifest(filepath.Join(target, "manifest.json"), p.Manifest, manifest.Metadata{}); err != nil {
		t.Fatal(err)
	}
	sum, err := runner.Run(ctx, p, a, runner.Options{Command: "run", IDs: ids, Threads: 4, TargetDir: target, InvocationID: "smoke", Console: runner.NewConsole(nopLogger{}, nil)})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code := sum.ExitCode(); code != 0 {
		t.Fatalf("gdbt run exit code %d", code)
	}
	stmts, err := replay.FromTarget(target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 20 {
		t.Fatalf("replay has %d statements, want 20", len(stmts))
	}
	ts, err := replay.Run(ctx, filepath.Join(t.TempDir(), "bench.duckdb"), replay.Schemas(stmts), stmts)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 20 {
		t.Fatalf("replay ran %d statements", len(ts))
	}
	if runtime.GOOS == "linux" {
		// The per-statement peak comes from /proc/self/status (VmHWM), reset per statement.
		for _, x := range ts {
			if x.PeakRSSKB <= 0 || x.CPUSeconds < 0 {
				t.Errorf("%s: peak RSS %d KB, CPU %.3f s: want a positive peak and a CPU time", x.UniqueID, x.PeakRSSKB, x.CPUSeconds)
			}
		}
	}
}

// TestSmokeReference runs the pandas + scikit-learn reference on a 200-user dataset when
// python3 has pandas and scikit-learn (skipped otherwise): it must fit and score better than
// chance. It takes tens of seconds on a loaded machine (Python imports, the generator's
// build), so -short skips it.
func TestSmokeReference(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the pandas reference smoke test takes tens of seconds")
	}
	py := ""
	for _, c := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(c, "-c", "import pandas, sklearn").Run() == nil {
			py = c
			break
		}
	}
	if py == "" {
		t.Skip("python3 with pandas and scikit-learn not available (apt-get install -y python3-pandas python3-sklearn)")
	}
	raw := t.TempDir()
	gen := exec.Command("go", "run", "./cmd/instacart-gen", "--out", raw, "--users", "200", "--seed", "1")
	gen.Dir = ".."
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("instacart-gen: %v\n%s", err, out)
	}
	out, err := exec.Command(py, "instacart/reference.py", raw, "--ext", "csv").Output()
	if err != nil {
		t.Fatalf("reference.py: %v", err)
	}
	var res struct {
		TrainRows int     `json:"train_rows"`
		ValidAUC  float64 `json:"valid_auc"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &res); err != nil {
		t.Fatalf("reference.py output %q: %v", out, err)
	}
	if res.TrainRows == 0 || res.ValidAUC <= 0.5 || res.ValidAUC > 1 {
		t.Fatalf("reference.py: %+v", res)
	}
}

// tree returns every file of dir with its contents, in path order.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		b.WriteString(rel + "\n" + string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// nopLogger drops the runner's console lines.
type nopLogger struct{}

func (nopLogger) Event(string, string, map[string]any) {}
