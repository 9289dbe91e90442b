package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// updateGolden rewrites the golden files under testdata/golden instead of comparing. It is
// not named -update so that it cannot clash with another test file of this package.
var updateGolden = flag.Bool("update-golden", false, "rewrite e2e/testdata/golden from the current compiler output")

// goldenProject is one project whose offline compile is pinned by golden files.
type goldenProject struct {
	name string // folder under testdata/golden
	// src is the project: a directory (copied without data/, target/, logs/ and Go
	// sources) or a .txtar archive, relative to this package.
	src  string
	vars string
	env  map[string]string // environment the project's profile reads
}

// goldenProjects are the repository's own project and the testdata projects other
// packages use, so that any change to what they compile to shows up in review.
var goldenProjects = []goldenProject{
	// A fixed relative raw-data folder keeps the compiled source paths machine-independent.
	{name: "instacart", src: "..", vars: `{instacart_raw_dir: data/instacart_sample}`},
	{name: "compiler_basic", src: "../compiler/testdata/compile/basic"},
	{name: "compiler_features", src: "../compiler/testdata/compile/features"},
	{name: "cmd_shop", src: "../cmd/gdbt/testdata/shop.txtar"},
	{name: "runner_shop", src: "../runner/testdata/shop.txtar"},
	{name: "builtins_e2e", src: "../compiler/builtins/testdata/e2e/project.txtar"},
	// Offline, the PostgreSQL project compiles with the PostgreSQL dialect: no server needed.
	{name: "postgres_project", src: "../warehouse/postgres/testdata/project.txtar", env: map[string]string{
		"GDBT_TEST_PG_HOST": "localhost", "GDBT_TEST_PG_PORT": "5432", "GDBT_TEST_PG_USER": "gdbt",
		"GDBT_TEST_PG_PASSWORD": "secret", "GDBT_TEST_PG_DB": "gdbt", "GDBT_TEST_PG_SCHEMA": "golden",
	}},
}

// TestGoldenCompile compiles each golden project offline, in process, and compares every
// model, test, analysis and snapshot's compiled SQL and a normalised manifest summary with
// the files under testdata/golden/<project>/ (go test ./e2e -run TestGoldenCompile
// -update-golden rewrites them).
func TestGoldenCompile(t *testing.T) {
	// The profile must come from the copied project (or the zero-config default), never
	// from the machine running the test.
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	for _, gp := range goldenProjects {
		t.Run(gp.name, func(t *testing.T) {
			for k, v := range gp.env {
				t.Setenv(k, v)
			}
			dir := t.TempDir()
			if strings.HasSuffix(gp.src, ".txtar") {
				extractTxtar(t, gp.src, dir)
			} else {
				copyProject(t, gp.src, dir)
			}
			got := compileGolden(t, dir, gp.vars)
			checkGolden(t, filepath.Join("testdata", "golden", gp.name), got)
		})
	}
}

// compileGolden loads the project in dir and returns the golden files it produces, keyed by
// slash path relative to the project's golden folder, with dir replaced by "<project>".
func compileGolden(t *testing.T, dir, vars string) map[string][]byte {
	t.Helper()
	p, err := compiler.Load(compiler.Options{
		ProjectDir: dir, ProfilesDir: dir, Vars: vars, Which: "compile", Dialect: adapters.Dialect,
	})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	norm := func(s string) string {
		s = strings.ReplaceAll(s, filepath.ToSlash(dir), "<project>")
		return strings.ReplaceAll(s, dir, "<project>")
	}
	out := map[string][]byte{}
	ids := sortedKeys(p.Manifest.Nodes)
	for _, id := range ids {
		n := p.Manifest.Nodes[id]
		switch n.ResourceType {
		case manifest.Model, manifest.Test, manifest.Analysis, manifest.Snapshot:
		default:
			continue
		}
		sql, err := p.Compile(context.Background(), nil, n)
		if err != nil {
			t.Errorf("compile %s: %v", id, err)
			continue
		}
		rel := path.Join(n.PackageName, n.OriginalFilePath)
		switch {
		case n.ResourceType == manifest.Test && n.TestMetadata != nil:
			rel = path.Join(n.PackageName, n.OriginalFilePath, n.Path)
		case n.ResourceType == manifest.Snapshot:
			// One file may hold several snapshot blocks.
			rel = path.Join(n.PackageName, n.OriginalFilePath, n.Name+".sql")
		}
		key := "compiled/" + rel
		if _, dup := out[key]; dup {
			t.Errorf("%s: two nodes compile to %s", id, key)
		}
		out[key] = []byte(norm(strings.TrimRight(sql, "\n")) + "\n")
	}
	sum, err := json.MarshalIndent(manifestSummary(p.Manifest), "", "  ")
	if err != nil {
		t.Fatalf("marshal summary: %v", err)
	}
	out["manifest_summary.json"] = []byte(norm(string(sum)) + "\n")
	return out
}

