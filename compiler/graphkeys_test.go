package compiler

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestGraphCarriesDbtKeys checks that {{ graph }} and {{ model }} hold the fields dbt's have
// even when unset (a source's freshness and config.freshness, a model's access, group,
// contract, version, a column's data_type), so that `x != None` tests behave as in dbt.
func TestGraphCarriesDbtKeys(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": "name: gk\nprofile: gk\n",
		"models/m.sql":    "select 1 as id -- {{ model.access }} {{ model.group is none }} {{ model.config.event_time is none }}\n",
		"models/schema.yml": `version: 2
sources:
  - name: raw
    tables:
      - name: fresh
        freshness: {warn_after: {count: 1, period: day}}
      - name: stale
models:
  - name: m
    columns:
      - name: id
`,
	})
	p, err := Load(Options{ProjectDir: dir})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	sql, err := p.CompileInline(context.Background(), nil, `
{%- for s in graph.sources.values() | sort(attribute='name') -%}
{{ s.name }}:{{ s.freshness != None }}:{{ s.config.freshness is none }}:{{ s.loaded_at_field is none }};
{%- endfor %}
{%- set m = graph.nodes['model.gk.m'] -%}
{{ m.access }}|{{ m.group is none }}|{{ m.contract.enforced }}|{{ m.version is none }}|{{ m.columns.id.data_type is none }}|{{ m.config.freshness is none }}`)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	want := "fresh:True:True:True;stale:False:True:True;protected|True|False|True|True|True"
	if strings.TrimSpace(sql) != want {
		t.Errorf("got  %q\nwant %q", strings.TrimSpace(sql), want)
	}
	m, err := p.Compile(context.Background(), nil, p.Manifest.Nodes["model.gk.m"])
	if err != nil {
		t.Fatalf("compile m: %v", err)
	}
	if !strings.Contains(m, "-- protected True True") {
		t.Errorf("model dict: %q", m)
	}
}

// TestGraphRelationNameAtParse checks that graph.nodes[…].relation_name is set before any
// node compiles, as dbt sets it at parse (core/dbt/parser/base.py
// _update_node_relation_name): dbt-project-evaluator's integration_tests_2 on-run-end hook
// reads it for every model. Ephemeral models and tests have none.
func TestGraphRelationNameAtParse(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": "name: rn\nprofile: rn\n",
		"models/m.sql":    "select 1 as id\n",
		"models/e.sql":    "{{ config(materialized='ephemeral') }} select 1 as id\n",
		"models/v.sql":    "select 1 as id\n",
		"models/schema.yml": `version: 2
models:
  - name: v
    config: {alias: v_alias, schema: other}
    columns:
      - name: id
        tests: [unique]
`,
	})
	p, err := Load(Options{ProjectDir: dir})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	sql, err := p.CompileInline(context.Background(), nil, `
{%- for n in graph.nodes.values() | sort(attribute='unique_id') -%}
{{ n.name }}={{ n.relation_name }};
{%- endfor %}`)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	got := strings.TrimSpace(sql)
	for _, w := range []string{`e=None;`, `m="main"."m";`, `v="main_other"."v_alias";`, `unique_v_id=None;`} {
		if !strings.Contains(got, w) {
			t.Errorf("graph relation names %q lack %q", got, w)
		}
	}
}

// TestGraphNodeLevelConfig checks what dbt copies from config to the node (core/dbt/parser/
// base.py update_parsed_node_config: group, and a model's access) and a model's time_spine
// (parser/schemas.py patch_time_spine), in graph.nodes and in manifest.json; a top-level
// access or group moves into config (schemas.py normalize_attribute), and one given in both
// places is an error. dbt-project-evaluator's governance and time-spine checks read these.
func TestGraphNodeLevelConfig(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": "name: nl\nprofile: nl\n",
		"models/a.sql":    "select 1 as id\n",
		"models/b.sql":    "select 1 as id\n",
		"models/days.sql": "select current_date as date_day\n",
		"models/schema.yml": `version: 2
models:
  - name: a
    config: {access: public, group: g1}
  - name: b
    access: private
    group: g2
  - name: days
    time_spine:
      standard_granularity_column: date_day
      custom_granularities: [{name: fiscal}]
`,
	})
	p, err := Load(Options{ProjectDir: dir})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	sql, err := p.CompileInline(context.Background(), nil, `
{%- for n in graph.nodes.values() | sort(attribute='name') -%}
{{ n.name }}:{{ n.access }}:{{ n.group }}:{{ n.config.access }}:{{ n.time_spine }};
{%- endfor %}`)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	want := "a:public:g1:public:None;b:private:g2:private:None;" +
		"days:protected:None:protected:{'custom_granularities': [{'column_name': None, 'name': 'fiscal'}], 'standard_granularity_column': 'date_day'};"
	if got := strings.TrimSpace(sql); got != want {
		t.Errorf("graph:\n got  %q\n want %q", got, want)
	}
	var buf bytes.Buffer
	if err := EncodeManifest(&buf, p.Manifest, p.Manifest.Metadata); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	var doc struct {
		Nodes map[string]map[string]any `json:"nodes"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for id, w := range map[string]string{
		"model.nl.a":    "public g1 <nil>",
		"model.nl.b":    "private g2 <nil>",
		"model.nl.days": "protected <nil> map[custom_granularities:[map[column_name:<nil> name:fiscal]] standard_granularity_column:date_day]",
	} {
		n := doc.Nodes[id]
		if got := fmt.Sprint(n["access"], " ", n["group"], " ", n["time_spine"]); got != w {
			t.Errorf("manifest.json %s: access, group, time_spine = %s, want %s", id, got, w)
		}
	}

	both := writeProject(t, map[string]string{
		"dbt_project.yml":   "name: nb\nprofile: nb\n",
		"models/a.sql":      "select 1 as id\n",
		"models/schema.yml": "version: 2\nmodels:\n  - name: a\n    access: public\n    config: {access: private}\n",
	})
	if _, err := Load(Options{ProjectDir: both}); err == nil || !strings.Contains(err.Error(), "found access in 'config' and as a top-level key") {
		t.Errorf("access in both places: err = %v", err)
	}
}
