package compiler

import (
	"context"
	"strings"
	"testing"
)

// TestRefOutsideParsedDependencies checks dbt's "unable to infer all dependencies" rule: a
// ref (not a source) reached only when execute is True fails at the call, and the
// `-- depends_on:` hint (rendered at parse time) makes the same model compile.
func TestRefOutsideParsedDependencies(t *testing.T) {
	base := map[string]string{
		"dbt_project.yml":         "name: dc\nprofile: dc\n",
		"models/marts/orders.sql": "select 1 as id\n",
		"models/eph.sql":          "{{ config(materialized='ephemeral') }}\nselect 2 as id\n",
		"models/sources.yml":      "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n",
	}
	cases := []struct {
		name, model string
		wantErr     string // "" when the model must compile
		wantSQL     string // a substring of the compiled SQL
	}{
		{"ref only at run time",
			"select 1 as id\n{% if execute %}\nfrom {{ ref('orders') }}\n{% endif %}\n",
			`models/m.sql:3:9: dbt was unable to infer all dependencies for the model "m". This typically happens when ref() is placed within a conditional block. To fix this, add the following hint to the top of the model: -- depends_on: {{ ref('orders') }}`, ""},
		{"source only at run time compiles, as in dbt",
			"{% if execute %}select * from {{ source('raw', 'events') }}{% endif %}\n",
			"", `"events"`},
		{"depends_on hint",
			"-- depends_on: {{ ref('orders') }}\nselect 1 as id\n{% if execute %}\nfrom {{ ref('orders') }}\n{% endif %}\n",
			"", `from "`},
		{"ref in the taken branch",
			"{% if not execute %}{{ ref('orders') }}{% else %}{{ ref('orders') }}{% endif %}\n",
			"", `"orders"`},
		{"ephemeral parent",
			"select * from {{ ref('eph') }}\n",
			"", "__dbt__cte__eph"},
		{"plain ref and source",
			"select * from {{ ref('orders') }}, {{ source('raw', 'events') }}\n",
			"", `"events"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"models/m.sql": tc.model}
			for k, v := range base {
				files[k] = v
			}
			dir := writeProject(t, files)
			p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			n := p.Manifest.Nodes["model.dc.m"]
			sql, err := p.Compile(context.Background(), nil, n)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v\nwant %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(sql, tc.wantSQL) {
				t.Errorf("compiled SQL lacks %q:\n%s", tc.wantSQL, sql)
			}
		})
	}
}

// TestHookRefsAreDependencies checks that a ref inside a hook becomes a parse-time edge, as
// in dbt, so the hook can resolve it at run time.
func TestHookRefsAreDependencies(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"dbt_project.yml":         "name: dc\nprofile: dc\nmodels:\n  dc:\n    marts:\n      +pre-hook: \"select count(*) from {{ ref('audit') }}\"\n",
		"models/audit.sql":        "select 1 as id\n",
		"models/marts/orders.sql": "{{ config(post_hook=\"insert into {{ source('raw', 'events') }} select 1\") }}\nselect 1 as id\n",
		"models/sources.yml":      "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n",
	})
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	got := p.Manifest.Nodes["model.dc.orders"].DependsOn.Nodes
	want := []string{"model.dc.audit", "source.dc.raw.events"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("depends_on = %v, want %v", got, want)
	}
}

// TestRefToUnparsedModel checks that a model whose file fails to render does not make its
// dependents report "ref names a node which was not found": the load fails with the
// model's own error, and each ref to it is a warning naming that error's position.
func TestRefToUnparsedModel(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": "name: up\nprofile: up\n",
		"models/e.sql":    "select {{ undefined_macro_x() }} as z\n",
		"models/f.sql":    "select * from {{ ref('e') }}\n",
		"models/g.sql":    "select * from {{ ref('up', 'e') }} join {{ ref('nowhere') }}\n",
	})
	var warns []string
	_, err := Load(Options{ProjectDir: dir, Warn: func(s string) { warns = append(warns, s) }})
	if err == nil {
		t.Fatal("load succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "models/e.sql:1:11: 'undefined_macro_x' is undefined") {
		t.Errorf("load error lacks the model's own error:\n%s", msg)
	}
	if strings.Contains(msg, "ref('e')") || strings.Contains(msg, "'up.e'") {
		t.Errorf("load error reports the refs to the failed model:\n%s", msg)
	}
	if !strings.Contains(msg, "models/g.sql:1:44: model g: ref('nowhere') names a node which was not found") {
		t.Errorf("a truly missing ref is still an error:\n%s", msg)
	}
	got := strings.Join(warns, "\n")
	for _, w := range []string{
		"models/f.sql:1:18: model f: not checked: ref('e') names a node that failed to parse (models/e.sql:1:11)",
		"models/g.sql:1:18: model g: not checked: ref('e') names a node that failed to parse (models/e.sql:1:11)",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("warnings lack %q:\n%s", w, got)
		}
	}
}
