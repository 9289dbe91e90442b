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

// TestBuildManifestIsPreRun: build writes the manifest while its nodes run (openAndSelect),
// from a snapshot taken before any runs, so its nodes are exactly those parse writes (as
// dbt's manifest written before execution), never a node compiled meanwhile; under -race
// this also checks the writer and the runner share nothing they write.
func TestBuildManifestIsPreRun(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	nodes := func() map[string]any {
		data, err := os.ReadFile(filepath.Join(dir, "target", "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m struct{ Nodes map[string]map[string]any }
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		out := map[string]any{}
		for id, n := range m.Nodes {
			delete(n, "created_at") // the time of the write
			out[id] = n
		}
		return out
	}
	rtMust(t, dir, 0, "parse", "--no-partial-parse")
	parsed := nodes()
	rtMust(t, dir, 0, "build", "--no-partial-parse")
	built := nodes()
	if len(parsed) < 5 {
		t.Fatalf("only %d nodes", len(parsed))
	}
	for id, n := range parsed {
		if !reflect.DeepEqual(n, built[id]) {
			t.Errorf("%s: build's manifest differs from parse's:\n%v\n%v", id, built[id], n)
		}
		if built[id].(map[string]any)["compiled"] == true {
			t.Errorf("%s: compiled in the manifest build wrote before running it", id)
		}
	}
	if len(built) != len(parsed) {
		t.Errorf("build's manifest has %d nodes, parse's %d", len(built), len(parsed))
	}
}
