package snowflake_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
	"github.com/gdbt-dev/gdbt/warehouse/snowflake"
	"github.com/gdbt-dev/gdbt/warehouse/snowflake/fakesf"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// TestEndToEnd builds a small project through the compiler, the runner and the
// snowflake__ macros against the fake server. Every node must succeed, the cross-database
// models (dbt.* macros as dbt-snowflake renders them, run on the fake's function layer and
// lexical rules) included, and return Snowflake's values.
func TestEndToEnd(t *testing.T) {
	srv := startFake(t)
	setFakeEnv(t, srv, "analytics")
	dir := warehousetest.WriteTxtar(t, filepath.Join("testdata", "project.txtar"))
	firstB := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: "{batch: 1}"}, 3, "target")
	first, log := firstB.Status, firstB
	names := make([]string, 0, len(first))
	for n := range first {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%s: %s", n, first[n])
	}
	for _, name := range names {
		if !strings.HasPrefix(first[name], "success") && !strings.HasPrefix(first[name], "pass") {
			t.Errorf("%s: %s\nconsole:\n%s", name, first[name], log.ConsoleText())
		}
	}
	if len(names) < 20 {
		t.Errorf("only %d nodes ran: %v", len(names), names)
	}
	a := openFields(t, srv.Fields("analytics"))
	// dbt-snowflake's default quoting: names unquoted, so the catalog holds them folded.
	if got := catalogNames(t, a, srv.Database, "analytics"); !got["PEOPLE_SUMMARY"] || !got["PEOPLE"] || got["people_summary"] {
		t.Errorf("catalog = %v, want PEOPLE_SUMMARY and PEOPLE (folded), no people_summary", got)
	}
	// get_relation finds people_summary as written (PEOPLE_SUMMARY); quoted, it is another name.
	if got, want := probeRelations(t, dir, true), "[true true false GDBT_DB.ANALYTICS.PEOPLE_SUMMARY]"; got != want {
		t.Errorf("probe (found as written, load_relation, load_relation quoted, rendered) = %s, want %s", got, want)
	}
	_, tab, err := a.Execute(context.Background(), `select count(*) from analytics.people_summary`, true)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := tab.Rows[0][0].(int64); n == 0 {
		t.Errorf("people_summary is empty")
	}
	// The snowflake__ date, array and aggregate macros run on the fake's function layer
	// (fakesf/sffuncs.go) with Snowflake's results.
	for _, c := range []struct{ sql, want string }{
		{`select cast(d as date) = cast('2024-02-02' as date) from analytics.x_dateadd`, "[[true]]"},
		{`select days, months, hours, weeks from analytics.x_datediff`, "[[60 14 5 4]]"},
		{`select d = cast('2024-02-29' as date) from analytics.x_last_day`, "[[true]]"},
		{`select names, first_two from analytics.x_aggregates`, "[[Ann, Bob, Cy Ann,Bob]]"},
		// dbt-snowflake's escape_single_quotes writes o\'k: a backslash escape.
		{`select c, sp, len, pos, rep, r, lit, esc, bt, sc from analytics.x_strings`, "[[ab b 4 3 azc ef abc o'k true 12]]"},
	} {
		_, tab, err := a.Execute(context.Background(), c.sql, true)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if got := fmt.Sprint(tab.Rows); got != c.want {
			t.Errorf("%s = %s, want %s", c.sql, got, c.want)
		}
	}
	// The second build takes the incremental paths of the snowflake__ macros.
	secondB := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: "{batch: 2}"}, 3, "target")
	second, log := secondB.Status, secondB
	for _, n := range []string{"events", "events_append", "events_delete_insert", "people_check", "people_ts"} {
		t.Logf("second build: %s: %s", n, second[n])
	}
	if !strings.HasPrefix(second["events"], "success") {
		t.Fatalf("second build: events: %s\nconsole:\n%s", second["events"], log.ConsoleText())
	}
	_, tab, err = a.Execute(context.Background(), `select id, batch from analytics.events order by id`, true)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(tab.Rows), "[[1 1] [2 1] [3 2]]"; got != want {
		t.Errorf("events after merge = %s, want %s", got, want)
	}
	for _, c := range []struct{ sql, want string }{
		{`select count(*), max(batch) from analytics.events_append`, "[[4 2]]"},
		{`select count(*), min(batch) from analytics.events_delete_insert`, "[[3 2]]"},
		{`select count(*), count(dbt_valid_to) from analytics.people_check`, "[[4 1]]"},
		{`select count(*), count(dbt_valid_to) from analytics.people_ts`, "[[4 1]]"},
	} {
		_, tab, err := a.Execute(context.Background(), c.sql, true)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if got := fmt.Sprint(tab.Rows); got != c.want {
			t.Errorf("%s = %s, want %s", c.sql, got, c.want)
		}
	}
}