// nodeSummary is the part of a manifest node that is stable across machines and runs.
type nodeSummary struct {
	UniqueID     string   `json:"unique_id"`
	ResourceType string   `json:"resource_type"`
	FQN          []string `json:"fqn"`
	DependsOn    []string `json:"depends_on"`
	Materialized string   `json:"materialized,omitempty"`
	Schema       string   `json:"schema"`
	Alias        string   `json:"alias"`
	RelationName string   `json:"relation_name,omitempty"`
	Checksum     string   `json:"checksum"`
}

// manifestSummary is the normalised manifest pinned by manifest_summary.json: no
// timestamps, invocation ids or absolute paths, every list in a fixed order.
func manifestSummary(m *manifest.Manifest) map[string]any {
	nodes := make([]nodeSummary, 0, len(m.Nodes))
	for _, id := range sortedKeys(m.Nodes) {
		n := m.Nodes[id]
		deps := append([]string{}, n.DependsOn.Nodes...)
		sort.Strings(deps)
		mat := ""
		if n.ResourceType != manifest.Test && n.ResourceType != manifest.Analysis {
			mat = n.Materialized()
		}
		nodes = append(nodes, nodeSummary{
			UniqueID: n.UniqueID, ResourceType: n.ResourceType, FQN: n.FQN, DependsOn: deps,
			Materialized: mat, Schema: n.Schema, Alias: n.Alias, RelationName: n.RelationName,
			Checksum: n.Checksum.Name + ":" + n.Checksum.Checksum,
		})
	}
	sources := map[string]string{}
	for id, s := range m.Sources {
		sources[id] = s.RelationName
	}
	parents := map[string][]string{}
	for id, ps := range m.ParentMap {
		ps = append([]string{}, ps...)
		sort.Strings(ps)
		parents[id] = ps
	}
	return map[string]any{"nodes": nodes, "sources": sources, "parent_map": parents}
}

// checkGolden compares got with the files under dir, or rewrites dir with -update-golden.
// A golden file that the compile no longer produces is an error too.
func checkGolden(t *testing.T, dir string, got map[string][]byte) {
	t.Helper()
	if *updateGolden {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for rel, b := range got {
			p := filepath.Join(dir, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for _, rel := range sortedKeys(got) {
		want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Errorf("%s: %v (run go test ./e2e -run TestGoldenCompile -update-golden)", rel, err)
			continue
		}
		if !bytes.Equal(got[rel], want) {
			t.Errorf("%s differs from golden (-update-golden to accept):\n%s", rel, firstDiff(string(want), string(got[rel])))
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if _, ok := got[filepath.ToSlash(rel)]; !ok {
			t.Errorf("%s: golden file no longer produced by any node", filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Errorf("walk %s: %v", dir, err)
	}
}

// firstDiff shows the first differing line of two texts with its line number.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return "(no line differs)"
}

// copyProject copies the dbt project files of src into dst: everything but data/ (large),
// target/, logs/, .git and Go or binary build outputs, so the test never writes into the
// repository.
func copyProject(t *testing.T, src, dst string) {
	t.Helper()
	skip := map[string]bool{"data": true, "target": true, "logs": true, ".git": true}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return err
		}
		top := strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]
		if d.IsDir() {
			if skip[top] || (src == ".." && !projectFolders[top]) {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if src == ".." && !d.IsDir() && !strings.Contains(rel, string(filepath.Separator)) && !projectRootFiles[rel] {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// projectFolders and projectRootFiles are what of the repository root is the dbt project
// (the rest is Go code and build output).
var (
	projectFolders   = map[string]bool{"models": true, "macros": true, "seeds": true, "tests": true, "analyses": true, "snapshots": true, "dbt_packages": true}
	projectRootFiles = map[string]bool{"project.yaml": true, "dbt_project.yml": true, "packages.yml": true, "selectors.yml": true, "profiles.yml": true}
)

// extractTxtar writes the files of a txtar archive ("-- name --" lines) into dst.
func extractTxtar(t *testing.T, archive, dst string) {
	t.Helper()
	b, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	var buf strings.Builder
	flush := func() {
		if name == "" {
			return
		}
		p := filepath.Join(dst, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(buf.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, line := range strings.SplitAfter(string(b), "\n") {
		l := strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --") && len(l) > 6 {
			flush()
			name, buf = strings.TrimSpace(l[3:len(l)-3]), strings.Builder{}
			continue
		}
		if name != "" {
			buf.WriteString(line)
		}
	}
	flush()
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
