package snowflake_test

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
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// repoRoot is the repository root, which is also the Instacart project.
const repoRoot = "../.."

// TestInstacartOnSnowflake loads the Instacart raw files with the project's
// load_instacart_raw run-operation (PUT to a stage, COPY INTO) on the fake Snowflake, builds
// the whole project there (every model, the logistic_regression materialization, the
// evaluation, the marts and every data test), builds it again on DuckDB from the same files,
// and checks that both builds hold the same data: the row count of every model and seed, and
// the held-out AUC and log loss of eval_metrics. The fake runs the SQL on DuckDB too, so the
// metrics must agree to rounding; it refuses functions Snowflake does not have.
func TestInstacartOnSnowflake(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Instacart project twice (about 10 s); skipped under -short")
	}
	srv := startFake(t)
	// Every statement must call Snowflake's functions only, not DuckDB's.
	srv.CheckFunctions.Store(true)
	instacartVsDuckDB(t, srv.Fields("analytics"), 1e-9)
}

// TestInstacartRealAccount is the same check on a real account when GDBT_SNOWFLAKE_ACCOUNT,
// _USER, _PASSWORD and _DATABASE are set (optionally _ROLE, _WAREHOUSE). It builds into a
// fresh schema, dropped at the end, and replaces the raw tables of schema instacart_raw.
// Snowflake's NUMBER division keeps fewer digits than DuckDB's doubles, so the metrics only
// have to agree to 0.005.
func TestInstacartRealAccount(t *testing.T) {
	f := map[string]any{"threads": 8}
	for k, env := range map[string]string{"account": "GDBT_SNOWFLAKE_ACCOUNT", "user": "GDBT_SNOWFLAKE_USER",
		"password": "GDBT_SNOWFLAKE_PASSWORD", "database": "GDBT_SNOWFLAKE_DATABASE", "role": "GDBT_SNOWFLAKE_ROLE",
		"warehouse": "GDBT_SNOWFLAKE_WAREHOUSE"} {
		if v := os.Getenv(env); v != "" {
			f[k] = v
		}
	}
	if f["account"] == nil || f["user"] == nil || f["password"] == nil || f["database"] == nil {
		t.Skip("no Snowflake account: set GDBT_SNOWFLAKE_ACCOUNT, _USER, _PASSWORD and _DATABASE")
	}
	f["schema"] = fmt.Sprintf("gdbt_instacart_%d", time.Now().UnixNano()%1e9)
	a := openFields(t, f)
	t.Cleanup(func() {
		for _, s := range []string{f["schema"].(string), f["schema"].(string) + "_dbt_test__audit"} {
			a.Execute(context.Background(), fmt.Sprintf(`drop schema if exists %s.%s cascade`, f["database"], s), false)
		}
	})
	instacartVsDuckDB(t, f, 0.005)
}

