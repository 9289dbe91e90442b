package warehousetest

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// Instacart describes the warehouse side of InstacartVsDuckDB.
type Instacart struct {
	// Repo is the repository root, which is also the Instacart project.
	Repo string
	// Type and Fields are the warehouse target: its adapter and profile fields.
	Type   string
	Fields map[string]any
	// Tol bounds the difference of AUC, log loss and the compared sums.
	Tol float64
	// Name is how SQL on the warehouse names a table of a schema ("instacart_raw",
	// "<target schema>"), e.g. db.schema.table unquoted on Snowflake.
	Name func(schema, table string) string
	// CatalogName, when set, is the identifier ListRelations must report for a model
	// (upper case where the engine folds unquoted names).
	CatalogName func(model string) string
	// RawDir prepares the generated data folder for the warehouse (e.g. makes it readable
	// by a server process); optional.
	RawDir func(t *testing.T, dir string)
}

// InstacartVsDuckDB generates a 300-user dataset, loads it with the project's
// load_instacart_raw run-operation on the warehouse, builds the whole project there (every
// model, the logistic_regression materialization, the evaluation, the marts and every data
// test), builds it again on DuckDB from the same files, and checks that both builds hold the
// same data: every model and seed's row count, loaded values where loading could go wrong,
// the predictions, and eval_metrics' AUC and log loss.
func InstacartVsDuckDB(t *testing.T, w Instacart) {
	start := time.Now()
	raw := t.TempDir()
	if w.RawDir != nil {
		w.RawDir(t, raw)
	}
	gen := exec.Command("go", "run", "./cmd/instacart-gen", "--users", "300", "--seed", "1", "--out", raw)
	gen.Dir = w.Repo
	if b, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generate data: %v\n%s", err, b)
	}
	dir := copyInstacart(t, w, filepath.Join(t.TempDir(), "duck.duckdb"))
	vars := fmt.Sprintf("{instacart_raw_dir: %q, instacart_raw_ext: csv}", raw)
	ctx := context.Background()
	schema := fmt.Sprint(w.Fields["schema"])

	// Load through the run-operation, as `gdbt run-operation load_instacart_raw -t wh` does.
	p, wh := openTarget(t, dir, "wh", vars)
	if _, err := p.RunOperation(ctx, wh, "load_instacart_raw", map[string]any{"dir": raw, "ext": "csv"}); err != nil {
		t.Fatalf("run-operation load_instacart_raw: %v", err)
	}
	for _, name := range []string{"orders", "order_products__prior", "products"} {
		if got, want := count(t, wh, w.Name("instacart_raw", name)), csvLines(t, raw, name); got != want {
			t.Errorf("instacart_raw.%s has %d rows, the file %d", name, got, want)
		}
	}
	loaded := time.Since(start)

	whRes := buildTarget(t, dir, "wh", vars)
	built := time.Since(start)
	duckRes := buildTarget(t, dir, "duck", vars)
	_, duck := openTarget(t, dir, "duck", vars)
	t.Logf("generate+load %.1fs, %s build %.1fs, duckdb build %.1fs", loaded.Seconds(), w.Type, (built - loaded).Seconds(), time.Since(start).Seconds()-built.Seconds())

	// Every node passes on both, and they ran the same nodes.
	for _, res := range []map[string]string{whRes, duckRes} {
		for name, st := range res {
			if !strings.HasPrefix(st, "success") && !strings.HasPrefix(st, "pass") {
				t.Errorf("%s: %s", name, st)
			}
		}
	}
	if len(whRes) != len(duckRes) || len(whRes) < 90 {
		t.Errorf("%s build ran %d nodes, duckdb %d", w.Type, len(whRes), len(duckRes))
	}

	// The same rows in every model and seed table.
	var models []*manifest.Node
	for _, n := range p.Manifest.Nodes {
		if n.ResourceType == manifest.Model || n.ResourceType == manifest.Seed {
			models = append(models, n)
		}
	}
	sort.Slice(models, func(i, j int) bool { return models[i].Name < models[j].Name })
	inCatalog := map[string]bool{}
	if w.CatalogName != nil {
		listed, err := wh.ListRelations(ctx, p.Target.Database, schema)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range listed {
			inCatalog[r.Identifier] = true
		}
	}
	for _, n := range models {
		if w.CatalogName != nil && !inCatalog[w.CatalogName(n.Name)] {
			t.Errorf("%s: not in the catalog as %s", n.Name, w.CatalogName(n.Name))
		}
		got, want := count(t, wh, w.Name(schema, n.Name)), count(t, duck, n.Name)
		if got != want || got == 0 {
			t.Errorf("%s: %d rows on %s, %d on duckdb", n.Name, got, w.Type, want)
		}
	}

	// The same values where loading could go wrong (empty fields as NULL, quoted names with
	// commas) and in the predictions.
	for _, c := range []struct{ table, exprs string }{
		{"stg_orders", "count(days_since_prior_order), sum(days_since_prior_order)"},
		{"stg_products", "count(distinct product_name), sum(length(product_name))"},
		{"instacart_predictions_output", "count(distinct user_id), sum(reorder_probability)"},
	} {
		g, d := row(t, wh, "select "+c.exprs+" from "+w.Name(schema, c.table)), row(t, duck, "select "+c.exprs+" from "+c.table)
		for i := range g {
			if math.Abs(g[i]-d[i]) > w.Tol*(1+math.Abs(d[i])) {
				t.Errorf("%s: %s = %v on %s, %v on duckdb", c.table, c.exprs, g, w.Type, d)
			}
		}
	}

	// The model trained on the warehouse scores the held-out users as DuckDB's does.
	const metrics = "select auc, log_loss, n_rows from "
	s, d := row(t, wh, metrics+w.Name(schema, "eval_metrics")), row(t, duck, metrics+"eval_metrics")
	t.Logf("eval_metrics: %s AUC %.6f log loss %.6f; duckdb AUC %.6f log loss %.6f (%v held-out rows)", w.Type, s[0], s[1], d[0], d[1], s[2])
	if s[2] != d[2] {
		t.Errorf("held-out rows: %v on %s, %v on duckdb", s[2], w.Type, d[2])
	}
	if math.Abs(s[0]-d[0]) > w.Tol || math.Abs(s[1]-d[1]) > w.Tol {
		t.Errorf("eval_metrics differ: %s AUC %.9f log loss %.9f, duckdb AUC %.9f log loss %.9f", w.Type, s[0], s[1], d[0], d[1])
	}
	if s[0] <= 0.65 {
		t.Errorf("%s AUC %.4f, want > 0.65", w.Type, s[0])
	}
}

