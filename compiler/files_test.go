package compiler

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadPackagesAndDiscoverFiles(t *testing.T) {
	dir := extractTxtar(t, "files.txtar")
	root, err := LoadProjectConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := LoadPackages(root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pkgs {
		names = append(names, fmt.Sprintf("%s root=%v rel=%q", p.Name, p.Root, p.RelDir))
	}
	wantPkgs := []string{`shop root=true rel=""`, `dbt_utils root=false rel="dbt_packages/utils"`}
	if !reflect.DeepEqual(names, wantPkgs) {
		t.Errorf("packages = %q, want %q", names, wantPkgs)
	}
	if len(root.Warnings) != 1 || !strings.Contains(root.Warnings[0], "dbt_packages/aaa_not_a_project: skipped") {
		t.Errorf("warnings = %q", root.Warnings)
	}
	var warns []string
	files, err := DiscoverFilesWarn(pkgs, func(s string) { warns = append(warns, s) })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Package.Name+" "+f.ResourceType+" "+f.DisplayPath())
	}
	want := []string{
		"shop analysis analyses/adhoc.sql",
		"shop docs docs/overview.md",
		"shop macro macros/cents.sql",
		"shop properties macros/macros.yml",
		"shop model models/marts/dim_orders.sql",
		"shop model models/marts/train.py",
		"shop properties models/staging/schema.yml",
		"shop model models/staging/stg_orders.sql",
		"shop seed seeds/countries.csv",
		"shop properties seeds/seeds.yml",
		"shop snapshot snapshots/orders_snapshot.sql",
		"shop test tests/assert_positive.sql",
		"shop macro tests/generic/test_is_even.sql",
		"shop properties tests/tests.yaml",
		"dbt_utils macro dbt_packages/utils/macros/star.sql",
		"dbt_utils model dbt_packages/utils/models/util_model.sql",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(warns) != 0 {
		t.Errorf("warnings = %q (a python model is a node now, not a skipped file)", warns)
	}
	for _, f := range files {
		sum := sha256.Sum256(f.Contents)
		if f.Checksum != hex.EncodeToString(sum[:]) || len(f.Contents) == 0 {
			t.Errorf("%s: checksum %s for %d bytes", f.Path, f.Checksum, len(f.Contents))
		}
	}
}

func TestLoadPackagesDuplicateName(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "project.yaml"), "name: shop\n")
	writeFile(t, filepath.Join(dir, "dbt_packages/a/dbt_project.yml"), "name: utils\n")
	writeFile(t, filepath.Join(dir, "dbt_packages/b/dbt_project.yml"), "name: utils\n")
	root, err := LoadProjectConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPackages(root); err == nil || !strings.Contains(err.Error(), `package name "utils" is also used`) {
		t.Errorf("err = %v", err)
	}
}

// TestDiscoverFilesSpeed reads a project of many small files. It guards against
// pathological (e.g. quadratic) behaviour with a bound loose enough for a machine shared
// by many builds (1 ms per file); the per-file cost is logged.
func TestDiscoverFilesSpeed(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 1000
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "project.yaml"), "name: big\n")
	for i := 0; i < n; i++ {
		writeFile(t, filepath.Join(dir, "models", fmt.Sprintf("d%02d", i%50), fmt.Sprintf("m%05d.sql", i)), "select 1 as x\n")
	}
	root, err := LoadProjectConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := LoadPackages(root)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	files, err := DiscoverFiles(pkgs)
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	if len(files) != n {
		t.Fatalf("%d files, want %d", len(files), n)
	}
	t.Logf("%d files in %s (%.1f µs/file)", n, el, float64(el.Microseconds())/float64(n))
	if el > time.Duration(n)*time.Millisecond {
		t.Errorf("too slow: %s for %d files", el, n)
	}
}
