package compiler

import (
	"context"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// isRelationProject checks relations the way dbt-utils' _is_relation does: a mapping whose
// get('metadata') has a type ending in "Relation"; strings are not relations.
var isRelationProject = map[string]string{
	"dbt_project.yml": "name: isrel\nprofile: isrel\n",
	"macros/is_rel.sql": `{% macro is_rel(obj) -%}
{{- 'rel' if (obj is mapping and obj.get('metadata', {}).get('type', '').endswith('Relation')) else 'not' -}}
{%- endmacro %}`,
	"models/base.sql": "select 1 as id\n",
	"models/src.yml":  "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: t\n",
	"models/probe.sql": `select
  '{{ is_rel(ref('base')) }}' as r,
  '{{ is_rel(source('raw', 't')) }}' as s,
  '{{ is_rel(this) }}' as th,
  '{{ is_rel(api.Relation.create(schema='x', identifier='y')) }}' as c,
  '{{ is_rel('base') }}' as str,
  '{{ this.metadata.type }}' as ty,
  '{{ this.get('metadata').type }}' as ty2,
  '{{ this.get('nothing', 'dflt') }}' as dflt
`,
}

// TestRelationIsMappingWithMetadata checks that refs, sources, this and api.Relation.create
// pass dbt-utils' relation check, at compile time with no adapter (duckdb target type).
func TestRelationIsMappingWithMetadata(t *testing.T) {
	isolateProfiles(t)
	p, err := Load(Options{ProjectDir: writeProject(t, isRelationProject)})
	if err != nil {
		t.Fatal(err)
	}
	sql, err := p.Compile(context.Background(), nil, p.Manifest.Nodes["model.isrel.probe"])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"'rel' as r", "'rel' as s", "'rel' as th", "'rel' as c", "'not' as str",
		"'DuckDBRelation' as ty", "'DuckDBRelation' as ty2", "'dflt' as dflt"} {
		if !strings.Contains(sql, want) {
			t.Errorf("compiled SQL lacks %q:\n%s", want, sql)
		}
	}
}

// TestHashRelationKeys is dbt-utils' `{% do table_columns.update({relation: []}) %}`:
// Relations are dict keys (by identity until relationObj implements jinja.Hasher).
func TestHashRelationKeys(t *testing.T) {
	d := fallbackDialect{typ: "duckdb", db: "main", schema: "s"}
	a, b := newRelation(d, "main", "s", "a", "table"), newRelation(d, "main", "s", "b", "table")
	env := jinja.NewEnv()
	tpl, err := env.Parse("inline", "{% set cols = {} %}{% for r in rels %}{% do cols.update({r: [r.identifier]}) %}{% endfor %}"+
		"{{ cols | length }}|{{ cols[a] }}|{{ b in cols }}|{% for k in cols %}{{ k }};{% endfor %}")
	if err != nil {
		t.Fatal(err)
	}
	got, err := tpl.Render(env, &jinja.Context{Vars: map[string]jinja.Value{
		"rels": &jinja.List{Items: []jinja.Value{a, b}}, "a": a, "b": b,
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := "2|['a']|True|" + a.JinjaString() + ";" + b.JinjaString() + ";"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
