package warehouse

import "testing"

func TestErrorPosition(t *testing.T) {
	long := "select 1 as aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, 2 as bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, 3 as cccccccccccccccccccccccccccccccccccccccccccccc, nosuch as x, 4 as dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd from range(1)"
	cases := []struct {
		name, msg, sql string
		line, col      int
		ok             bool
	}{
		{"duckdb", "Binder Error: Referenced column \"nosuchcol\" not found in FROM clause!\nCandidate bindings: \"range\"\n\nLINE 4:   nosuchcol + 1 as b\n          ^",
			"create table t as (\n\nselect 1 as a,\n  nosuchcol + 1 as b\nfrom range(3)\n)", 4, 3, true},
		// DuckDB shortens long lines with "..." on both sides of the spot.
		{"duckdb shortened", "Binder Error: Referenced column \"nosuch\" not found in FROM clause!\n\nLINE 2: ...bbbb, 3 as cccccccccccccccccccccccccccccccccccccccccccccc, nosuch as x, 4 as ddddddddddddddddddddddddddddddddddddddddd...\n                                                                      ^",
			"create view v as\n" + long, 2, 191, true},
		// The excerpt is not in the SQL given: the line is still known.
		{"duckdb elsewhere", "Parser Error: syntax error at or near \"fom\"\n\nLINE 1: select 1 fom x\n                 ^", "select 2", 1, 0, true},
		{"postgres", `column "nope" does not exist (SQLSTATE 42703) (at line 3, column 8 of the SQL sent)`, "", 3, 8, true},
		{"snowflake", "000904 (42000): SQL compilation error: error line 3 at position 7\ninvalid identifier 'NOPE'", "", 3, 8, true},
		{"none", "Catalog Error: Table with name x does not exist!", "select * from x", 0, 0, false},
	}
	for _, c := range cases {
		line, col, ok := ErrorPosition(c.msg, c.sql)
		if line != c.line || col != c.col || ok != c.ok {
			t.Errorf("%s: ErrorPosition = %d, %d, %v; want %d, %d, %v", c.name, line, col, ok, c.line, c.col, c.ok)
		}
	}
	if got := sqlLine("a\nb\nc", 2); got != "b" {
		t.Errorf("sqlLine = %q", got)
	}
}
