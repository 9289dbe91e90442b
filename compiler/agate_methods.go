package compiler

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// The agate Table methods dbt code calls on run_query results (agate 1.x, agate/table/*.py):
// each returns a new table and leaves the receiver alone, as agate's tables are immutable.

// method returns the bound method name of the table, or nil.
func (o *tableObj) method(name string) jinja.Value {
	bind := func(params []string, f func(c *jinja.Call, a map[string]jinja.Value) (jinja.Value, error)) jinja.Value {
		return jinja.Func(func(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) > len(params) {
				return nil, fmt.Errorf("Table.%s() takes at most %d arguments (%d given)", name, len(params), len(args))
			}
			return f(c, bindArgs(args, kw, params...))
		})
	}
	switch name {
	case "rename":
		return bind([]string{"column_names", "row_names", "slug_columns", "slug_rows"}, func(_ *jinja.Call, a map[string]jinja.Value) (jinja.Value, error) {
			return o.rename(a["column_names"])
		})
	case "select", "exclude":
		return bind([]string{"key"}, func(_ *jinja.Call, a map[string]jinja.Value) (jinja.Value, error) {
			return o.project(a["key"], name == "exclude")
		})
	case "where":
		return bind([]string{"test"}, func(c *jinja.Call, a map[string]jinja.Value) (jinja.Value, error) {
			test, ok := a["test"].(jinja.Callable)
			if !ok {
				return nil, fmt.Errorf("Table.where() takes a function of a row")
			}
			out := o.derive(o.t.Columns)
			for _, r := range o.rows.Items {
				keep, err := test.CallJinja(c, []jinja.Value{r}, nil)
				if err != nil {
					return nil, err
				}
				if jinja.Truthy(keep) {
					out.Rows = append(out.Rows, r.(*rowObj).vals)
				}
			}
			return newTable(out), nil
		})
	case "order_by":
		return bind([]string{"key", "reverse"}, func(c *jinja.Call, a map[string]jinja.Value) (jinja.Value, error) {
			return o.orderBy(c, a["key"], jinja.Truthy(a["reverse"]))
		})
	case "limit":
		return bind([]string{"start_or_stop", "stop", "step"}, func(_ *jinja.Call, a map[string]jinja.Value) (jinja.Value, error) {
			return o.limit(a["start_or_stop"], a["stop"], a["step"])
		})
	case "group_by":
		return bind([]string{"key", "key_name", "key_type"}, func(c *jinja.Call, a map[string]jinja.Value) (jinja.Value, error) {
			return o.groupBy(c, a["key"])
		})
	case "print_table":
		return bind([]string{"max_rows", "max_columns", "output", "max_column_width", "locale", "max_precision"}, func(c *jinja.Call, a map[string]jinja.Value) (jinja.Value, error) {
			opt := func(k string, def int) int {
				if v, ok := a[k].(int64); ok {
					return int(v)
				}
				return def
			}
			printOut(c, o.format(opt("max_rows", 20), opt("max_columns", 6), opt("max_column_width", 20), opt("max_precision", 3)))
			return nil, nil
		})
	case "print_csv":
		return bind(nil, func(c *jinja.Call, _ map[string]jinja.Value) (jinja.Value, error) {
			var b strings.Builder
			w := csv.NewWriter(&b)
			w.UseCRLF = true // Python's csv module ends rows with \r\n
			_ = w.Write(o.names())
			for _, r := range o.t.Rows {
				rec := make([]string, len(r))
				for i, v := range r {
					if v != nil {
						rec[i] = jinja.ToString(cellValue(v))
					}
				}
				_ = w.Write(rec)
			}
			w.Flush()
			printOut(c, strings.TrimRight(b.String(), "\r\n"))
			return nil, nil
		})
	case "print_json":
		return bind([]string{"key", "newline", "indent"}, func(c *jinja.Call, _ map[string]jinja.Value) (jinja.Value, error) {
			var rows []json.RawMessage
			for _, r := range o.t.Rows {
				parts := make([]string, len(r))
				for i, v := range r {
					k, _ := json.Marshal(o.t.Columns[i].Name)
					val, _ := json.Marshal(jsonCell(v))
					parts[i] = string(k) + ": " + string(val)
				}
				rows = append(rows, json.RawMessage("{"+strings.Join(parts, ", ")+"}"))
			}
			b, _ := json.Marshal(rows)
			printOut(c, strings.ReplaceAll(string(b), "},{", "}, {"))
			return nil, nil
		})
	}
	return nil
}

