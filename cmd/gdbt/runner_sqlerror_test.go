package main

import (
	"strings"
	"testing"
)

// TestRunnerWarehouseErrorNamesModelFile: an error the database raises while building a
// model points at the model's own file and line (not at the built-in materialization that
// sent the statement), keeps the database's text and says what to do, in the console and
// in run_results.json.
func TestRunnerWarehouseErrorNamesModelFile(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtMust(t, dir, 0, "seed")
	cases := []struct {
		name, sql, want string
	}{
		// A table (first build: CREATE TABLE … AS), the bad column on line 3, column 3.
		{"bad_table", "{{ config(materialized='table') }}\nselect id,\n  no_such_column + 1 as x\nfrom {{ ref('customers') }}\n",
			"models/bad_table.sql:3:3: Binder Error: Referenced column \"no_such_column\" not found"},
		// A view whose line holds Jinja after the error: line and column still map.
		{"bad_view", "{{ config(materialized='view') }}\n\nselect nope from {{ ref('customers') }}\n",
			"models/bad_view.sql:3:8: Binder Error: Referenced column \"nope\" not found"},
		// Rendering changed the line count (a loop): the only line with that text.
		{"bad_loop", "select\n{% for i in range(3) %}\n  {{ i }} as c{{ i }},\n{% endfor %}\n  missing_col as m\nfrom {{ ref('customers') }}\n",
			"models/bad_loop.sql:5:3: Binder Error: Referenced column \"missing_col\" not found"},
	}
	for _, c := range cases {
		rtWrite(t, dir, "models/"+c.name+".sql", c.sql)
	}
	r := rtMust(t, dir, 1, "run", "-s", "bad_table", "bad_view", "bad_loop", "--threads", "1")
	res := rtResults(t, dir)
	for _, c := range cases {
		if !strings.Contains(r.err, c.want) {
			t.Errorf("%s: the console lacks %q:\n%s", c.name, c.want, r.err)
		}
		x := res["model.shop."+c.name]
		if x.Message == nil || !strings.HasPrefix(*x.Message, c.want) {
			t.Errorf("%s: run_results message = %v, want it to start with %q", c.name, x.Message, c.want)
			continue
		}
		if want := "fix the SQL in models/" + c.name + ".sql and run again"; !strings.Contains(*x.Message, want) {
			t.Errorf("%s: the message does not say what to do (%q):\n%s", c.name, want, *x.Message)
		}
	}
	if strings.Contains(r.err, "<builtin>") {
		t.Errorf("the errors still point into the built-in materializations:\n%s", r.err)
	}
}
