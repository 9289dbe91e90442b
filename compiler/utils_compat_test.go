package compiler

import (
	"context"
	"os"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// TestDbtUtilsProject builds a project that calls dbt-utils (installed under dbt_packages)
// when GDBT_UTILS_PROJECT points at one; it is skipped otherwise.
func TestDbtUtilsProject(t *testing.T) {
	dir := os.Getenv("GDBT_UTILS_PROJECT")
	if dir == "" {
		t.Skip("GDBT_UTILS_PROJECT not set")
	}
	ctx := context.Background()
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	createSchemas(t, a, p.Manifest)
	for _, n := range topo(p.Manifest) {
		r, err := p.Execute(ctx, a, n)
		if err != nil {
			t.Errorf("%s: %v", n.UniqueID, err)
			continue
		}
		if n.ResourceType == manifest.Test && (r.Failures != 0 || r.ShouldError) {
			t.Errorf("%s failed: %d", n.UniqueID, r.Failures)
		}
		t.Logf("%s:\n%s", n.UniqueID, r.CompiledCode)
	}
}