// instacartVsDuckDB loads and builds the Instacart project on the Snowflake target of
// profile fields sf and on DuckDB, from a generated dataset of 300 users, and compares them;
// tol bounds the difference of AUC and log loss.
func instacartVsDuckDB(t *testing.T, sfFields map[string]any, tol float64) {
	start := time.Now()
	raw := t.TempDir()
	gen := exec.Command("go", "run", "./cmd/instacart-gen", "--users", "300", "--seed", "1", "--out", raw)
	gen.Dir = repoRoot
	if b, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generate data: %v\n%s", err, b)
	}
	dir := copyInstacart(t, sfFields, filepath.Join(t.TempDir(), "duck.duckdb"))
	vars := fmt.Sprintf("{instacart_raw_dir: %q, instacart_raw_ext: csv}", raw)
	ctx := context.Background()
	// Names unquoted, as dbt-snowflake's default quoting builds them: Snowflake folds them
	// to upper case, and so does this SQL.
	db := fmt.Sprintf("%s.", sfFields["database"])
	schema := fmt.Sprintf("%s.", sfFields["schema"])

	// Load through the run-operation, as `gdbt run-operation load_instacart_raw -t sf` does.
	p, sf := openTarget(t, dir, "sf", vars)
	if _, err := p.RunOperation(ctx, sf, "load_instacart_raw", map[string]any{"dir": raw, "ext": "csv"}); err != nil {
		t.Fatalf("run-operation load_instacart_raw: %v", err)
	}
	for name, want := range map[string]int64{"orders": csvLines(t, raw, "orders"), "order_products__prior": csvLines(t, raw, "order_products__prior"),
		"products": csvLines(t, raw, "products")} {
		if got := count(t, sf, db+`instacart_raw.`+name); got != want {
			t.Errorf("instacart_raw.%s has %d rows, the file %d", name, got, want)
		}
	}
	loaded := time.Since(start)

	sfRes := buildTarget(t, dir, "sf", vars)
	built := time.Since(start)
	duckRes := buildTarget(t, dir, "duck", vars)
	_, duck := openTarget(t, dir, "duck", vars)
	t.Logf("generate+load %.1fs, snowflake build %.1fs, duckdb build %.1fs", loaded.Seconds(), (built - loaded).Seconds(), time.Since(start).Seconds()-built.Seconds())

	// Every node passes on both, and they ran the same nodes.
	for _, res := range []map[string]string{sfRes, duckRes} {
		for name, st := range res {
			if !strings.HasPrefix(st, "success") && !strings.HasPrefix(st, "pass") {
				t.Errorf("%s: %s", name, st)
			}
		}
	}
	if len(sfRes) != len(duckRes) || len(sfRes) < 90 {
		t.Errorf("snowflake build ran %d nodes, duckdb %d", len(sfRes), len(duckRes))
	}

	// The same rows in every model and seed table.
	var models []*manifest.Node
	for _, n := range p.Manifest.Nodes {
		if n.ResourceType == manifest.Model || n.ResourceType == manifest.Seed {
			models = append(models, n)
		}
	}
	sort.Slice(models, func(i, j int) bool { return models[i].Name < models[j].Name })
	// The catalog knows them by their folded names, as any consumer's unquoted SQL does.
	listed, err := sf.ListRelations(ctx, fmt.Sprint(sfFields["database"]), fmt.Sprint(sfFields["schema"]))
	if err != nil {
		t.Fatal(err)
	}
	inCatalog := map[string]bool{}
	for _, r := range listed {
		inCatalog[r.Identifier] = true
	}
	for _, n := range models {
		if !inCatalog[strings.ToUpper(n.Name)] {
			t.Errorf("%s: not in the catalog as %s (listed: %d relations)", n.Name, strings.ToUpper(n.Name), len(listed))
		}
		rel := n.Name
		got, want := count(t, sf, db+schema+rel), count(t, duck, rel)
		if got != want || got == 0 {
			t.Errorf("%s: %d rows on snowflake, %d on duckdb", n.Name, got, want)
		}
	}

	// The same values where loading could go wrong (empty fields as NULL, quoted names with
	// commas) and in the predictions.
	for _, c := range []struct{ table, exprs string }{
		{"stg_orders", "count(days_since_prior_order), sum(days_since_prior_order)"},
		{"stg_products", "count(distinct product_name), sum(length(product_name))"},
		{"instacart_predictions_output", "count(distinct user_id), sum(reorder_probability)"},
	} {
		_, st, err := sf.Execute(ctx, "select "+c.exprs+" from "+db+schema+c.table, true)
		if err != nil {
			t.Fatal(err)
		}
		_, dt, err := duck.Execute(ctx, "select "+c.exprs+" from "+c.table, true)
		if err != nil {
			t.Fatal(err)
		}
		for i := range st.Rows[0] {
			if g, w := toFloat(t, st.Rows[0][i]), toFloat(t, dt.Rows[0][i]); math.Abs(g-w) > tol*(1+math.Abs(w)) {
				t.Errorf("%s: %s = %v on snowflake, %v on duckdb", c.table, c.exprs, st.Rows[0], dt.Rows[0])
			}
		}
	}

	// The model trained on Snowflake scores the held-out users as DuckDB's does.
	metrics := func(a warehouse.Adapter, rel string) []float64 {
		_, tab, err := a.Execute(ctx, "select auc, log_loss, n_rows from "+rel, true)
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		for _, v := range tab.Rows[0] {
			out = append(out, toFloat(t, v))
		}
		return out
	}
	s, d := metrics(sf, db+schema+"eval_metrics"), metrics(duck, "eval_metrics")
	t.Logf("eval_metrics: snowflake AUC %.6f log loss %.6f; duckdb AUC %.6f log loss %.6f (%v held-out rows)", s[0], s[1], d[0], d[1], s[2])
	if s[2] != d[2] {
		t.Errorf("held-out rows: %v on snowflake, %v on duckdb", s[2], d[2])
	}
	if math.Abs(s[0]-d[0]) > tol || math.Abs(s[1]-d[1]) > tol {
		t.Errorf("eval_metrics differ: snowflake AUC %.9f log loss %.9f, duckdb AUC %.9f log loss %.9f", s[0], s[1], d[0], d[1])
	}
	if s[0] <= 0.65 {
		t.Errorf("snowflake AUC %.4f, want > 0.65", s[0])
	}
}

// copyInstacart copies the repository's project into a temporary folder with a profile of
// two targets: sf (the fake server) and duck (an embedded DuckDB file at duckPath).
func copyInstacart(t *testing.T, sf map[string]any, duckPath string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"models", "macros", "seeds", "tests"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(repoRoot, d))); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(repoRoot, "project.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "project.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	var fields []string
	for k, v := range sf {
		fields = append(fields, fmt.Sprintf("      %s: %v", k, v))
	}
	sort.Strings(fields)
	profile := "instacart:\n  target: sf\n  outputs:\n    sf:\n      type: snowflake\n" + strings.Join(fields, "\n") +
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
	b := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Target: target, Vars: vars}, 4, "target-"+target)
	if b.Summary.Error > 0 || b.Summary.Skip > 0 {
		t.Errorf("%s build: %d errors, %d skipped\n%s", target, b.Summary.Error, b.Summary.Skip, b.ConsoleText())
	}
	return b.Status
}

func count(t *testing.T, a warehouse.Adapter, rel string) int64 {
	t.Helper()
	_, tab, err := a.Execute(context.Background(), "select count(*) from "+rel, true)
	if err != nil {
		t.Fatal(err)
	}
	return int64(toFloat(t, tab.Rows[0][0]))
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
