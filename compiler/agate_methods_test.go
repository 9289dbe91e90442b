package compiler

import (
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// TestAgatePrintTable checks print_table's grid: numbers right-aligned with thousands
// separators at the column's precision (at most max_precision), None blank, long text cut,
// rows past max_rows and columns past max_columns shown as "...".
func TestAgatePrintTable(t *testing.T) {
	tbl := newTable(&warehouse.Table{
		Columns: []warehouse.Column{{Name: "name"}, {Name: "n"}, {Name: "x"}},
		Rows:    [][]any{{"alpha", int64(1234), 1.5}, {"b", int64(2), nil}, {nil, int64(-7), 0.25}},
	})
	want := "| name  |     n |    x |\n" +
		"| ----- | ----- | ---- |\n" +
		"| alpha | 1,234 | 1.50 |\n" +
		"| b     |     2 |      |\n" +
		"|       |    -7 | 0.25 |"
	if got := tbl.format(20, 6, 20, 3); got != want {
		t.Errorf("print_table:\n%s\nwant\n%s", got, want)
	}
	want = "| name |     n | ... |\n" +
		"| ---- | ----- | --- |\n" +
		"| a... | 1,234 | ... |\n" +
		"| ...  |   ... | ... |"
	if got := tbl.format(1, 2, 4, 3); got != want {
		t.Errorf("print_table with limits:\n%s\nwant\n%s", got, want)
	}
}