// copyInstacart copies the project into a temporary folder with a profile of two targets:
// wh (the warehouse under test) and duck (an embedded DuckDB file at duckPath).
func copyInstacart(t *testing.T, w Instacart, duckPath string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"models", "macros", "seeds", "tests"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(w.Repo, d))); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(w.Repo, "project.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "project.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	var fields []string
	for k, v := range w.Fields {
		fields = append(fields, fmt.Sprintf("      %s: %v", k, v))
	}
	sort.Strings(fields)
	profile := "instacart:\n  target: wh\n  outputs:\n    wh:\n      type: " + w.Type + "\n" + strings.Join(fields, "\n") +
		"\n    duck:\n      type: duckdb\n      path: " + duckPath + "\n      threads: 4\n"
	if err := os.WriteFile(filepath.Join(dir, "profiles.yml"), []byte(profile), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// openTarget loads the project for a target and opens its adapter, closed at the end.
func openTarget(t *testing.T, dir, target, vars string) (*compiler.Project, warehouse.Adapter) {
	t.Helper()
	p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Target: target, Vars: vars, Which: "build"})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	a, err := adapters.Open(context.Background(), p.Target.Type, p.Target.Fields, p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return p, a
}

// buildTarget runs `gdbt build -t target` and returns each node's status by name.
func buildTarget(t *testing.T, dir, target, vars string) map[string]string {
	t.Helper()
	b := BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Target: target, Vars: vars}, 4, "target-"+target)
	if b.Summary.Error > 0 || b.Summary.Skip > 0 {
		t.Errorf("%s build: %d errors, %d skipped\n%s", target, b.Summary.Error, b.Summary.Skip, b.ConsoleText())
	}
	return b.Status
}

func count(t *testing.T, a warehouse.Adapter, rel string) int64 {
	t.Helper()
	return int64(row(t, a, "select count(*) from "+rel)[0])
}

// row runs a one-row query and returns its values as numbers.
func row(t *testing.T, a warehouse.Adapter, sql string) []float64 {
	t.Helper()
	_, tab, err := a.Execute(context.Background(), sql, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 1 {
		t.Fatalf("%s: %d rows, want 1", sql, len(tab.Rows))
	}
	out := make([]float64, len(tab.Rows[0]))
	for i, v := range tab.Rows[0] {
		out[i] = toFloat(t, v)
	}
	return out
}

func toFloat(t *testing.T, v any) float64 {
	t.Helper()
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case float64:
		return x
	case float32:
		return float64(x)
	}
	var f float64
	if _, err := fmt.Sscan(fmt.Sprint(v), &f); err == nil {
		return f // numeric types some drivers return as text or big numbers
	}
	t.Fatalf("not a number: %#v", v)
	return 0
}

// csvLines counts the data lines (after the header) of raw/name.csv.
func csvLines(t *testing.T, raw, name string) int64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(raw, name+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	return int64(strings.Count(string(b), "\n") - 1)
}
