package compiler

import (
	"fmt"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/compiler/pylib"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// tableObj is a query result as templates see dbt's agate table: .columns (each with .name
// and .values()), .column_names, .rows (each indexable by name; by position where the engine
// supports indexing host objects), and the agate methods in agate_methods.go.
type tableObj struct {
	t    *warehouse.Table
	rows *jinja.List
}

func newTable(t *warehouse.Table) *tableObj {
	if t == nil {
		t = &warehouse.Table{}
	}
	o := &tableObj{t: t, rows: &jinja.List{}}
	for _, r := range t.Rows {
		o.rows.Items = append(o.rows.Items, &rowObj{t: o, vals: r})
	}
	return o
}

func (o *tableObj) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "rows":
		return o.rows, true
	case "columns":
		// agate's Table.columns: a MappedSequence keyed by column name.
		m := &mappedSeq{keys: make([]string, len(o.t.Columns)), vals: make([]jinja.Value, len(o.t.Columns))}
		for i, c := range o.t.Columns {
			m.keys[i], m.vals[i] = c.Name, &tableColumn{t: o, i: i}
		}
		return m, true
	case "column_names":
		l := &jinja.List{}
		for _, c := range o.t.Columns {
			l.Items = append(l.Items, c.Name)
		}
		return l, true
	case "column_types":
		l := &jinja.List{}
		for _, c := range o.t.Columns {
			l.Items = append(l.Items, c.DataType)
		}
		return l, true
	case "length", "__len__":
		return int64(len(o.t.Rows)), true
	}
	if m := o.method(name); m != nil {
		return m, true
	}
	return nil, false
}

// JinjaItem indexes the table by row number, and by column name.
func (o *tableObj) JinjaItem(k jinja.Value) (jinja.Value, bool) {
	if i, ok := k.(int64); ok {
		if i < 0 {
			i += int64(len(o.rows.Items))
		}
		if i >= 0 && int(i) < len(o.rows.Items) {
			return o.rows.Items[i], true
		}
		return nil, false
	}
	return o.Attr(str(k))
}

// JinjaIter lets templates loop over (and take the length of) the rows.
func (o *tableObj) JinjaIter() []jinja.Value { return o.rows.Items }

// rowObj is one result row.
type rowObj struct {
	t    *tableObj
	vals []any
}

func (r *rowObj) Attr(name string) (jinja.Value, bool) {
	for i, c := range r.t.t.Columns {
		if c.Name == name {
			return cellValue(r.vals[i]), true
		}
	}
	switch name {
	case "keys":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			l := &jinja.List{}
			for _, c := range r.t.t.Columns {
				l.Items = append(l.Items, c.Name)
			}
			return l, nil
		}), true
	case "values":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return r.tuple(), nil
		}), true
	case "dict":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			d := jinja.NewDict()
			for i, c := range r.t.t.Columns {
				d.Set(c.Name, cellValue(r.vals[i]))
			}
			return d, nil
		}), true
	}
	return nil, false
}

// JinjaItem indexes a row by position or column name.
func (r *rowObj) JinjaItem(k jinja.Value) (jinja.Value, bool) {
	if i, ok := k.(int64); ok {
		if i < 0 {
			i += int64(len(r.vals))
		}
		if i >= 0 && int(i) < len(r.vals) {
			return cellValue(r.vals[i]), true
		}
		return nil, false
	}
	return r.Attr(str(k))
}

func (r *rowObj) JinjaIter() []jinja.Value { return r.tuple() }

func (r *rowObj) tuple() jinja.Tuple {
	t := make(jinja.Tuple, len(r.vals))
	for i, v := range r.vals {
		t[i] = cellValue(v)
	}
	return t
}

// JinjaString renders a row like agate's repr of its values.
func (r *rowObj) JinjaString() string { return jinja.ToString(r.tuple()) }

// cellValue converts a warehouse value for templates.
func cellValue(v any) jinja.Value {
	switch x := v.(type) {
	case time.Time:
		return pylib.NewDatetime(x, x.Location() == time.UTC)
	case []byte:
		return string(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case float32:
		return float64(x)
	case nil, bool, int64, float64, string:
		return x
	}
	return fmt.Sprint(v)
}

// tableColumn is one column of a result: .name, .index, .values(), .data_type. Like agate's
// Column (a MappedSequence over the rows) it iterates and indexes its values.
type tableColumn struct {
	t *tableObj
	i int
}

// JinjaIter iterates the column's values, one per row.
func (c *tableColumn) JinjaIter() []jinja.Value {
	out := make([]jinja.Value, len(c.t.t.Rows))
	for j, r := range c.t.t.Rows {
		out[j] = cellValue(r[c.i])
	}
	return out
}

// JinjaItem is the value in row k.
func (c *tableColumn) JinjaItem(k jinja.Value) (jinja.Value, bool) {
	i, ok := k.(int64)
	if !ok {
		return nil, false
	}
	n := int64(len(c.t.t.Rows))
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return nil, false
	}
	return cellValue(c.t.t.Rows[i][c.i]), true
}

func (c *tableColumn) Attr(name string) (jinja.Value, bool) {
	col := c.t.t.Columns[c.i]
	switch name {
	case "name":
		return col.Name, true
	case "data_type":
		return &agateDataType{col: c, dbType: col.DataType}, true
	case "index":
		return int64(c.i), true
	case "values", "values_distinct", "values_without_nulls":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			t := jinja.Tuple{}
			seen := map[string]bool{}
			for _, v := range c.JinjaIter() {
				if name == "values_without_nulls" && v == nil {
					continue
				}
				if name == "values_distinct" {
					k := jinja.ToString(v)
					if seen[k] {
						continue
					}
					seen[k] = true
				}
				t = append(t, v)
			}
			return t, nil
		}), true
	}
	return nil, false
}
