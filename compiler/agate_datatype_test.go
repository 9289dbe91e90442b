package compiler

import (
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// TestAgateDataTypeJsonify reproduces dbt-profiler's print_profile_schema, which calls
// results.columns.get(key).data_type.jsonify(value) on run_query's table: agate's Number
// gives floats (every value of a column with a fraction), Date/DateTime ISO strings, the
// others the value itself; the type still prints as the warehouse's type name.
func TestAgateDataTypeJsonify(t *testing.T) {
	day := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tbl := newTable(&warehouse.Table{
		Columns: []warehouse.Column{{Name: "n", DataType: "DOUBLE"}, {Name: "i", DataType: "BIGINT"}, {Name: "s", DataType: "VARCHAR"}, {Name: "ts", DataType: "TIMESTAMP"}},
		Rows:    [][]any{{int64(3), int64(1), "a", day}, {1.5, nil, nil, nil}},
	})
	env := jinja.NewEnv()
	tpl, err := env.Parse("t", `{%- for row in results.rows -%}
{%- for key, value in row.dict().items() -%}
{{ key }}={{ results.columns.get(key).data_type.jsonify(value) }};
{%- endfor %}|{% endfor %}{{ results.columns['i'].data_type }}`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tpl.Render(env, &jinja.Context{Vars: map[string]jinja.Value{"results": tbl}})
	if err != nil {
		t.Fatal(err)
	}
	want := "n=3.0;i=1;s=a;ts=2024-01-02T03:04:05;|n=1.5;i=None;s=None;ts=None;|BIGINT"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
