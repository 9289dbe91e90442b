package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestBuildWritesCompiledFiles: `gdbt build` writes target/compiled/<package>/<path> for
// every model and test it runs, as dbt does, with the same bytes `gdbt compile` writes
// for them.
func TestBuildWritesCompiledFiles(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtMust(t, dir, 0, "build")
	ran := listFiles(t, filepath.Join(dir, "target", "compiled"))
	st := rtStatuses(t, dir)
	var want []string
	for id := range st {
		if strings.HasPrefix(id, "model.") || strings.HasPrefix(id, "test.") {
			want = append(want, id)
		}
	}
	if len(ran) != len(want) || len(want) == 0 {
		t.Fatalf("build wrote %d compiled files for %d models and tests:\n%s", len(ran), len(want), strings.Join(ran, "\n"))
	}
	for _, rel := range []string{"shop/models/customer_totals.sql", "shop/models/stg_customers.sql"} {
		if _, ok := slicesIndex(ran, rel); !ok {
			t.Errorf("no target/compiled/%s among %q", rel, ran)
		}
	}

	other := t.TempDir()
	rtMust(t, dir, 0, "compile", "--target-path", other)
	for _, rel := range ran {
		if strings.Contains(rel, "inc_orders") {
			continue // is_incremental() is true in the build, false offline: the SQL differs
		}
		got, _ := os.ReadFile(filepath.Join(dir, "target", "compiled", filepath.FromSlash(rel)))
		exp, err := os.ReadFile(filepath.Join(other, "compiled", filepath.FromSlash(rel)))
		if err != nil || string(got) != string(exp) {
			t.Errorf("%s: build wrote\n%s\ncompile wrote (%v)\n%s", rel, got, err, exp)
		}
	}
}

// listFiles returns the files under root, slash-separated and relative, sorted.
func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func slicesIndex(xs []string, x string) (int, bool) {
	for i, v := range xs {
		if v == x {
			return i, true
		}
	}
	return -1, false
}

// TestBuildManifestAfterRun: as dbt (core/dbt/task/runnable.py writes the manifest again
// after the run), the manifest a build leaves holds the compiled code of every model and
// test that ran, byte-equal to its target/compiled file, and every other node exactly as
// parse writes it. The pre-run write (openAndSelect) runs while the nodes run: under -race
// this also checks the writer and the runner share nothing they write. The second build
// keeps a parse state, so the post-run write copies fragments from the previous manifest:
// a node compiled by the first build must not keep its compiled code there.
func TestBuildManifestAfterRun(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	nodes := func() map[string]map[string]any {
		data, err := os.ReadFile(filepath.Join(dir, "target", "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m struct{ Nodes map[string]map[string]any }
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		for _, n := range m.Nodes {
			delete(n, "created_at") // the time of the write
		}
		return m.Nodes
	}
	rtMust(t, dir, 0, "parse", "--no-partial-parse")
	parsed := nodes()
	if len(parsed) < 5 {
		t.Fatalf("only %d nodes", len(parsed))
	}
	check := func(label string, ran map[string]string) {
		t.Helper()
		built := nodes()
		if len(built) != len(parsed) {
			t.Errorf("%s: the manifest has %d nodes, parse's %d", label, len(built), len(parsed))
		}
		compiled := 0
		for id, p := range parsed {
			n := built[id]
			_, didRun := ran[id]
			isSQL := strings.HasPrefix(id, "model.") || strings.HasPrefix(id, "test.")
			if !didRun || !isSQL {
				if !reflect.DeepEqual(n, p) {
					t.Errorf("%s: %s did not run but differs from parse's:\n%v\n%v", label, id, n, p)
				}
				continue
			}
			compiled++
			if n["compiled"] != true {
				t.Errorf("%s: %s ran but is not compiled in the manifest", label, id)
			}
			code, _ := n["compiled_code"].(string)
			path, _ := n["compiled_path"].(string)
			rel := strings.TrimPrefix(path, "target/compiled/")
			file, err := os.ReadFile(filepath.Join(dir, "target", "compiled", filepath.FromSlash(rel)))
			if err != nil || code == "" || code != string(file) {
				t.Errorf("%s: %s: manifest compiled_code %q, target/compiled/%s %q (%v)", label, id, code, rel, file, err)
			}
		}
		if compiled == 0 {
			t.Errorf("%s: no model or test ran", label)
		}
	}
	rtMust(t, dir, 0, "build", "--no-partial-parse")
	check("build", rtStatuses(t, dir))

	rtMust(t, dir, 0, "parse") // a parse state from here on
	rtMust(t, dir, 0, "build", "-s", "stg_customers")
	first := rtStatuses(t, dir)
	check("build -s stg_customers", first)
	rtMust(t, dir, 0, "build", "-s", "stg_orders")
	second := rtStatuses(t, dir)
	if _, ok := second["model.shop.stg_customers"]; ok || first["model.shop.stg_customers"] == "" {
		t.Fatalf("stg_customers must run in the first selection only: %v, %v", first, second)
	}
	check("build -s stg_orders after -s stg_customers", second)
}
