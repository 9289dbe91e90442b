package compiler

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// countingAdapter counts the schema listings the relation cache makes.
type countingAdapter struct {
	warehouse.Adapter
	lists atomic.Int64
}

func (c *countingAdapter) ListRelations(ctx context.Context, database, schema string) ([]warehouse.Relation, error) {
	c.lists.Add(1)
	return c.Adapter.ListRelations(ctx, database, schema)
}

// perNode wraps the adapter for one node, as the runner does to record a node's SQL.
type perNode struct{ warehouse.Adapter }

func (w *perNode) Unwrap() warehouse.Adapter { return w.Adapter }

// hooksProject has models whose hooks use {{ this }} (from config() and from the project
// file) and call adapter.create_schema, as packages' hooks do.
var hooksProject = map[string]string{
	"dbt_project.yml": `name: hk
profile: hk
models:
  hk:
    +post-hook: "insert into main.hook_log select '{{ this }}', 'project'"
`,
	"models/a.sql": `{{ config(materialized='table', pre_hook=["{% do adapter.create_schema(this) %}", "insert into main.hook_log select '{{ this }}', 'pre'"]) }}
select 1 as id
`,
	"models/b.sql": `{{ config(materialized='view', pre_hook="{% do adapter.create_schema(this) %}") }}
select * from {{ ref('a') }}
`,
	"models/c.sql": `{{ config(materialized='table', pre_hook="{% do adapter.create_schema(this) %}") }}
select * from {{ ref('b') }}
`,
}

// TestHooksRenderThisAndCacheStays checks that hook SQL is rendered in the node's context
// ({{ this }} is the node's relation, dbt's render()), and that adapter.create_schema in
// every node's hook does not make the relation cache list the schema again, even with the
// adapter wrapped anew for each node (as the runner does).
func TestHooksRenderThisAndCacheStays(t *testing.T) {
	isolateProfiles(t)
	ctx := context.Background()
	dir := writeProject(t, hooksProject)
	p, err := Load(Options{ProjectDir: dir, Which: "run"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	a := &countingAdapter{Adapter: raw}
	if _, _, err := a.Execute(ctx, "create table main.hook_log (rel varchar, kind varchar)", false); err != nil {
		t.Fatal(err)
	}
	for _, n := range topo(p.Manifest) {
		if _, err := p.Execute(ctx, &perNode{a}, n); err != nil {
			t.Fatalf("execute %s: %v", n.UniqueID, err)
		}
	}
	if got := a.lists.Load(); got > 1 {
		t.Errorf("the schema was listed %d times for 3 models in one schema, want at most 1", got)
	}
	_, tb, err := a.Execute(ctx, "select rel, kind from main.hook_log order by kind, rel", true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tb.Rows {
		got = append(got, r[0].(string)+" "+r[1].(string))
	}
	db := `"` + p.Target.Database + `"."main".`
	want := []string{db + `"a" pre`, db + `"a" project`, db + `"b" project`, db + `"c" project`}
	if len(got) != len(want) {
		t.Fatalf("hook log %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("hook log %q, want %q", got, want)
			break
		}
	}
}