// printOut sends text where {{ print() }} goes: the console (dbt prints agate tables to
// stdout), unless --no-print.
func printOut(c *jinja.Call, text string) {
	if rs := stateOf(c); rs != nil {
		rs.p.print(text)
		return
	}
	fmt.Println(text)
}

func jsonCell(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.Format("2006-01-02T15:04:05")
	}
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

func (o *tableObj) names() []string {
	out := make([]string, len(o.t.Columns))
	for i, c := range o.t.Columns {
		out[i] = c.Name
	}
	return out
}

// derive is an empty table with the given columns.
func (o *tableObj) derive(cols []warehouse.Column) *warehouse.Table {
	return &warehouse.Table{Columns: append([]warehouse.Column(nil), cols...)}
}

// columnIndex finds a column by name, with agate's KeyError.
func (o *tableObj) columnIndex(name string) (int, error) {
	for i, c := range o.t.Columns {
		if c.Name == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("KeyError: %s", jinja.Repr(name))
}

// keyList reads a key argument: one column name or a sequence of them.
func (o *tableObj) keyList(key jinja.Value) ([]int, error) {
	var names []jinja.Value
	if s, ok := key.(string); ok {
		names = []jinja.Value{s}
	} else if items, ok := iterItems(key); ok {
		names = items
	} else {
		return nil, fmt.Errorf("a column name or a list of them is expected, not %s", jinja.Repr(key))
	}
	idx := make([]int, len(names))
	for k, n := range names {
		i, err := o.columnIndex(str(n))
		if err != nil {
			return nil, err
		}
		idx[k] = i
	}
	return idx, nil
}

// rename is Table.rename(column_names): a list of new names, or a dict of old → new.
func (o *tableObj) rename(v jinja.Value) (jinja.Value, error) {
	out := o.derive(o.t.Columns)
	out.Rows = o.t.Rows
	switch x := v.(type) {
	case nil:
	case *jinja.Dict:
		for _, k := range x.Keys() {
			i, err := o.columnIndex(str(k))
			if err != nil {
				return nil, err
			}
			nv, _ := x.Get(k)
			out.Columns[i].Name = str(nv)
		}
	default:
		items, ok := iterItems(v)
		if !ok || len(items) != len(out.Columns) {
			return nil, fmt.Errorf("ValueError: column_names must be the same length as the table's columns")
		}
		for i, n := range items {
			out.Columns[i].Name = str(n)
		}
	}
	return newTable(out), nil
}

// project is Table.select(key) or, with exclude, Table.exclude(key).
func (o *tableObj) project(key jinja.Value, exclude bool) (jinja.Value, error) {
	idx, err := o.keyList(key)
	if err != nil {
		return nil, err
	}
	if exclude {
		drop := map[int]bool{}
		for _, i := range idx {
			drop[i] = true
		}
		idx = idx[:0]
		for i := range o.t.Columns {
			if !drop[i] {
				idx = append(idx, i)
			}
		}
	}
	out := &warehouse.Table{}
	for _, i := range idx {
		out.Columns = append(out.Columns, o.t.Columns[i])
	}
	for _, r := range o.t.Rows {
		nr := make([]any, len(idx))
		for k, i := range idx {
			nr[k] = r[i]
		}
		out.Rows = append(out.Rows, nr)
	}
	return newTable(out), nil
}

// sortKeys computes each row's key: the named columns' values, or a function of the row.
func (o *tableObj) sortKeys(c *jinja.Call, key jinja.Value) ([][]any, error) {
	keys := make([][]any, len(o.t.Rows))
	if fn, ok := key.(jinja.Callable); ok {
		for i, r := range o.rows.Items {
			v, err := fn.CallJinja(c, []jinja.Value{r}, nil)
			if err != nil {
				return nil, err
			}
			keys[i] = []any{v}
		}
		return keys, nil
	}
	idx, err := o.keyList(key)
	if err != nil {
		return nil, err
	}
	for i, r := range o.t.Rows {
		for _, k := range idx {
			keys[i] = append(keys[i], r[k])
		}
	}
	return keys, nil
}

// orderBy is Table.order_by: a stable sort in which None sorts after everything (agate's
// NullOrder).
func (o *tableObj) orderBy(c *jinja.Call, key jinja.Value, reverse bool) (jinja.Value, error) {
	keys, err := o.sortKeys(c, key)
	if err != nil {
		return nil, err
	}
	perm := make([]int, len(keys))
	for i := range perm {
		perm[i] = i
	}
	var cmpErr error
	sort.SliceStable(perm, func(a, b int) bool {
		x, y := keys[perm[a]], keys[perm[b]]
		if reverse {
			x, y = y, x
		}
		for k := range x {
			c, err := compareCells(x[k], y[k])
			if err != nil && cmpErr == nil {
				cmpErr = err
			}
			if c != 0 {
				return c < 0
			}
		}
		return false
	})
	if cmpErr != nil {
		return nil, cmpErr
	}
	out := o.derive(o.t.Columns)
	for _, i := range perm {
		out.Rows = append(out.Rows, o.t.Rows[i])
	}
	return newTable(out), nil
}

// compareCells orders two values as Python would, with None last.
func compareCells(a, b any) (int, error) {
	switch {
	case a == nil && b == nil:
		return 0, nil
	case a == nil:
		return 1, nil
	case b == nil:
		return -1, nil
	}
	if x, ok := warehouse.CellNumber(a); ok {
		if y, ok := warehouse.CellNumber(b); ok {
			return cmpOrdered(x, y), nil
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), nil
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y), nil
		}
	}
	ca, cb := cellValue(a), cellValue(b)
	if sa, ok := ca.(jinja.Stringer); ok {
		if sb, ok := cb.(jinja.Stringer); ok {
			return strings.Compare(sa.JinjaString(), sb.JinjaString()), nil
		}
	}
	return 0, fmt.Errorf("TypeError: '<' not supported between instances of %s and %s", jinja.Repr(ca), jinja.Repr(cb))
}

