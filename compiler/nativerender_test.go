package compiler

import (
	"context"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// TestRenderNative checks dbt's native rendering rules (quoted_native_concat in
// dbt_common/clients/jinja.py): one expression keeps its type, text around it makes a
// string, and the as_* markers convert or fail as dbt's do.
func TestRenderNative(t *testing.T) {
	env := jinja.NewEnv()
	textFilters(env)
	ctx := projectRenderCtx{cliVars: map[string]any{"types": []any{"a", "b"}, "n": "7"}}.context()
	tests := []struct {
		src, want, err string
	}{
		{src: "{{ var('missing', false) }}", want: "False"},
		{src: "{{ var('types') }}", want: "[a b]"},
		{src: "{{ var('n') }}", want: "7 string"},
		{src: "{{ var('n') | as_number }}", want: "7"},
		{src: "{{ var('n') | as_text }}", want: "7 string"},
		{src: "{{ 'True' | as_bool }}", want: "True"},
		{src: "{{ 'yes' | as_bool }}", err: "Could not convert value 'yes' into type 'bool'"},
		{src: "{{ 'x' | as_number }}", err: "into type 'number'"},
		{src: "{{ \"{'a': [1, 2.5, None]}\" | as_native }}", want: "map[a:[1 2.5 <nil>]]"},
		{src: "{{ '5' }}", want: "5"}, // jinja2 folds the constant through literal_eval
		{src: "a{{ 1 }}", want: "a1 string"},
		{src: "{% if true %}x{% endif %}", want: "x string"},
		{src: "{{ 1 }}{{ 2 }}", want: "12 string"},
		{src: "{{ none }}", want: "<nil>"},
	}
	for _, tc := range tests {
		tm, err := env.Parse("t", tc.src)
		if err != nil {
			t.Fatal(err)
		}
		v, err := renderNative(env, tm, ctx)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.src, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		got := fmtGo(jinja.ToGo(v))
		if got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.src, got, tc.want)
		}
	}
}

func fmtGo(v any) string {
	if s, ok := v.(string); ok {
		return s + " string"
	}
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(fmtAny(v), "map[string]interface {}", "map"), "[]interface {}", ""))
}

func fmtAny(v any) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, it := range x {
			parts[i] = fmtAny(it)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case map[string]any:
		var parts []string
		for _, k := range sortedKeys(x) {
			parts = append(parts, k+":"+fmtAny(x[k]))
		}
		return "map[" + strings.Join(parts, " ") + "]"
	case nil:
		return "<nil>"
	}
	return strings.TrimSpace(jinja.ToString(jinja.FromGo(v)))
}

