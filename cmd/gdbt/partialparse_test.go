package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/parsestate"
)

// runTimes masks what differs between any two runs (timestamps, the invocation id).
var runTimes = regexp.MustCompile(`"(created_at|generated_at|invocation_id|invocation_started_at)": ?("[^"]*"|[0-9.e+]+)`)

// compileOutputs runs `gdbt compile` with args and returns manifest.json (run times
// masked) and every file under target/compiled, plus the partial-parse debug line.
func compileOutputs(t *testing.T, dir string, args ...string) (map[string]string, string) {
	t.Helper()
	full := append([]string{"compile", "--project-dir", dir, "--log-level", "debug"}, args...)
	code, out, errs := runCLI(t, full...)
	if code != 0 {
		t.Fatalf("gdbt %s: exit %d\n%s%s", strings.Join(full, " "), code, out, errs)
	}
	files := map[string]string{}
	target := "target"
	for i, a := range args {
		if a == "--target-path" && i+1 < len(args) {
			target = args[i+1]
		}
	}
	m, err := os.ReadFile(filepath.Join(dir, target, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	files["manifest.json"] = runTimes.ReplaceAllString(string(m), `"$1":0`)
	root := filepath.Join(dir, target, "compiled")
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files["compiled/"+filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	stats, props := "", ""
	for _, l := range strings.Split(out+errs, "\n") {
		if i := strings.Index(l, "partial parse: reused"); i >= 0 {
			stats = l[i:]
		}
		if i := strings.Index(l, "partial parse: copied"); i >= 0 {
			stats += "; " + l[i:]
		}
		if i := strings.Index(l, "partial parse: property files"); i >= 0 {
			props = "; " + l[i:]
		}
	}
	if props != "" && strings.Contains(out+errs, `unknown key "colour"`) {
		props += "; warned"
	}
	return files, stats + props
}

// sameOutputs fails unless the warm and cold outputs are byte-identical.
func sameOutputs(t *testing.T, step string, warm, cold map[string]string) {
	t.Helper()
	for name, c := range cold {
		w, ok := warm[name]
		switch {
		case !ok:
			t.Errorf("%s: the warm run did not write %s", step, name)
		case w != c:
			i := 0
			for i < len(w) && i < len(c) && w[i] == c[i] {
				i++
			}
			lo := max(0, i-150)
			t.Errorf("%s: %s differs at byte %d:\nwarm: …%s…\ncold: …%s…", step, name, i, w[lo:min(len(w), i+150)], c[lo:min(len(c), i+150)])
		}
	}
	for name := range warm {
		if _, ok := cold[name]; !ok {
			t.Errorf("%s: the warm run wrote %s, the cold one did not", step, name)
		}
	}
}

func editFile(t *testing.T, dir, rel string, f func(string) string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	s := f(string(b))
	if s == "\x00delete" {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func replace(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic(fmt.Sprintf("edit: %q not found", old))
		}
		return strings.Replace(s, old, new, 1)
	}
}

// TestPartialParse edits each kind of input in turn; after each edit the warm compile
// (with the parse state of the previous step) must write exactly what a cold one
// (--no-partial-parse) writes, manifest.json and every compiled file byte for byte, and
// must have re-parsed just the files that read the edited input.
func TestPartialParse(t *testing.T) {
	dir := fixtureProject(t, "partialparse.txtar")
	// Every parse mark the manifest writer keys a node by is checked against the values
	// it stands for (compiler/parsemark.go): a panic if a later step changed one in place.
	t.Setenv("GDBT_VERIFY_PARSE_MARKS", "1")
	t.Setenv("PP_REGION", "")
	os.Unsetenv("PP_REGION")
	const all = 5     // node files: 3 models, 1 seed, 1 singular test
	const allYAML = 3 // property files
	v := []string{"--vars", "{region: ap}"}
	steps := []struct {
		name   string
		edit   func()
		args   []string
		parsed int // files parsed by the warm run; -1: everything (the state was dropped)
		yaml   int // property files parsed by the warm run (-1 likewise)
	}{
		{"first parse", func() {}, nil, all, allYAML},
		{"nothing changed", func() {}, nil, 0, 0},
		{"model SQL", func() {
			editFile(t, dir, "models/staging/stg_customers.sql", replace("select id, name", "select id, name, 'x' as flag"))
		}, nil, 1, 0},
		// Only stg_customers is parsed again; customers (its parse reused, its parse mark
		// holding) compiles to another relation name: its manifest JSON must not be copied.
		{"alias of a referenced model", func() {
			editFile(t, dir, "models/staging/stg_customers.sql", replace("select id", "{{ config(alias='stg_customers_x') }}\nselect id"))
		}, nil, 1, 0},
		{"property YAML", func() {
			editFile(t, dir, "models/staging/staging.yml", replace("staged customers", "the staged customers"))
		}, nil, 2, 1}, // both models patched by that file
		{"macro called by one model", func() {
			editFile(t, dir, "macros/cents.sql", replace("/ 100.0", "/ 100.00"))
		}, nil, 1, 0},
		{"macro nobody calls", func() {
			editFile(t, dir, "macros/unused.sql", replace("1{%", "2{%"))
		}, nil, 0, 0},
		{"package macro", func() {
			editFile(t, dir, "dbt_packages/pkgutil/macros/double.sql", replace("* 2", "* 2.0"))
		}, nil, 1, 0},
		{"new macro", func() {
			editFile(t, dir, "macros/more.sql", func(string) string { return "{% macro more() %}3{% endmacro %}\n" })
		}, nil, -1, -1},
		{"seed CSV", func() {
			editFile(t, dir, "seeds/raw_customers.csv", replace("2,b", "2,b\n3,c"))
		}, nil, 1, 0},
		{"singular test", func() {
			editFile(t, dir, "tests/assert_positive.sql", replace("< 0", "< -1"))
		}, nil, 1, 0},
		{"new model", func() {
			editFile(t, dir, "models/marts/extra.sql", func(string) string { return "select * from {{ ref('customers') }}\n" })
		}, nil, 1, 0},
		{"deleted model", func() {
			editFile(t, dir, "models/marts/extra.sql", func(string) string { return "\x00delete" })
		}, nil, 0, 0},
		{"docs block", func() {
			editFile(t, dir, "macros/docs.md", replace("The orders.", "All orders."))
		}, nil, -1, -1},
		{"project var", func() {
			editFile(t, dir, "dbt_project.yml", replace("region: eu", "region: us"))
		}, nil, -1, -1},
		{"--vars", func() {}, v, -1, -1},
		{"--vars unchanged", func() {}, v, 0, 0},
		{"env var read by a model", func() { t.Setenv("PP_REGION", "north") }, v, -1, -1},
		{"YAML patch added", func() {
			editFile(t, dir, "seeds/seeds.yml", replace("description: raw customers", "description: raw customers\n    config:\n      tags: [raw]"))
		}, v, 1, 1}, // the seed
		// Generic tests and sources come from property files: an edit there re-parses that
		// file and the node it patches, and rebuilds its tests and sources.
		{"generic test arguments", func() {
			editFile(t, dir, "models/marts/marts.yml", replace("values: [1, 2]", "values: [1, 2, 3]"))
		}, v, 1, 1},
		{"generic test added", func() {
			editFile(t, dir, "models/marts/marts.yml", replace("          - unique\n", "          - unique\n          - not_null\n"))
		}, v, 1, 1},
		{"generic test removed", func() {
			editFile(t, dir, "models/marts/marts.yml", replace("          - not_null\n", ""))
		}, v, 1, 1},
		{"source edited", func() {
			editFile(t, dir, "models/marts/marts.yml", replace("schema: raw_data", "schema: raw_data2"))
		}, v, 1, 1},
		// A macro called by a property file's Jinja (a config): that file is parsed again,
		// and the node it patches.
		{"macro called from YAML", func() {
			editFile(t, dir, "macros/tags.sql", replace("}mart{", "}marts{"))
		}, v, 1, 1},
	}
	for _, st := range steps {
		st.edit()
		warm, stats := compileOutputs(t, dir, st.args...)
		// The cold run writes elsewhere, so that the warm runs' manifest.json (whose unchanged
		// nodes' JSON the next warm run copies) is the one the last warm run wrote.
		cold, _ := compileOutputs(t, dir, append([]string{"--no-partial-parse", "--target-path", "target_cold"}, st.args...)...)
		sameOutputs(t, st.name, warm, cold)
		var reused, parsed, copied int
		if _, err := fmt.Sscanf(stats, "partial parse: reused %d files, parsed %d; partial parse: copied %d", &reused, &parsed, &copied); err != nil {
			t.Fatalf("%s: no partial-parse debug lines (%q)", st.name, stats)
		}
		// Every warm run after the first copies the JSON of the nodes it did not change (the
		// fixture has 10 nodes; no edit here changes more than 3 of them: the alias changes
		// stg_customers, the compiled code of customers and that of the test on it).
		if st.parsed != all && copied < 7 {
			t.Errorf("%s: copied %d nodes' JSON from the previous manifest, want most of them (%s)", st.name, copied, stats)
		}
		want := st.parsed
		if want < 0 {
			want = reused + parsed
			if reused != 0 {
				t.Errorf("%s: reused %d files, want a full parse", st.name, reused)
			}
		}
		if parsed != want {
			t.Errorf("%s: parsed %d files, want %d (%s)", st.name, parsed, want, stats)
		}
		var yreused, yparsed int
		i := strings.Index(stats, "property files: ")
		if i < 0 {
			t.Fatalf("%s: no property-file debug line (%q)", st.name, stats)
		}
		if _, err := fmt.Sscanf(stats[i:], "property files: reused %d, parsed %d", &yreused, &yparsed); err != nil {
			t.Fatalf("%s: %v (%q)", st.name, err, stats)
		}
		if want := st.yaml; (want >= 0 && yparsed != want) || (want < 0 && (yreused != 0 || yparsed != allYAML)) {
			t.Errorf("%s: parsed %d property files and reused %d, want %d parsed (%s)", st.name, yparsed, yreused, want, stats)
		}
		// A reused property file's warnings are given again.
		if !strings.Contains(stats, "; warned") {
			t.Errorf("%s: the warm run did not warn about marts.yml's unknown key (%s)", st.name, stats)
		}
	}
}

// TestPartialParseBadState: a corrupt or foreign state file is ignored (with a debug line)
// and overwritten; --no-partial-parse and DBT_PARTIAL_PARSE=false neither read nor write it.
func TestPartialParseBadState(t *testing.T) {
	dir := fixtureProject(t, "partialparse.txtar")
	state := filepath.Join(dir, "target", parsestate.FileName)
	cold, _ := compileOutputs(t, dir, "--no-partial-parse")
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Fatalf("--no-partial-parse wrote the state: %v", err)
	}
	for _, junk := range []string{"", "garbage", "gdbt-parse-state 1\n\x01\x02\x03", "gdbt-parse-state 1\n"} {
		if err := os.WriteFile(state, []byte(junk), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errs := runCLI(t, "compile", "--project-dir", dir, "--log-level", "debug")
		if code != 0 {
			t.Fatalf("exit %d with a bad state %q:\n%s%s", code, junk, out, errs)
		}
		if !strings.Contains(out+errs, "partial parse: ignoring") || !strings.Contains(out+errs, "reused 0 files") {
			t.Errorf("bad state %q: no debug line saying it was ignored:\n%s", junk, out+errs)
		}
		warm, _ := compileOutputs(t, dir)
		sameOutputs(t, fmt.Sprintf("after a bad state %q", junk), warm, cold)
	}
	b, _ := os.ReadFile(state)
	if !bytes.HasPrefix(b, []byte("gdbt-parse-state")) || len(b) < 100 {
		t.Fatalf("the state was not rewritten (%d bytes)", len(b))
	}
	// The manifest index is trusted only for the manifest.json it describes: one changed by
	// someone else, or a corrupt index, means every node is encoded again.
	mpath := filepath.Join(dir, "target", "manifest.json")
	index := filepath.Join(dir, "target", parsestate.ManifestFileName)
	for _, tamper := range []func(){
		func() {
			b, _ := os.ReadFile(mpath)
			if err := os.WriteFile(mpath, append(b, ' '), 0o644); err != nil {
				t.Fatal(err)
			}
		},
		func() {
			if err := os.WriteFile(index, []byte("gdbt-manifest-index 1\n\x05"), 0o644); err != nil {
				t.Fatal(err)
			}
		},
	} {
		tamper()
		warm, stats := compileOutputs(t, dir)
		if !strings.Contains(stats, "copied 0 nodes") {
			t.Errorf("a changed manifest or index was trusted: %s", stats)
		}
		sameOutputs(t, "after a changed manifest.json or index", warm, cold)
		if _, stats = compileOutputs(t, dir); strings.Contains(stats, "copied 0 nodes") {
			t.Errorf("the index was not rewritten: %s", stats)
		}
	}
	t.Setenv("DBT_PARTIAL_PARSE", "false")
	_, stats := compileOutputs(t, dir)
	if stats != "" {
		t.Errorf("DBT_PARTIAL_PARSE=false still used the state: %s", stats)
	}
}
