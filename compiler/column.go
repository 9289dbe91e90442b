package compiler

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// columnObj is dbt's Column (dbt-adapters: dbt/adapters/base/column.py), with the
// overrides of the adapter in use: dbt-snowflake's SnowflakeColumn (no integers, every
// integer type is NUMBER; strings up to 16 MB) and dbt-duckdb's DuckDBColumn (its integer
// and float names, structs). data_type is dbt's property: a string column reports
// string_type(string_size()), a numeric one numeric_type(dtype, precision, scale).
type columnObj struct {
	name, dtype      string
	charSize         jinja.Value // int64 or None
	precision, scale jinja.Value
	adapter          string // duckdb, postgres, snowflake, …
	d                warehouse.Dialect
}

var sizedType = regexp.MustCompile(`^\s*([^(]+?)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)\s*$`)

// newColumn reads a warehouse column as dbt's information-schema macros return it: the base
// type, with the length of a string type or the precision and scale of a numeric one apart.
func newColumn(c warehouse.Column, d warehouse.Dialect) *columnObj {
	o := &columnObj{name: c.Name, dtype: c.DataType, d: d}
	if d != nil {
		o.adapter = d.Type()
	}
	if m := sizedType.FindStringSubmatch(c.DataType); m != nil {
		probe := &columnObj{dtype: m[1], adapter: o.adapter}
		n, _ := strconv.ParseInt(m[2], 10, 64)
		switch {
		case m[3] == "" && probe.isString():
			o.dtype, o.charSize = m[1], n
		case m[3] != "" && probe.isNumeric():
			s, _ := strconv.ParseInt(m[3], 10, 64)
			o.dtype, o.precision, o.scale = m[1], n, s
		}
	}
	return o
}

func inList(s string, list ...string) bool {
	s = strings.ToLower(s)
	for _, l := range list {
		if s == l {
			return true
		}
	}
	return false
}

func (o *columnObj) isString() bool {
	return inList(o.dtype, "text", "character varying", "character", "varchar")
}

func (o *columnObj) isFloat() bool {
	if o.adapter == "duckdb" {
		return inList(o.dtype, "real", "float", "float4", "float8", "double")
	}
	return inList(o.dtype, "real", "float4", "float", "double precision", "float8", "double")
}

func (o *columnObj) isInteger() bool {
	switch o.adapter {
	case "snowflake":
		return false // everything that smells like an int is a NUMBER(38, 0)
	case "duckdb":
		return inList(o.dtype, "tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint", "uinteger", "ubigint",
			"int1", "int2", "int4", "int8", "short", "int", "signed", "long")
	}
	return inList(o.dtype, "smallint", "integer", "bigint", "smallserial", "serial", "bigserial", "int2", "int4", "int8", "serial2", "serial4", "serial8")
}

func (o *columnObj) isNumeric() bool {
	if o.adapter == "snowflake" {
		return inList(o.dtype, "int", "integer", "bigint", "smallint", "tinyint", "byteint", "numeric", "decimal", "number")
	}
	return inList(o.dtype, "numeric", "decimal")
}

func (o *columnObj) stringSize() (int64, error) {
	if !o.isString() {
		return 0, fmt.Errorf("Called string_size() on non-string field!")
	}
	if n, ok := o.charSize.(int64); ok && o.dtype != "text" {
		return n, nil
	}
	if o.adapter == "snowflake" {
		return 16777216, nil
	}
	return 256, nil
}

// dataType is dbt's Column.data_type property.
func (o *columnObj) dataType() string {
	// dbt-postgres's PostgresColumn.data_type (dbt/adapters/postgres/column.py): "on
	// postgres, do not convert 'text' or 'varchar' to 'varchar()'", so a text column stays
	// text (dbt_utils.union_relations casts to it) instead of character varying(256).
	if o.adapter == "postgres" {
		if dt := strings.ToLower(o.dtype); dt == "text" || (dt == "character varying" && o.charSize == nil) {
			return o.dtype
		}
	}
	switch {
	case o.isString():
		n, _ := o.stringSize()
		return stringType(n)
	case o.isNumeric():
		return numericType(o.dtype, o.precision, o.scale)
	}
	return o.dtype
}

func stringType(size int64) string { return fmt.Sprintf("character varying(%d)", size) }

func numericType(dtype string, precision, scale jinja.Value) string {
	if precision == nil || scale == nil {
		return dtype
	}
	return fmt.Sprintf("%s(%s,%s)", dtype, jinja.ToString(precision), jinja.ToString(scale))
}

