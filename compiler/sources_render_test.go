package compiler

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// writeProject writes files (path → content) under a new temporary folder.
func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		writeFile(t, filepath.Join(dir, name), body)
	}
	return dir
}

// renderSourcesProject declares sources whose properties are Jinja templates.
var renderSourcesProject = map[string]string{
	"dbt_project.yml": "name: rsp\nprofile: rsp\nvars:\n  raw_dir: data/raw\n  raw_ext: csv\n  raw_schema: landing\n",
	"models/sources.yml": `version: 2
sources:
  - name: raw
    schema: "{{ var('raw_schema') }}"
    loaded_at_field: "{{ env_var('RSP_LOADED_AT', 'loaded_at') }}"
    meta:
      external_location: "{{ var('raw_dir') }}/{name}.{{ var('raw_ext') }}"
    freshness:
      filter: "day > '{{ var('raw_schema') }}'"
    tables:
      - name: orders
        identifier: "{{ 'ORD' | lower }}ers"
      - name: remote
        config:
          external_location: "s3://bucket/{{ target.type }}/{name}.parquet"
      - name: plain
        meta:
          external_location: "{{ '' if target.type == 'duckdb' else 'x/{name}.csv' }}"
  - name: other
    tables:
      - name: t
`,
	"models/m.sql": "select * from {{ source('raw', 'orders') }}\n",
}

// TestSourcePropertiesRendered checks that source YAML is rendered at parse time with
// project vars, --vars, env_var and target, that a relative external location is made
// absolute against the project folder (whatever the working directory), that URLs are
// kept, and that an external location rendered empty means none.
func TestSourcePropertiesRendered(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, renderSourcesProject)
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("RSP_LOADED_AT", "_etl_time")
	tests := []struct {
		name, vars       string
		wantLoc, wantSch string
	}{
		{"project vars", "", "data/raw/orders.csv", "landing"},
		{"cli vars", "{raw_dir: /elsewhere, raw_ext: csv.gz, raw_schema: stage}", "/elsewhere/orders.csv.gz", "stage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir()) // relative locations must not depend on the working directory
			p, err := Load(Options{ProjectDir: abs, Vars: tc.vars})
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			s := p.Manifest.Sources["source.rsp.raw.orders"]
			if s == nil {
				t.Fatal("no source raw.orders")
			}
			if s.ExternalLocation != tc.wantLoc {
				t.Errorf("external location %q, want %q", s.ExternalLocation, tc.wantLoc)
			}
			if s.Schema != tc.wantSch || s.Identifier != "orders" || s.LoadedAtField != "_etl_time" {
				t.Errorf("schema %q identifier %q loaded_at_field %q, want %q orders _etl_time", s.Schema, s.Identifier, s.LoadedAtField, tc.wantSch)
			}
			if f, _ := s.Freshness["filter"].(string); f != "day > '"+tc.wantSch+"'" {
				t.Errorf("freshness filter %q not rendered", f)
			}
			path := tc.wantLoc
			if !filepath.IsAbs(path) {
				path = filepath.Join(abs, path)
			}
			if !strings.Contains(s.RelationName, "'"+path+"'") {
				t.Errorf("relation name %s does not read %s", s.RelationName, path)
			}
			sql, err := p.Compile(context.Background(), nil, p.Manifest.Nodes["model.rsp.m"])
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(sql, "'"+path+"'") {
				t.Errorf("compiled SQL %q does not read %s", sql, path)
			}
			if r := p.Manifest.Sources["source.rsp.raw.remote"]; r.ExternalLocation != "s3://bucket/duckdb/remote.parquet" || !strings.Contains(r.RelationName, "'s3://bucket/duckdb/remote.parquet'") {
				t.Errorf("remote: location %q relation %s", r.ExternalLocation, r.RelationName)
			}
			if r := p.Manifest.Sources["source.rsp.raw.plain"]; r.ExternalLocation != "" || strings.Contains(r.RelationName, "read_") {
				t.Errorf("plain: location %q relation %s, want no external location", r.ExternalLocation, r.RelationName)
			}
		})
	}
}

// TestSourcePropertiesRenderError checks that a failing render is reported at the YAML
// value's file:line:col.
func TestSourcePropertiesRenderError(t *testing.T) {
	isolateProfiles(t)
	files := map[string]string{
		"dbt_project.yml":    "name: rse\nprofile: rse\n",
		"models/sources.yml": "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: t\n        meta:\n          external_location: \"{{ var('missing_dir') }}/{name}.csv\"\n",
	}
	_, err := Load(Options{ProjectDir: writeProject(t, files)})
	if err == nil {
		t.Fatal("load succeeded with an undefined var in external_location")
	}
	want := filepath.Join("models", "sources.yml") + ":7:30: "
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "missing_dir") {
		t.Errorf("error %q, want it at %s naming missing_dir", err, want)
	}
}
