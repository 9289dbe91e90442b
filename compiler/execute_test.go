package compiler

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// copyTree copies a testdata project into a temporary folder, so the DuckDB file lands there.
func copyCase(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("testdata", "compile", name)
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// topo orders the manifest's nodes parents first (ties by unique id).
func topo(m *manifest.Manifest) []*manifest.Node {
	var ids []string
	for id := range m.Nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	done := map[string]bool{}
	var out []*manifest.Node
	var visit func(id string)
	visit = func(id string) {
		if done[id] {
			return
		}
		done[id] = true
		for _, p := range m.ParentMap[id] {
			if _, ok := m.Nodes[p]; ok {
				visit(p)
			}
		}
		out = append(out, m.Nodes[id])
	}
	for _, id := range ids {
		visit(id)
	}
	return out
}

func queryInt(t *testing.T, a warehouse.Adapter, sql string) int64 {
	t.Helper()
	_, tb, err := a.Execute(context.Background(), sql, true)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if len(tb.Rows) != 1 {
		t.Fatalf("%s: %d rows", sql, len(tb.Rows))
	}
	switch v := tb.Rows[0][0].(type) {
	case int64:
		return v
	case int32:
		return int64(v)
	case float64:
		return int64(v)
	}
	t.Fatalf("%s: unexpected %T", sql, tb.Rows[0][0])
	return 0
}

func TestExecuteBasicOnDuckDB(t *testing.T) {
	ctx := context.Background()
	dir := copyCase(t, "basic")
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Which: "build"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, _, err := a.Execute(ctx, "create table main.customers as select 1 as customer_id union all select 2", false); err != nil {
		t.Fatal(err)
	}
	// As dbt's runner does before a run: create every schema the nodes build into.
	createSchemas(t, a, p)
	results := map[string]*Result{}
	for _, n := range topo(p.Manifest) {
		res, err := p.Execute(ctx, a, n)
		if err != nil {
			t.Fatalf("execute %s: %v", n.UniqueID, err)
		}
		results[n.UniqueID] = res
	}
	if got := queryInt(t, a, `select count(*) from main_raw.raw_orders`); got != 3 {
		t.Errorf("seed rows = %d, want 3", got)
	}
	if got := queryInt(t, a, `select count(*) from main_marts.orders`); got != 2 {
		t.Errorf("orders rows = %d, want 2 (amount >= var min_amount)", got)
	}
	if got := queryInt(t, a, `select shipped_cents from main_marts.customer_totals where customer_id = 1`); got != 2500 {
		t.Errorf("shipped_cents = %d, want 2500", got)
	}
	for id, r := range results {
		if n := p.Manifest.Nodes[id]; n.ResourceType == manifest.Test && (r.Failures != 0 || r.ShouldError) {
			t.Errorf("%s: failures=%d should_error=%v, want a pass", id, r.Failures, r.ShouldError)
		}
	}
	if r := results["model.shop.orders"]; len(r.Relations) != 1 || r.Relations[0].Identifier != "orders" {
		t.Errorf("orders relations = %+v", r.Relations)
	}

	// --empty: every ref and source reads zero rows, so the build validates SQL cheaply.
	pe, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Empty: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pe.Execute(ctx, a, pe.Manifest.Nodes["model.shop.customer_totals"]); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, a, `select count(*) from main_marts.customer_totals`); got != 0 {
		t.Errorf("--empty build has %d rows, want 0", got)
	}

	// Break the data: the tests must now fail with the right counts.
	if _, _, err := a.Execute(ctx, `insert into main_marts.orders values (99, 3, -500, 'lost')`, false); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		"test.shop.assert_positive": 1,
		"test.shop.accepted_values_orders_status__placed__shipped__returned.6cbf42f106": 1,
		"test.shop.relationships_orders_0389c224a99a98c0b58aedb753f052f0.918495ce16":    1,
		"test.shop.not_null_orders_order_id.cf6c17daed":                                 0,
	}
	for id, w := range want {
		n := p.Manifest.Nodes[id]
		if n == nil {
			t.Fatalf("%s missing", id)
		}
		r, err := p.Execute(ctx, a, n)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if r.Failures != w || r.ShouldError != (w > 0) {
			t.Errorf("%s: failures=%d should_error=%v, want %d", id, r.Failures, r.ShouldError, w)
		}
	}
	// --store-failures keeps the failing rows in the audit schema (created on demand).
	ps, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, StoreFailures: true})
	if err != nil {
		t.Fatal(err)
	}
	tn := ps.Manifest.Nodes["test.shop.assert_positive"]
	if _, err := ps.Execute(ctx, a, tn); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, a, "select count(*) from "+a.Dialect().QuoteIdent(tn.Schema)+"."+a.Dialect().QuoteIdent(tn.Alias)); got != 1 {
		t.Errorf("stored failures = %d, want 1", got)
	}
}

