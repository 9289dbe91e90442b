package snowflake_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// TestFoldedColumnNames: the fake folds unquoted identifiers to upper case as Snowflake
// does, in the columns a CREATE … AS SELECT stores (information_schema.columns, so the
// docs catalog), in a result set's column names, and in a seed's columns unless
// quote_columns: true; quoted names keep their case. Snowflake string constants take
// backslash escapes and $$…$$.
func TestFoldedColumnNames(t *testing.T) {
	srv := startFake(t)
	a := openFields(t, srv.Fields("main"))
	ctx := context.Background()
	exec := func(q string) *warehouse.Table {
		t.Helper()
		_, tab, err := a.Execute(ctx, q, true)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return tab
	}
	names := func(tab *warehouse.Table) string {
		var n []string
		for _, c := range tab.Columns {
			n = append(n, c.Name)
		}
		return strings.Join(n, " ")
	}
	exec(`create schema if not exists folding`)
	exec(`create or replace table folding.people as select 1 as id, 'Ann' as "firstName", 2 as Mixed_Case`)
	cols, err := a.Columns(ctx, warehouse.Relation{Database: srv.Database, Schema: "folding", Identifier: "people"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cols {
		got = append(got, c.Name)
	}
	if g := strings.Join(got, " "); g != "ID firstName MIXED_CASE" {
		t.Errorf("catalog columns = %s, want ID firstName MIXED_CASE", g)
	}
	for _, c := range []struct{ q, want string }{
		{`select * from folding.people`, "ID firstName MIXED_CASE"},
		{`select id as person_id, "firstName" as "Given", mixed_case from FOLDING.People`, "PERSON_ID Given MIXED_CASE"},
		{`select column_name from information_schema.columns where table_schema = 'FOLDING' and table_name = 'PEOPLE' order by ordinal_position`, "COLUMN_NAME"},
	} {
		if g := names(exec(c.q)); g != c.want {
			t.Errorf("%s: columns = %s, want %s", c.q, g, c.want)
		}
	}
	if g := fmt.Sprint(exec(`select 'o\'k' as a, 'back\\slash' as b, $$it's$$ as c, 'tab\there' as d`).Rows); g != "[[o'k back\\slash it's tab\there]]" {
		t.Errorf("escaped constants = %q", g)
	}
	csv := filepath.Join(t.TempDir(), "s.csv")
	if err := os.WriteFile(csv, []byte("id,Name\n1,a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		quoted bool
		want   string
	}{{false, "ID NAME"}, {true, "id Name"}} {
		r := warehouse.Relation{Database: srv.Database, Schema: "folding", Identifier: fmt.Sprint("seed_", c.quoted), Type: "table"}
		if _, err := a.LoadCSV(ctx, r, csv, warehouse.SeedOptions{QuotedColumns: c.quoted}); err != nil {
			t.Fatal(err)
		}
		if g := names(exec("select * from folding." + r.Identifier)); g != c.want {
			t.Errorf("seed with quote_columns %v: columns = %s, want %s", c.quoted, g, c.want)
		}
	}
}

// TestFunctionArgumentTypes: the fake's Snowflake functions refuse arguments of the wrong
// type, as Snowflake's compiler does, rather than computing something; the right types
// give Snowflake's results.
func TestFunctionArgumentTypes(t *testing.T) {
	srv := startFake(t)
	a := openFields(t, srv.Fields("main"))
	for _, q := range []string{
		`select datediff(day, 1, 2)`,
		`select dateadd(day, 'one', cast('2024-01-01' as date))`,
		`select dateadd(day, 1, 'not a date')`,
		`select last_day(5)`,
		`select position(1, true)`,
	} {
		_, tab, err := a.Execute(context.Background(), q, true)
		if err == nil {
			t.Errorf("%s: accepted, returned %v", q, tab.Rows)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "argument types") && !strings.Contains(msg, "Could not convert") && !strings.Contains(msg, "best candidate") {
			t.Errorf("%s: %v, want a type error", q, err)
		}
	}
	_, tab, err := a.Execute(context.Background(), `select datediff(day, cast('2024-01-01' as date), cast('2024-03-01' as date)), position('c', 'abc')`, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(tab.Rows); got != "[[60 3]]" {
		t.Errorf("rows = %s, want [[60 3]]", got)
	}
}
