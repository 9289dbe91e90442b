package compiler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

func TestSourcePosition(t *testing.T) {
	wrap := func(c string) string { return "create table \"db\".\"main\".\"m\" as (\n" + c + "\n)" }
	cases := []struct {
		name, raw, compiled string
		stmt                string // "" means wrap(compiled)
		line, col           int    // in the statement
		wantLine, wantCol   int
	}{
		{"same lines", "{{ config(materialized='table') }}\nselect 1 as a,\n  bad + 1 as b\nfrom t\n",
			"\nselect 1 as a,\n  bad + 1 as b\nfrom t", "", 4, 3, 3, 3},
		{"jinja after the spot", "select bad from {{ ref('x') }}\n", "select bad from \"db\".\"main\".\"x\"", "", 2, 8, 1, 8},
		{"jinja before the spot", "select {{ var('c') }}, bad from t\n", "select 1, bad from t", "", 2, 11, 1, 0},
		{"reindented", "select\n    bad\nfrom t\n{% if false %}\nx\n{% endif %}\n", "select\n  bad\nfrom t\n", "", 3, 3, 2, 5},
		{"line count changed, unique text", "select\n{% for i in range(2) %}\n  {{ i }} as c{{ i }},\n{% endfor %}\n  bad as m\nfrom t\n",
			"select\n\n  0 as c0,\n\n  1 as c1,\n\n  bad as m\nfrom t", "", 8, 3, 5, 3},
		{"ambiguous", "{# a\nb #}\nselect\n  x,\n  x,\n  y\n", "\nselect\n  x,\n  x,\n  y", "", 4, 3, 0, 0},
		{"in the DDL, not the code", "select 1\n", "select 1", "", 1, 5, 0, 0},
		{"first line shares the DDL's line", "select bad\n", "select bad", "create view v as select bad", 1, 25, 1, 8},
		{"code not in the statement", "select 1\n", "select 1", "insert into t values (1)", 1, 1, 0, 0},
	}
	for _, c := range cases {
		stmt := c.stmt
		if stmt == "" {
			stmt = wrap(c.compiled)
		}
		l, col := sourcePosition(stmt, c.compiled, c.raw, c.line, c.col)
		if l != c.wantLine || col != c.wantCol {
			t.Errorf("%s: sourcePosition = %d:%d, want %d:%d", c.name, l, col, c.wantLine, c.wantCol)
		}
	}
}

func TestNodeSQLError(t *testing.T) {
	n := &manifest.Node{Name: "m", ResourceType: manifest.Model, OriginalFilePath: "models/m.sql", RawCode: "select\n  bad\nfrom t\n",
		Config: map[string]any{"materialized": "table"}}
	db := errors.New("Binder Error: Referenced column \"bad\" not found in FROM clause!\n\nLINE 3:   bad\n          ^")
	err := &statementError{name: "main", sql: "create table m as (\nselect\n  bad\nfrom t\n)", err: db}
	e := nodeSQLError(n, "select\n  bad\nfrom t", err)
	if e == nil {
		t.Fatal("a statement error was not recognized")
	}
	got := e.Error()
	if want := "models/m.sql:2:3: Binder Error: Referenced column \"bad\""; !strings.HasPrefix(got, want) {
		t.Errorf("error = %q, want it to start with %q", got, want)
	}
	if !strings.Contains(got, "fix the SQL in models/m.sql and run again") || !strings.Contains(got, "statement 'main' that the table materialization ran for model m") {
		t.Errorf("the error does not say what ran and what to do:\n%s", got)
	}
	if nodeSQLError(n, "", errors.New("undefined macro")) != nil {
		t.Error("an error that is not the warehouse's was taken for one")
	}
}

func TestNodeSQLErrorCancelled(t *testing.T) {
	n := &manifest.Node{Name: "m", ResourceType: manifest.Model, OriginalFilePath: "models/m.sql"}
	err := &statementError{name: "main", sql: "select 1", err: fmt.Errorf("%w: INTERRUPT Error: Interrupted!", context.Canceled)}
	if e := nodeSQLError(n, "select 1", err); e != nil {
		t.Errorf("an interrupted statement was reported as rejected SQL: %v", e)
	}
}

func TestNodeSQLErrorSeed(t *testing.T) {
	n := &manifest.Node{Name: "s", ResourceType: manifest.Seed, OriginalFilePath: "seeds/s.csv"}
	err := &statementError{name: "main", sql: "insert into s select * from s__dbt_tmp", err: errors.New("Conversion Error: could not convert string 'x' to INT32")}
	e := nodeSQLError(n, "", err)
	if e == nil || e.File != "seeds/s.csv" || e.Line != 0 || !strings.Contains(e.Msg, "check the data and column_types of seeds/s.csv") {
		t.Errorf("seed error = %+v", e)
	}
}