// TestProjectFileTargetAndNative checks that dbt_project.yml is rendered with the profile's
// target (in the root project and in an installed package) and natively: a boolean var
// disables seeds, a target test picks the materialization.
func TestProjectFileTargetAndNative(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": `name: tp
profile: tp
seeds:
  tp:
    +enabled: "{{ var('load_source_data', false) }}"
models:
  tp:
    +materialized: "{{ 'table' if target.type == 'duckdb' else 'view' }}"
    +schema: "{{ target.name }}_x"
`,
		"profiles.yml":                    "tp:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n",
		"models/m.sql":                    "select 1 as id\n",
		"seeds/s.csv":                     "id\n1\n",
		"dbt_packages/pk/dbt_project.yml": "name: pk\nmodels:\n  pk:\n    +materialized: \"{{ 'incremental' if target.name == 'dev' else 'view' }}\"\n",
		"dbt_packages/pk/models/pm.sql":   "select 1 as id\n",
	})
	t.Setenv("DBT_PROFILES_DIR", dir)
	p, err := Load(Options{ProjectDir: dir})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	m := p.Manifest.Nodes["model.tp.m"]
	if m == nil {
		t.Fatal("no model m")
	}
	if got := m.Config["materialized"]; got != "table" {
		t.Errorf("materialized %v, want table (target.type is duckdb)", got)
	}
	if got := m.Config["schema"]; got != "dev_x" {
		t.Errorf("schema %v, want dev_x", got)
	}
	if pm := p.Manifest.Nodes["model.pk.pm"]; pm == nil || pm.Config["materialized"] != "incremental" {
		t.Errorf("package model: %v, want incremental (the package's project file sees the target)", pm)
	}
	if _, ok := p.Manifest.Nodes["seed.tp.s"]; ok {
		t.Error("seed s is enabled; +enabled rendered natively from var('load_source_data', false) must disable it")
	}
	p, err = Load(Options{ProjectDir: dir, Vars: "{load_source_data: true}"})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if _, ok := p.Manifest.Nodes["seed.tp.s"]; !ok {
		t.Error("seed s is disabled with load_source_data true")
	}
	// deps and clean load the project without a profile: target attributes are "".
	pc, err := LoadProjectConfig(dir)
	if err != nil {
		t.Fatalf("project without target: %v", err)
	}
	if got := pc.Models["tp"].(map[string]any)["+schema"]; got != "_x" {
		t.Errorf("unset target: +schema %v, want _x", got)
	}
}

// TestPropertyYAMLRenderedNatively checks dbt's rendering of property YAML: a model's config
// is rendered natively (enabled from a boolean var, schema from target), a generic test argument that is one expression keeps its type (a list, not
// a string iterated character by character), a var whose value holds Jinja is rendered when
// read, and a var missing while a node is parsed is None.
func TestPropertyYAMLRenderedNatively(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": `name: pr
profile: pr
vars:
  model_types: ["a", "b"]
  off: false
  greeting: "hello {{ target.name }}"
`,
		"models/on.sql":  "select '{{ var('greeting') }}' as g, {{ var('not_set_at_parse') }} as x, 'a' as kind\n",
		"models/off.sql": "select 1 as id\n",
		"models/schema.yml": `version: 2
models:
  - name: off
    config:
      enabled: "{{ var('off') }}"
  - name: on
    config:
      schema: "{{ target.name }}_marts"
      meta:
        n: "{{ 1 + 1 }}"
    columns:
      - name: kind
        data_tests:
          - accepted_values:
              values: "{{ var('model_types') }}"
          - not_null:
              config:
                enabled: "{{ var('off') }}"
                severity: "{{ 'warn' }}"
          - unique:
              config:
                severity: "{{ 'warn' if target.name == 'dev' else 'error' }}"
`,
	})
	p, err := Load(Options{ProjectDir: dir, Vars: "{not_set_at_parse: 3}"})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if _, ok := p.Manifest.Nodes["model.pr.off"]; ok {
		t.Error("model off is enabled; config enabled \"{{ var('off') }}\" is the boolean false")
	}
	on := p.Manifest.Nodes["model.pr.on"]
	if on == nil {
		t.Fatal("no model on")
	}
	if on.Config["schema"] != "dev_marts" {
		t.Errorf("schema %v, want dev_marts", on.Config["schema"])
	}
	if meta, _ := on.Config["meta"].(map[string]any); meta == nil || meta["n"] != int64(2) && meta["n"] != 2 {
		t.Errorf("meta %v, want n = 2 (a number)", on.Config["meta"])
	}
	sql, err := p.Compile(context.Background(), nil, on)
	if err != nil {
		t.Fatalf("compile on: %v", err)
	}
	if !strings.Contains(sql, "'hello dev' as g") || !strings.Contains(sql, "3 as x") {
		t.Errorf("compiled on:\n%s\nwant the var's Jinja rendered and the --vars value", sql)
	}
	for _, n := range p.Manifest.Nodes {
		if n.TestMetadata != nil && n.TestMetadata.Name == "not_null" {
			t.Errorf("%s is enabled; its config enabled \"{{ var('off') }}\" is the boolean false", n.UniqueID)
		}
		if n.TestMetadata != nil && n.TestMetadata.Name == "unique" && n.Config["severity"] != "warn" {
			t.Errorf("%s: severity %v, want warn (rendered config)", n.UniqueID, n.Config["severity"])
		}
		if n.TestMetadata == nil || n.TestMetadata.Name != "accepted_values" {
			continue
		}
		sql, err := p.Compile(context.Background(), nil, n)
		if err != nil {
			t.Fatalf("compile %s: %v", n.UniqueID, err)
		}
		if !strings.Contains(sql, "'a', 'b'") {
			t.Errorf("accepted_values compiled with values not a list:\n%s", sql)
		}
	}
	// Without the var, parsing still succeeds (None at parse time); compiling names it.
	p, err = Load(Options{ProjectDir: dir})
	if err != nil {
		t.Fatalf("load without the var: %v", err)
	}
	if _, err := p.Compile(context.Background(), nil, p.Manifest.Nodes["model.pr.on"]); err == nil || !strings.Contains(err.Error(), "not_set_at_parse") {
		t.Errorf("compile without the var: %v, want the missing var named", err)
	}
}