// setFakeEnv points the test projects' profiles (which read env_var GDBT_TEST_SF_*) at srv.
func setFakeEnv(t *testing.T, srv *fakesf.Server, schema string) {
	t.Helper()
	u, err := url.Parse(fmt.Sprint("http://", srv.Fields("x")["host"], ":", srv.Fields("x")["port"]))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GDBT_TEST_SF_DB", srv.Database)
	t.Setenv("GDBT_TEST_SF_SCHEMA", schema)
	t.Setenv("GDBT_TEST_SF_HOST", u.Hostname())
	t.Setenv("GDBT_TEST_SF_PORT", u.Port())
}

// catalogNames lists the relations of a schema as the catalog spells them.
func catalogNames(t *testing.T, a *snowflake.Adapter, database, schema string) map[string]bool {
	t.Helper()
	rels, err := a.ListRelations(context.Background(), database, schema)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range rels {
		out[r.Identifier] = true
	}
	return out
}

// TestEndToEndQuotedIdentifiers builds the same project with `quoting: {identifier: true}`:
// the identifiers are quoted, so the catalog keeps them lower case, while the schema,
// unquoted, is folded; the second build finds the relations the first made (the
// incremental models merge rather than rebuild).
func TestEndToEndQuotedIdentifiers(t *testing.T) {
	srv := startFake(t)
	setFakeEnv(t, srv, "quoted")
	dir := warehousetest.WriteTxtar(t, filepath.Join("testdata", "project.txtar"))
	proj := filepath.Join(dir, "dbt_project.yml")
	b, err := os.ReadFile(proj)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(proj, append(b, "quoting:\n  identifier: true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	for batch := 1; batch <= 2; batch++ {
		st := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: fmt.Sprintf("{batch: %d}", batch)}, 3, "target")
		for _, name := range []string{"people", "stg_people", "people_summary", "events"} {
			if !strings.HasPrefix(st.Status[name], "success") {
				t.Errorf("build %d: %s: %s\nconsole:\n%s", batch, name, st.Status[name], st.ConsoleText())
			}
		}
	}
	if got, want := probeRelations(t, dir, false), `[true true false GDBT_DB.QUOTED."people_summary"]`; got != want {
		t.Errorf("probe (found as written, load_relation, load_relation unquoted, rendered) = %s, want %s", got, want)
	}
	a := openFields(t, srv.Fields("quoted"))
	if got := catalogNames(t, a, srv.Database, "QUOTED"); !got["people_summary"] || !got["events"] || got["PEOPLE_SUMMARY"] {
		t.Errorf("catalog = %v, want people_summary and events (quoted, lower case)", got)
	}
	_, tab, err := a.Execute(context.Background(), `select id, batch from quoted."events" order by id`, true)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(tab.Rows), "[[1 1] [2 1] [3 2]]"; got != want {
		t.Errorf("events after merge = %s, want %s", got, want)
	}
}

// probeMacro asks for people_summary as the project's policy writes it, and as the other
// quoting of its identifier writes it: Snowflake resolves only the first; the relation found
// renders as the catalog spells it.
const probeMacro = `{% macro probe(flip) %}
{%- set r = api.Relation.create(database=target.database, schema=target.schema, identifier='people_summary') -%}
{%- set other = r.quote(identifier=flip) -%}
{{ return([adapter.get_relation(database=r.database, schema=r.schema, identifier=r.identifier) is not none, adapter.load_relation(r) is not none, adapter.load_relation(other) is not none, adapter.load_relation(r) | string]) }}
{%- endmacro %}`

// probeRelations runs probeMacro in the built project dir on the fake.
func probeRelations(t *testing.T, dir string, flip bool) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "macros"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "macros", "probe.sql"), []byte(probeMacro), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	a, err := adapters.Open(context.Background(), p.Target.Type, p.Target.Fields, p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	v, err := p.RunOperation(context.Background(), a, "probe", map[string]any{"flip": flip})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(v)
}
