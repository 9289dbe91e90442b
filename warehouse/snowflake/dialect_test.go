package snowflake

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestDialectGolden renders every DDL builder into one golden file, so a change in the SQL
// gdbt sends Snowflake shows up in review: first under dbt-snowflake's default policy
// (nothing quoted), then under a project's quoting: with every part quoted, then relations
// carrying their own policy (a source's quoting:).
func TestDialectGolden(t *testing.T) {
	var b strings.Builder
	line := func(name, sql string) { fmt.Fprintf(&b, "-- %s\n%s\n\n", name, sql) }
	base := Dialect{Database: "ANALYTICS", Schema: "dbt_dev"}
	for _, c := range []struct {
		title string
		d     Dialect
	}{
		{"default quoting (none)", base},
		{"quoting: all true", base.WithQuoting(warehouse.QuoteAll).(Dialect)},
	} {
		fmt.Fprintf(&b, "---- %s\n\n", c.title)
		dialectLines(t, c.d, line)
	}
	b.WriteString("---- relations with their own policy\n\n")
	own := warehouse.QuotePolicy{Identifier: true}
	r := warehouse.Relation{Database: "ANALYTICS", Schema: "raw", Identifier: "Orders", Quote: &own}
	line("identifier quoted, default dialect", base.RelationSQL(r))
	line("identifier quoted, quoting: all true", base.WithQuoting(warehouse.QuoteAll).RelationSQL(r))
	line("rename keeps the identifier policy", base.RenameRelationSQL(r, "Orders__dbt_backup"))
	line("temporary keeps the identifier policy", base.CreateTableAsSQL(r, "select 1", true))
	path := filepath.Join("testdata", "dialect.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("dialect SQL differs from %s (run with -update to accept):\n%s", path, got)
	}
	if base.TransactionalDDL() {
		t.Error("TransactionalDDL() = true; Snowflake DDL commits on its own")
	}
	if _, err := base.TypeSQL("geography"); err == nil {
		t.Error("TypeSQL(geography) succeeded")
	}
}

// dialectLines writes every builder of d through line.
func dialectLines(t *testing.T, d Dialect, line func(name, sql string)) {
	tab := warehouse.Relation{Database: "ANALYTICS", Schema: "dbt_dev", Identifier: "orders", Type: "table"}
	view := warehouse.Relation{Database: "ANALYTICS", Schema: "dbt_dev", Identifier: `we"ird`, Type: "view"}
	line("relation", d.RelationSQL(tab))
	line("relation without database", d.RelationSQL(warehouse.Relation{Schema: "s", Identifier: "x"}))
	line("create schema", d.CreateSchemaSQL("ANALYTICS", "dbt_dev"))
	line("drop schema", d.DropSchemaSQL("ANALYTICS", "dbt_dev"))
	line("drop table", d.DropRelationSQL(tab))
	line("drop view", d.DropRelationSQL(view))
	line("rename table", d.RenameRelationSQL(tab, "orders__gdbt_backup"))
	line("rename view", d.RenameRelationSQL(view, "v2"))
	line("create table", d.CreateTableAsSQL(tab, "select 1 as x -- comment", false))
	line("create temporary table", d.CreateTableAsSQL(tab, "select 1 as x", true))
	line("create view", d.CreateViewAsSQL(view, "select 1 as x"))
	line("truncate", d.TruncateSQL(tab))
	line("string literal", d.QuoteString(`it's a \ path`))
	for _, k := range []string{"type_string", "type_int", "type_bigint", "type_float", "type_numeric", "type_timestamp", "type_boolean"} {
		typ, err := d.TypeSQL(k)
		if err != nil {
			t.Fatal(err)
		}
		line(k, typ)
	}
}

func TestSplitStatements(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"select 1", []string{"select 1"}},
		{"select 1;\nselect 2;", []string{"select 1", "select 2"}},
		{"select ';' as s; select 2", []string{"select ';' as s", "select 2"}},
		{`select 'it''s;' ; select "a;b" from t`, []string{`select 'it''s;'`, `select "a;b" from t`}},
		{`select 'a\';' as x; select 3`, []string{`select 'a\';' as x`, "select 3"}},
		{"select 1 -- a; comment\n; select 2", []string{"select 1 -- a; comment", "select 2"}},
		{"select /* ; */ 1", []string{"select /* ; */ 1"}},
		{"create function f() returns int as $$ 1; $$; select 1", []string{"create function f() returns int as $$ 1; $$", "select 1"}},
		{" ; -- only a comment\n ;", nil},
	}
	for _, c := range cases {
		got := SplitStatements(c.in)
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
			t.Errorf("SplitStatements(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStatementCode(t *testing.T) {
	for in, want := range map[string]string{
		"select 1":                                "SELECT",
		"-- c\nwith x as (select 1) select *":     "SELECT",
		"insert into t values (1)":                "INSERT",
		"create or replace table t as (select 1)": "CREATE TABLE",
		"create or replace view v as (select 1)":  "CREATE VIEW",
		"alter table t rename to u":               "ALTER",
	} {
		if got := statementCode(in); got != want {
			t.Errorf("statementCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInferType(t *testing.T) {
	cases := []struct {
		vals []string
		want string
	}{
		{[]string{"1", "", "-3"}, "integer"},
		{[]string{"01234"}, "varchar"},
		{[]string{"1.5", "2"}, "float"},
		{[]string{"true", "False"}, "boolean"},
		{[]string{"2024-01-02"}, "date"},
		{[]string{"2024-01-02 10:11:12"}, "timestamp_ntz"},
		{[]string{"", ""}, "integer"},
		{nil, "integer"},
		{[]string{"x", "1"}, "varchar"},
	}
	for _, c := range cases {
		if got := inferType(c.vals); got != c.want {
			t.Errorf("inferType(%q) = %s, want %s", c.vals, got, c.want)
		}
	}
}