func cmpOrdered(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// limit is Table.limit(start_or_stop, stop, step): Python's slice of the rows.
func (o *tableObj) limit(startOrStop, stop, step jinja.Value) (jinja.Value, error) {
	n := len(o.t.Rows)
	var start, end, st = 0, n, 1
	norm := func(v jinja.Value, def int) int {
		i, ok := v.(int64)
		if !ok {
			return def
		}
		if i < 0 {
			i += int64(n)
		}
		return int(max(0, min(i, int64(n))))
	}
	if stop != nil || step != nil {
		start, end = norm(startOrStop, 0), norm(stop, n)
		if s, ok := step.(int64); ok && s > 0 {
			st = int(s)
		}
	} else {
		end = norm(startOrStop, n)
	}
	out := o.derive(o.t.Columns)
	for i := start; i < end; i += st {
		out.Rows = append(out.Rows, o.t.Rows[i])
	}
	return newTable(out), nil
}

// groupBy is Table.group_by(key): agate's TableSet, a MappedSequence of tables keyed by
// the group's value in order of first appearance.
func (o *tableObj) groupBy(c *jinja.Call, key jinja.Value) (jinja.Value, error) {
	keys, err := o.sortKeys(c, key)
	if err != nil {
		return nil, err
	}
	set := &mappedSeq{}
	groups := map[string]*warehouse.Table{}
	for i, k := range keys {
		var kv jinja.Value
		if len(k) > 0 {
			kv = cellValue(k[0])
			if _, isCall := key.(jinja.Callable); isCall {
				kv = k[0]
			}
		}
		name := jinja.ToString(kv)
		g, ok := groups[name]
		if !ok {
			g = o.derive(o.t.Columns)
			groups[name] = g
			set.keys = append(set.keys, name)
			set.vals = append(set.vals, nil)
		}
		g.Rows = append(g.Rows, o.t.Rows[i])
	}
	for i, k := range set.keys {
		set.vals[i] = newTable(groups[k])
	}
	return set, nil
}

// format is agate's print_table: a Markdown-like grid, numbers right-aligned with
// thousands separators and at most maxPrecision decimals, long values cut with "...",
// rows and columns beyond the limits shown as "...".
func (o *tableObj) format(maxRows, maxCols, maxWidth, maxPrecision int) string {
	cols := len(o.t.Columns)
	shown := min(cols, maxCols)
	numeric := make([]bool, shown)
	prec := make([]int, shown)
	for j := 0; j < shown; j++ {
		numeric[j] = true
		for _, r := range o.t.Rows {
			switch x := r[j].(type) {
			case nil:
			case int64, int, int32:
			case float64:
				if s := strconv.FormatFloat(x, 'f', -1, 64); strings.Contains(s, ".") {
					prec[j] = max(prec[j], len(s)-strings.Index(s, ".")-1)
				}
			default:
				numeric[j] = false
			}
		}
		prec[j] = min(prec[j], maxPrecision)
	}
	cell := func(v any, j int) string {
		if v == nil {
			return ""
		}
		if numeric[j] {
			f, _ := warehouse.CellNumber(v)
			return groupThousands(strconv.FormatFloat(math.Round(f*math.Pow10(prec[j]))/math.Pow10(prec[j]), 'f', prec[j], 64))
		}
		s := jinja.ToString(cellValue(v))
		if r := []rune(s); len(r) > maxWidth {
			s = string(r[:maxWidth-3]) + "..."
		}
		return s
	}
	grid := [][]string{}
	head := make([]string, 0, shown+1)
	for j := 0; j < shown; j++ {
		head = append(head, o.t.Columns[j].Name)
	}
	if cols > shown {
		head = append(head, "...")
	}
	grid = append(grid, head)
	for i, r := range o.t.Rows {
		if i >= maxRows {
			break
		}
		row := make([]string, 0, shown+1)
		for j := 0; j < shown; j++ {
			row = append(row, cell(r[j], j))
		}
		if cols > shown {
			row = append(row, "...")
		}
		grid = append(grid, row)
	}
	if len(o.t.Rows) > maxRows {
		row := make([]string, len(head))
		for j := range row {
			row[j] = "..."
		}
		grid = append(grid, row)
	}
	widths := make([]int, len(head))
	for _, r := range grid {
		for j, v := range r {
			widths[j] = max(widths[j], len([]rune(v)))
		}
	}
	var b strings.Builder
	line := func(r []string) {
		b.WriteString("|")
		for j, v := range r {
			pad := strings.Repeat(" ", widths[j]-len([]rune(v)))
			if j < shown && numeric[j] {
				b.WriteString(" " + pad + v + " |")
			} else {
				b.WriteString(" " + v + pad + " |")
			}
		}
		b.WriteString("\n")
	}
	line(grid[0])
	b.WriteString("|")
	for _, w := range widths {
		b.WriteString(" " + strings.Repeat("-", w) + " |")
	}
	b.WriteString("\n")
	for _, r := range grid[1:] {
		line(r)
	}
	return strings.TrimRight(b.String(), "\n")
}

// groupThousands puts commas between groups of three digits of a formatted number.
func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