func (o *columnObj) Attr(name string) (jinja.Value, bool) {
	pred := func(b bool) (jinja.Value, bool) {
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) { return b, nil }), true
	}
	switch name {
	case "name", "column":
		return o.name, true
	case "dtype":
		return o.dtype, true
	case "data_type", "expanded_data_type":
		return o.dataType(), true
	case "char_size":
		return o.charSize, true
	case "numeric_precision":
		return o.precision, true
	case "numeric_scale":
		return o.scale, true
	case "quoted":
		return `"` + o.name + `"`, true // base Column.quoted: always double quotes
	case "is_string":
		return pred(o.isString())
	case "is_number":
		return pred(o.isInteger() || o.isNumeric() || o.isFloat())
	case "is_numeric":
		return pred(o.isNumeric())
	case "is_integer":
		return pred(o.isInteger())
	case "is_float":
		return pred(o.isFloat())
	case "is_struct":
		return pred(o.adapter == "duckdb" && strings.HasPrefix(strings.ToLower(o.dtype), "struct"))
	case "string_size":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			n, err := o.stringSize()
			return n, err
		}), true
	case "can_expand_to":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			other, ok := bindArgs(args, kw, "other_column")["other_column"].(*columnObj)
			if !ok || !o.isString() || !other.isString() {
				return false, nil
			}
			a, _ := o.stringSize()
			b, _ := other.stringSize()
			return b > a, nil
		}), true
	case "literal":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			return fmt.Sprintf("%s::%s", str(bindArgs(args, kw, "value")["value"]), o.dataType()), nil
		}), true
	}
	return nil, false
}

// JinjaString is the dataclass repr dbt prints for a column.
func (o *columnObj) JinjaString() string {
	return fmt.Sprintf("Column(column=%s, dtype=%s, char_size=%s, numeric_precision=%s, numeric_scale=%s)",
		jinja.Repr(o.name), jinja.Repr(o.dtype), jinja.Repr(o.charSize), jinja.Repr(o.precision), jinja.Repr(o.scale))
}

// columnFactory is api.Column: the class, with its class methods (base/column.py).
type columnFactory struct{ adapter string }

// typeLabels is Column.TYPE_LABELS: translate_type's table (the base class's; the adapters
// gdbt speaks keep it).
var typeLabels = map[string]string{"STRING": "TEXT"}

func (f columnFactory) Attr(name string) (jinja.Value, bool) {
	fn := func(params []string, body func(a map[string]jinja.Value) (jinja.Value, error)) (jinja.Value, bool) {
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			return body(bindArgs(args, kw, params...))
		}), true
	}
	translate := func(dtype string) string {
		if t, ok := typeLabels[strings.ToUpper(dtype)]; ok {
			return t
		}
		return dtype
	}
	switch name {
	case "TYPE_LABELS":
		d := jinja.NewDict()
		for k, v := range typeLabels {
			d.Set(k, v)
		}
		return d, true
	case "translate_type":
		return fn([]string{"dtype"}, func(a map[string]jinja.Value) (jinja.Value, error) { return translate(str(a["dtype"])), nil })
	case "create":
		return fn([]string{"name", "label_or_dtype"}, func(a map[string]jinja.Value) (jinja.Value, error) {
			return &columnObj{name: str(a["name"]), dtype: translate(str(a["label_or_dtype"])), adapter: f.adapter}, nil
		})
	case "string_type":
		return fn([]string{"size"}, func(a map[string]jinja.Value) (jinja.Value, error) {
			n, ok := a["size"].(int64)
			if !ok {
				return nil, fmt.Errorf("string_type() takes an integer size")
			}
			return stringType(n), nil
		})
	case "numeric_type":
		return fn([]string{"dtype", "precision", "scale"}, func(a map[string]jinja.Value) (jinja.Value, error) {
			return numericType(str(a["dtype"]), a["precision"], a["scale"]), nil
		})
	case "from_description":
		return fn([]string{"name", "raw_data_type"}, func(a map[string]jinja.Value) (jinja.Value, error) {
			return fromDescription(str(a["name"]), str(a["raw_data_type"]), f.adapter)
		})
	}
	return nil, false
}

var descType = regexp.MustCompile(`^([^(]+)(\([^)]+\))?`)

// fromDescription is Column.from_description: "varchar(10)" is a length, "numeric(10,2)" a
// precision and scale; what does not convert to an integer is dbt's error.
func fromDescription(name, raw, adapter string) (jinja.Value, error) {
	m := descType.FindStringSubmatch(raw)
	if m == nil {
		return nil, fmt.Errorf("Could not interpret data type %q", raw)
	}
	o := &columnObj{name: name, dtype: m[1], adapter: adapter}
	if m[2] == "" {
		return o, nil
	}
	parts := strings.Split(m[2][1:len(m[2])-1], ",")
	ints := make([]int64, len(parts))
	if len(parts) <= 2 {
		for i, p := range parts {
			n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("Could not interpret data_type %q: could not convert %q to an integer", raw, p)
			}
			ints[i] = n
		}
	}
	switch len(parts) {
	case 1:
		o.charSize = ints[0]
	case 2:
		o.precision, o.scale = ints[0], ints[1]
	}
	return o, nil
}
