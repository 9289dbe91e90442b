package compiler

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// dialectProject renders SQL that depends on the engine: type names, quoting, relation
// names and the reader of a tab-separated source.
var dialectProject = map[string]string{
	"dbt_project.yml": "name: dp\nprofile: dp\n",
	"models/src.yml": `version: 2
sources:
  - name: raw
    meta:
      external_location: "data/{name}.tsv"
    tables:
      - name: t
`,
	"data/t.tsv": "id\tname\n1\ta\n",
	"models/m.sql": `{{ config(materialized='table') }}
select cast(id as {{ dbt.type_string() }}) as s, cast(id as {{ dbt.type_int() }}) as i,
  cast(1 as {{ dbt.type_float() }}) as f, {{ dbt.current_timestamp() }} as ts,
  {{ adapter.quote('name') }} as n, '{{ api.Relation.create(database=target.database, schema='x', identifier='y') }}' as r
from {{ source('raw', 't') }}
`,
}

// TestOfflineCompileMatchesRun checks that with the target engine's dialect (what
// cmd/gdbt passes in Options.Dialect) an offline compile gives the SQL a run executes.
func TestOfflineCompileMatchesRun(t *testing.T) {
	isolateProfiles(t)
	ctx := context.Background()
	dir := writeProject(t, dialectProject)
	p, err := Load(Options{ProjectDir: dir, Dialect: adapters.Dialect})
	if err != nil {
		t.Fatal(err)
	}
	n := p.Manifest.Nodes["model.dp.m"]
	offline, err := p.Compile(ctx, nil, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "target"), 0o755); err != nil {
		t.Fatal(err)
	}
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	res, err := p.Execute(ctx, a, n)
	if err != nil {
		t.Fatal(err)
	}
	if offline != res.CompiledCode {
		t.Errorf("offline compile differs from the run's SQL:\noffline:\n%s\nrun:\n%s", offline, res.CompiledCode)
	}
	if !strings.Contains(offline, "delim=") {
		t.Errorf("the tsv source is not read with the DuckDB reader: %s", offline)
	}
	if got := queryInt(t, a, "select count(*) from "+a.Dialect().RelationSQL(res.Relations[0])); got != 1 {
		t.Errorf("the model has %d rows, want 1", got)
	}
}