// createSchemas creates Project.Schemas, as the runner does before a run.
func createSchemas(t *testing.T, a warehouse.Adapter, p *Project) {
	t.Helper()
	ddl := a.Dialect().(warehouse.DDL)
	for _, r := range p.Schemas() {
		if _, _, err := a.Execute(context.Background(), ddl.CreateSchemaSQL(r.Database, r.Schema), false); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExecuteFeaturesOnDuckDB(t *testing.T) {
	ctx := context.Background()
	dir := copyCase(t, "features")
	var logs []string
	load := func(vars string, full bool) *Project {
		p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Vars: vars, FullRefresh: full,
			Log: func(msg string, info bool) { logs = append(logs, msg) }})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := load("", false)
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	createSchemas(t, a, p)
	if err := p.RunHooks(ctx, a, "on-run-start", nil); err != nil {
		t.Fatal(err)
	}
	run := func(p *Project, id string) *Result {
		t.Helper()
		r, err := p.Execute(ctx, a, p.Manifest.Nodes[id])
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return r
	}
	for _, n := range topo(p.Manifest) {
		run(p, n.UniqueID)
	}
	if got := queryInt(t, a, `select answer from custom.features`); got != 42 {
		t.Errorf("answer = %d, want 42 (run_query at execute time)", got)
	}
	if got := queryInt(t, a, `select count(*) from main.inc`); got != 3 {
		t.Errorf("inc rows after first run = %d, want 3", got)
	}
	if got := queryInt(t, a, `select count(*) from main.audit where event = 'post src_rows'`); got != 1 {
		t.Errorf("post-hook rows = %d, want 1", got)
	}
	if got := queryInt(t, a, `select count(*) from snapshots.rows_snapshot`); got != 3 {
		t.Errorf("snapshot rows = %d, want 3", got)
	}
	// A changed row makes a new snapshot version, the old one closed.
	pm := load(`{mult: 2}`, false)
	run(pm, "snapshot.features.rows_snapshot")
	if got := queryInt(t, a, `select count(*) from snapshots.rows_snapshot`); got != 5 {
		t.Errorf("snapshot rows after change = %d, want 5 (ids 1, 2 changed; 0 unchanged)", got)
	}
	if got := queryInt(t, a, `select count(*) from snapshots.rows_snapshot where dbt_valid_to is null`); got != 3 {
		t.Errorf("current snapshot rows = %d, want 3", got)
	}

	// Second run with more source rows: the incremental model only appends the new ones.
	p2 := load(`{n: 5}`, false)
	run(p2, "model.features.src_rows")
	r := run(p2, "model.features.inc")
	if !strings.Contains(r.CompiledCode, "where id > (select max(id) from") {
		t.Errorf("incremental run did not take the is_incremental() branch:\n%s", r.CompiledCode)
	}
	if got := queryInt(t, a, `select count(*) from main.inc`); got != 5 {
		t.Errorf("inc rows after incremental run = %d, want 5", got)
	}
	if got := queryInt(t, a, `select count(distinct id) from main.inc`); got != 5 {
		t.Errorf("inc has duplicate ids")
	}
	// --full-refresh rebuilds without the filter.
	p3 := load(`{n: 4}`, true)
	run(p3, "model.features.src_rows")
	r = run(p3, "model.features.inc")
	if strings.Contains(r.CompiledCode, "where id >") {
		t.Errorf("full refresh still filtered:\n%s", r.CompiledCode)
	}
	if got := queryInt(t, a, `select count(*) from main.inc`); got != 4 {
		t.Errorf("inc rows after full refresh = %d, want 4", got)
	}

	// run-operation returns the macro's return value and logs.
	v, err := p.RunOperation(ctx, a, "grant_nothing", map[string]any{"who": "analysts"})
	if err != nil {
		t.Fatal(err)
	}
	if v != "granted analysts" {
		t.Errorf("run-operation returned %#v", v)
	}
	if len(logs) == 0 || logs[len(logs)-1] != "granting to analysts" {
		t.Errorf("log() output = %q", logs)
	}
	if err := p.RunHooks(ctx, a, "on-run-end", []any{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, a, `select count(*) from main.audit where event = 'end 2'`); got != 1 {
		t.Errorf("on-run-end hook did not run with results")
	}
	// The warehouse-facing context, through inline compiles against the live adapter.
	for _, c := range []struct{ src, want string }{
		{"{% set r = run_query('select 1 as a, 2 as b union all select 3, 4 order by 1') %}{{ r.rows[1][0] }}-{{ r.rows[0]['b'] }}-{{ r | length }}-{% for row in r %}{{ row.a }}{% endfor %}-{{ r.columns[1].values() | list }}-{{ r.column_names | join(',') }}", "3-2-2-13-[2, 4]-a,b"},
		{"{% call statement('x', fetch_result=True) %}select 7 as n{% endcall %}{{ load_result('x')['data'][0][0] }}", "7"},
		{"{{ adapter.get_relation(database=target.database, schema='main', identifier='inc') is not none }}/{{ adapter.get_relation(target.database, 'main', 'nope') }}", "True/None"},
		{"{% for c in adapter.get_columns_in_relation(ref('inc')) %}{{ c.name }}:{{ c.is_number() }}{% endfor %}", "id:True"},
		{"{{ graph.nodes['model.features.inc'].config.materialized }}", "incremental"},
		{"{{ load_relation(ref('src_rows')).type }}", "table"},
		// dbt returns no columns (not an error) for a relation that does not exist.
		{"{{ adapter.get_columns_in_relation(api.Relation.create(database=target.database, schema='main', identifier='nope')) | length }}", "0"},
		// relation.information_schema(view), rendered as dbt's InformationSchema (DuckDB keeps
		// information_schema in its system catalog, so dbt-duckdb's macros do not qualify it).
		{"{% set r = ref('inc').information_schema('columns') %}{{ (r | string).replace(target.database, 'DB') }}|{{ r.identifier }}|{{ r.information_schema_view }}|{{ r.schema }}|{{ ref('inc').information_schema() | string | length > 0 }}",
			`"DB".INFORMATION_SCHEMA.columns|INFORMATION_SCHEMA|columns|main|True`},
		// agate's Table methods on a run_query result.
		{agateSetup + "{{ t.order_by('a').columns['a'].values() | list }}|{{ t.order_by('a', reverse=true).columns['a'].values() | list }}|{{ t.order_by(['b', 'a']).columns['a'].values() | list }}", "[1, 2, None]|[None, 2, 1]|[2, 1, None]"},
		{agateSetup + "{{ t.select(['b']).column_names }}|{{ t.exclude('b').column_names }}|{{ t.rename({'a': 'n'}).column_names }}|{{ t.rename(['p', 'q']).rows[0]['q'] }}|{{ t.column_names }}", "['b']|['a']|['n', 'b']|x|['a', 'b']"},
		{agateSetup + "{{ t.limit(2) | length }}|{{ t.limit(1, 3).columns['a'].values() | list }}|{{ t.limit(-1).columns['a'].values() | list }}", "2|[1, None]|[2, 1]"},
		{agateSetup + "{% macro big(row) %}{{ 'y' if row['a'] and row['a'] > 1 }}{% endmacro %}{{ t.where(big) | length }}|{% set g = t.group_by('b') %}{{ g.keys() }}|{{ g['y'] | length }}", "1|('x', 'y')|2"},
	} {
		got, err := p.CompileInline(ctx, a, c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s\n got %q\nwant %q", c.src, got, c.want)
		}
	}
	// Offline, the same calls answer as dbt's parse-time providers do.
	if got, err := p.CompileInline(ctx, nil, "{{ run_query('select 1') | length }}/{{ adapter.get_relation('a', 'b', 'c') }}/{{ is_incremental() }}"); err != nil || got != "0/None/False" {
		t.Errorf("offline inline = %q, %v", got, err)
	}
	// Inline compile resolves refs against the manifest.
	sql, err := p.CompileInline(ctx, a, "select count(*) from {{ ref('inc') }}")
	if err != nil {
		t.Fatal(err)
	}
	inc := p.Manifest.Nodes["model.features.inc"]
	if want := "select count(*) from " + a.Dialect().RelationSQL(warehouse.Relation{Database: inc.Database, Schema: inc.Schema, Identifier: inc.Alias, Type: "table"}); sql != want {
		t.Errorf("inline = %q", sql)
	}
}

// agateSetup is a three-row result (a: 2, 1, NULL; b: x, y, y) for the agate method cases.
const agateSetup = "{% set t = run_query(\"select * from (values (2, 'x', 1), (1, 'y', 2), (null, 'y', 3)) v(a, b, o) order by o\").exclude('o') %}"
