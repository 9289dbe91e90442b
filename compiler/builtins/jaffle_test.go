package builtins_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// TestJaffleShopDuckDB builds dbt-labs/jaffle_shop_duckdb (a public dbt project, path in
// GDBT_JAFFLE_SHOP_DUCKDB) with the built-in materializations: every seed, model and test
// must succeed, as `dbt build` does there. The project is copied so that its DuckDB file
// is created in a temporary folder.
func TestJaffleShopDuckDB(t *testing.T) {
	src := os.Getenv("GDBT_JAFFLE_SHOP_DUCKDB")
	if src == "" {
		t.Skip("set GDBT_JAFFLE_SHOP_DUCKDB to a checkout of dbt-labs/jaffle_shop_duckdb")
	}
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "target" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	p := loadOrSkip(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir})
	ctx := context.Background()
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, p.Dir)
	if err != nil {
		t.Fatalf("open adapter: %v", err)
	}
	defer a.Close()
	runs := buildAll(t, ctx, p, a)
	var names []string
	for name := range runs {
		names = append(names, name)
	}
	sort.Strings(names)
	tests := 0
	for _, name := range names {
		r := runs[name]
		if r.err != nil {
			t.Errorf("%s: %v", name, r.err)
			continue
		}
		if r.res.Failures != 0 || r.res.ShouldError {
			t.Errorf("%s: %d failures", name, r.res.Failures)
		}
	}
	for _, n := range p.Manifest.Nodes {
		if n.ResourceType == manifest.Test {
			tests++
		}
	}
	if tests == 0 || len(runs) < 10 {
		t.Errorf("only %d nodes (%d tests) ran", len(runs), tests)
	}
	expectRows(t, a, `select count(*) from customers`, "100")
	expectRows(t, a, `select count(*) from orders`, "99")
}
