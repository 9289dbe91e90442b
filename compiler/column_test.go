package compiler

import (
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// TestColumnClass checks api.Column's class methods and a Column's properties against
// dbt-adapters' base/column.py (the expected strings are what that Python returns).
func TestColumnClass(t *testing.T) {
	p := loadCase(t, "features", Options{})
	expectInline(t, p, []inlineCase{
		{"{{ api.Column.translate_type('string') }}|{{ api.Column.translate_type('int') }}", "TEXT|int"},
		{"{{ api.Column.string_type(30) }}|{{ api.Column.numeric_type('numeric', 12, 2) }}|{{ api.Column.numeric_type('numeric', none, 2) }}", "character varying(30)|numeric(12,2)|numeric"},
		{"{% set c = api.Column.create('id', 'string') %}{{ c.name }} {{ c.dtype }} {{ c.data_type }} {{ c.is_string() }} {{ c.string_size() }} {{ c.quoted }}", `id TEXT character varying(256) True 256 "id"`},
		{"{% set c = api.Column.from_description('amt', 'numeric(10, 2)') %}{{ c.dtype }} {{ c.numeric_precision }} {{ c.numeric_scale }} {{ c.data_type }} {{ c.is_numeric() }} {{ c.is_number() }} {{ c.literal(3) }}", "numeric 10 2 numeric(10,2) True True 3::numeric(10,2)"},
		{"{% set a = api.Column.from_description('s', 'varchar(10)') %}{% set b = api.Column.from_description('s', 'varchar(20)') %}{{ a.char_size }} {{ a.can_expand_to(b) }} {{ b.can_expand_to(a) }} {{ a.data_type }}", "10 True False character varying(10)"},
		{"{{ api.Column.create('x', 'hugeint').is_integer() }}|{{ api.Column.create('x', 'double').is_float() }}|{{ api.Column.create('s', 'STRUCT(a INT)').is_struct() }}", "True|True|True"},
	})
	expectInlineErrors(t, p, []inlineCase{
		{"{{ api.Column.from_description('x', 'numeric(a,2)') }}", `could not convert "a" to an integer`},
		{"{{ api.Column.create('x', 'int').string_size() }}", "Called string_size() on non-string field!"},
	})
}

// TestColumnAdapters checks the per-adapter overrides (dbt-snowflake's SnowflakeColumn,
// dbt-duckdb's DuckDBColumn, dbt-postgres's PostgresColumn) on columns as the warehouse reports them.
func TestColumnAdapters(t *testing.T) {
	for _, c := range []struct {
		adapter, dtype                 string
		dataType                       string
		isInt, isNumeric, isStr, isFlt bool
	}{
		{"snowflake", "NUMBER(38,0)", "NUMBER(38,0)", false, true, false, false},
		{"snowflake", "TEXT", "character varying(16777216)", false, false, true, false},
		{"snowflake", "VARCHAR(12)", "character varying(12)", false, false, true, false},
		{"duckdb", "VARCHAR", "character varying(256)", false, false, true, false},
		{"duckdb", "DECIMAL(18,3)", "DECIMAL(18,3)", false, true, false, false},
		{"duckdb", "INTEGER", "INTEGER", true, false, false, false},
		{"duckdb", "FLOAT", "FLOAT", false, false, false, true},
		{"postgres", "character varying(40)", "character varying(40)", false, false, true, false},
		// dbt-postgres's PostgresColumn.data_type keeps text and unsized varchar as they are.
		{"postgres", "text", "text", false, false, true, false},
		{"postgres", "character varying", "character varying", false, false, true, false},
		{"postgres", "double precision", "double precision", false, false, false, true},
		{"postgres", "integer", "integer", true, false, false, false},
	} {
		o := newColumn(warehouse.Column{Name: "c", DataType: c.dtype}, fallbackDialect{typ: c.adapter})
		if got := o.dataType(); got != c.dataType {
			t.Errorf("%s %s: data_type %q, want %q", c.adapter, c.dtype, got, c.dataType)
		}
		if o.isInteger() != c.isInt || o.isNumeric() != c.isNumeric || o.isString() != c.isStr || o.isFloat() != c.isFlt {
			t.Errorf("%s %s: int/numeric/string/float = %v/%v/%v/%v, want %v/%v/%v/%v", c.adapter, c.dtype,
				o.isInteger(), o.isNumeric(), o.isString(), o.isFloat(), c.isInt, c.isNumeric, c.isStr, c.isFlt)
		}
	}
}
