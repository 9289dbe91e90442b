package compiler

import (
	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// agateDataType is a result column's .data_type. dbt's run_query returns an agate table
// whose column types agate's TypeTester infers from the values (dbt-common
// dbt_common/clients/agate_helper.py table_from_data_flat), and packages call the type's
// jsonify to turn a cell into a JSON/YAML-ready value (dbt-profiler's print_profile_schema).
// Printed, it is the warehouse's type name, as gdbt showed before.
type agateDataType struct {
	col    *tableColumn
	dbType string
}

// JinjaString is the warehouse's name of the column's type.
func (d *agateDataType) JinjaString() string { return d.dbType }

// Attr implements jinja.Object: jsonify(value) as agate's DataType subclasses define it:
// Number gives float(d), Date and DateTime d.isoformat(), the others (dbt's Integer,
// Boolean, Text) d itself; None stays None.
func (d *agateDataType) Attr(name string) (jinja.Value, bool) {
	if name != "jsonify" {
		return nil, false
	}
	return jinja.Func(func(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
		a := bindArgs(args, kw, "d")
		v := a["d"]
		switch x := v.(type) {
		case nil:
			return nil, nil
		case int64:
			if d.isNumber() {
				return float64(x), nil
			}
			return x, nil
		case jinja.Object:
			if iso, ok := x.Attr("isoformat"); ok {
				if f, ok := iso.(jinja.Callable); ok {
					return f.CallJinja(c, nil, nil)
				}
			}
		}
		return v, nil
	}), true
}

// isNumber reports whether agate would type the column Number rather than dbt's Integer:
// some value of it is not a whole number.
func (d *agateDataType) isNumber() bool {
	for _, v := range d.col.JinjaIter() {
		if _, ok := v.(float64); ok {
			return true
		}
	}
	return false
}
