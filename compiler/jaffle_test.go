package compiler

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// TestJaffleShopDuckDB builds dbt-labs/jaffle_shop_duckdb unchanged (seeds, models, tests)
// when GDBT_JAFFLE_DIR points at a checkout; it is skipped otherwise.
func TestJaffleShopDuckDB(t *testing.T) {
	src := os.Getenv("GDBT_JAFFLE_DIR")
	if src == "" {
		t.Skip("GDBT_JAFFLE_DIR not set (a checkout of dbt-labs/jaffle_shop_duckdb)")
	}
	dir := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			if info.Name() == ".git" || info.Name() == "target" {
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
	ctx := context.Background()
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Which: "build"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	createSchemas(t, a, p)
	if d := p.Manifest.Nodes["model.jaffle_shop.orders"].Columns["status"].Description; !strings.Contains(d, "Orders can be one of") {
		t.Errorf("doc() in a column description not rendered: %q", d)
	}
	tests := 0
	for _, n := range topo(p.Manifest) {
		r, err := p.Execute(ctx, a, n)
		if err != nil {
			t.Fatalf("%s: %v", n.UniqueID, err)
		}
		if n.ResourceType == manifest.Test {
			tests++
			if r.Failures != 0 || r.ShouldError {
				t.Errorf("%s failed: %d failures", n.UniqueID, r.Failures)
			}
		}
	}
	if tests < 10 {
		t.Errorf("only %d tests ran", tests)
	}
	if got := queryInt(t, a, "select count(*) from customers"); got != 100 {
		t.Errorf("customers = %d, want 100", got)
	}
	t.Logf("%d nodes built, %d tests passed", len(p.Manifest.Nodes), tests)
}
