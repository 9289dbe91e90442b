// Package unittest runs dbt unit tests (dbt 1.8+) and judges them: the compiler builds a
// test's SQL and runs the `unit` materialization (compiler.Project.ExecuteUnitTest); this
// package splits the result into actual and expected rows, compares them ignoring order,
// and on a difference renders the table dbt prints, which dbt draws with daff's
// TerminalDiffRender (dbt-core task/test.py, TestRunner._get_daff_diff and
// _render_daff_diff). It is a concept of its own, apart from the compiler and the runner,
// which only calls Run.
package unittest

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// Outcome is one unit test's verdict.
type Outcome struct {
	compiler.UnitTestResult
	// Failed is true when actual and expected rows differ; Message is then dbt's message:
	// "\n\nactual differs from expected:\n\n<diff table>\n".
	Failed  bool
	Message string
}

// Run executes unit test ut and compares its rows. An error is a test that could not run
// (bad fixture, SQL error), which dbt reports as an error rather than a failure.
func Run(ctx context.Context, p *compiler.Project, a warehouse.Adapter, ut *manifest.Node) (*Outcome, error) {
	res, err := p.ExecuteUnitTest(ctx, a, ut)
	if err != nil {
		o := &Outcome{}
		if res != nil {
			o.UnitTestResult = *res
		}
		return o, err
	}
	o := &Outcome{UnitTestResult: *res}
	cols, actual, expected, err := Split(res.Table)
	if err != nil {
		return o, fmt.Errorf("unit test %s: %w", ut.Name, err)
	}
	if diff, differs := Diff(cols, expected, actual); differs {
		o.Failed = true
		o.Message = "\n\nactual differs from expected:\n\n" + diff + "\n"
	}
	return o, nil
}

// Split separates the unit materialization's result into the compared columns and the
// actual and expected rows (dbt's _get_unit_test_agate_table).
func Split(t *warehouse.Table) (cols []string, actual, expected [][]any, err error) {
	if t == nil {
		return nil, nil, nil, fmt.Errorf("no result table")
	}
	flag := -1
	for i, c := range t.Columns {
		if strings.EqualFold(c.Name, "actual_or_expected") {
			flag = i
			continue
		}
		cols = append(cols, c.Name)
	}
	if flag < 0 {
		return nil, nil, nil, fmt.Errorf("the result has no actual_or_expected column")
	}
	for _, r := range t.Rows {
		row := make([]any, 0, len(r)-1)
		for i, v := range r {
			if i != flag {
				row = append(row, v)
			}
		}
		switch Cell(r[flag]) {
		case "actual":
			actual = append(actual, row)
		case "expected":
			expected = append(expected, row)
		}
	}
	return cols, actual, expected, nil
}

// Cell is a value as the diff shows it: Python's spelling of what agate would hold
// (True/False, None as NULL, numbers without a trailing .0 when integral).
func Cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case []byte:
		return string(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return Cell(float64(x))
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	}
	return fmt.Sprint(v)
}

// sortRows orders rows as dbt's list_rows_from_table(sort=True): column by column, nulls
// after values, numbers numerically.
func sortRows(rows [][]any) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		for k := range a {
			if k >= len(b) {
				return false
			}
			if c := compareCells(a[k], b[k]); c != 0 {
				return c < 0
			}
		}
		return false
	})
}

func compareCells(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	fa, oka := warehouse.CellNumber(a)
	fb, okb := warehouse.CellNumber(b)
	if oka && okb {
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	}
	if ta, ok := a.(time.Time); ok {
		if tb, ok := b.(time.Time); ok {
			return ta.Compare(tb)
		}
	}
	return strings.Compare(Cell(a), Cell(b))
}
