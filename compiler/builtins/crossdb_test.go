package builtins_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// crossDBCase is one cross-database macro call (a Jinja expression) and the value DuckDB
// computes for it, as text ("" when only the golden SQL is checked).
type crossDBCase struct {
	name, expr, duckdb string
}

var crossDBCases = []crossDBCase{
	{"type_string", `cast(12 as {{ dbt.type_string() }})`, "12"},
	{"type_int", `cast('7' as {{ dbt.type_int() }}) + 1`, "8"},
	{"type_bigint", `cast('9000000000' as {{ dbt.type_bigint() }})`, "9000000000"},
	{"type_float", `cast('1.25' as {{ dbt.type_float() }}) * 2`, "2.5"},
	{"type_numeric", `cast('1.5' as {{ dbt.type_numeric() }})`, "1.500000"},
	{"type_timestamp", `cast('2024-01-02 03:04:05' as {{ dbt.type_timestamp() }})`, "2024-01-02 03:04:05"},
	{"type_boolean", `cast('true' as {{ dbt.type_boolean() }})`, "true"},
	{"current_timestamp", `{{ dbt.current_timestamp() }} is not null`, "true"},
	{"current_timestamp_backcompat", `{{ dbt.current_timestamp_backcompat() }} is not null`, "true"},
	{"dateadd_day", `{{ dbt.dateadd('day', 3, "date '2024-01-30'") }}`, "2024-02-02 00:00:00"},
	{"dateadd_month", `{{ dbt.dateadd('month', 1, "date '2024-01-31'") }}`, "2024-02-29 00:00:00"},
	{"dateadd_quarter", `{{ dbt.dateadd('quarter', 1, "date '2024-01-31'") }}`, "2024-04-30 00:00:00"},
	{"dateadd_negative", `{{ dbt.dateadd('hour', -2, "timestamp '2024-01-01 01:00:00'") }}`, "2023-12-31 23:00:00"},
	{"datediff_day", `{{ dbt.datediff("date '2024-01-01'", "date '2024-03-01'", 'day') }}`, "60"},
	{"datediff_month", `{{ dbt.datediff("date '2024-01-31'", "date '2024-03-01'", 'month') }}`, "2"},
	{"datediff_year", `{{ dbt.datediff("date '2023-12-31'", "date '2024-01-01'", 'year') }}`, "1"},
	{"date_trunc", `{{ dbt.date_trunc('month', "date '2024-05-17'") }}`, "2024-05-01 00:00:00"},
	{"last_day_month", `{{ dbt.last_day("date '2024-02-10'", 'month') }}`, "2024-02-29"},
	{"last_day_quarter", `{{ dbt.last_day("date '2024-02-10'", 'quarter') }}`, "2024-03-31"},
	{"concat", `{{ dbt.concat(["'a'", "'b'", "'c'"]) }}`, "abc"},
	{"hash", `{{ dbt.hash("'a'") }}`, "0cc175b9c0f1b6a831c399e269772661"},
	{"safe_cast", `coalesce(cast({{ dbt.safe_cast("'x'", dbt.type_int()) }} as varchar), 'null')`, "null"},
	{"cast_bool_to_text", `{{ dbt.cast_bool_to_text('1 = 1') }}`, "true"},
	{"split_part", `{{ dbt.split_part("'a,b,c'", "','", 2) }}`, "b"},
	{"split_part_negative", `{{ dbt.split_part("'a,b,c'", "','", -1) }}`, "c"},
	{"listagg", `(select {{ dbt.listagg('x', "','", 'order by x') }} from (values ('b'), ('a'), ('c')) as t(x))`, "a,b,c"},
	{"listagg_limit", `(select {{ dbt.listagg('x', "'-'", 'order by x desc', 2) }} from (values ('b'), ('a'), ('c')) as t(x))`, "c-b"},
	{"any_value", `(select {{ dbt.any_value('x') }} from (values (5), (5)) as t(x))`, "5"},
	{"bool_or", `(select {{ dbt.bool_or('x > 4') }} from (values (5), (1)) as t(x))`, "true"},
	{"length", `{{ dbt.length("'abc'") }}`, "3"},
	{"position", `{{ dbt.position("'c'", "'abc'") }}`, "3"},
	{"replace", `{{ dbt.replace("'abc'", "'b'", "'x'") }}`, "axc"},
	{"right", `{{ dbt.right("'abcd'", 2) }}`, "cd"},
	{"escape_single_quotes", `'{{ dbt.escape_single_quotes("it's") }}'`, "it's"},
	{"string_literal", `{{ dbt.string_literal('hi') }}`, "hi"},
	{"except", `(select count(*) from (select 1 {{ dbt.except() }} select 2))`, "1"},
	{"intersect", `(select count(*) from (select 1 {{ dbt.intersect() }} select 2))`, "0"},
	{"array_construct", `{{ dbt.array_construct([1, 2]) }}`, "[1, 2]"},
	{"array_construct_empty", `len({{ dbt.array_construct([]) }})`, "0"},
	{"array_append", `{{ dbt.array_append(dbt.array_construct([1]), 2) }}`, "[1, 2]"},
	{"array_concat", `{{ dbt.array_concat(dbt.array_construct([1]), dbt.array_construct([2, 3])) }}`, "[1, 2, 3]"},
	{"cast", `{{ dbt.cast("'3'", dbt.type_int()) }} + 1`, "4"},
	{"date", `{{ dbt.date(2024, 2, 3) }}`, "2024-02-03"},
	{"equals_nulls", `{{ dbt.equals('null', 'null') }}`, "true"},
	{"equals_values", `{{ dbt.equals('1', '2') }}`, "false"},
	{"generate_series", `(select sum(generated_number) from ({{ dbt.generate_series(10) }}) as s)`, "55"},
	{"generate_series_default", `(select sum(generated_number) from ({{ dbt.default__generate_series(10) }}) as s)`, "55"},
	{"get_powers_of_two", `{{ dbt.get_powers_of_two(9) }}`, "4"},
	{"date_spine", `(select count(*) || ' ' || min(date_day) || ' ' || max(date_day) from ({{ dbt.date_spine('day', "date '2024-01-30'", "date '2024-02-02'") }}) as s)`, "3 2024-01-30 00:00:00 2024-02-01 00:00:00"},
	{"generate_schema_name", `'{{ generate_schema_name('stg', none) }}'`, "main_stg"},
	{"generate_schema_name_default", `'{{ generate_schema_name(none, none) }}'`, "main"},
	{"generate_alias_name_version", `'{{ generate_alias_name(none, {'name': 'orders', 'version': 2}) }}'`, "orders_v2"},
	{"generate_alias_name_custom", `'{{ generate_alias_name(' short ', {'name': 'orders'}) }}'`, "short"},
	{"generate_database_name", `'{{ generate_database_name('other', none) }}'`, "other"},
	{"empty_subquery", `(select count(*) from ({{ get_empty_subquery_sql('select 1 as a') }}))`, "0"},
}

// ddlCases are the SQL builders the materializations use, rendered offline for each target
// (they run for real on DuckDB in TestEndToEndDuckDB).
var ddlCases = []struct{ name, expr string }{
	{"create_table_as", `{{ get_create_table_as_sql(False, api.Relation.create(database=target.database, schema='s', identifier='t', type='table'), 'select 1 as a') }}`},
	{"create_temporary_table_as", `{{ get_create_table_as_sql(True, api.Relation.create(schema='s', identifier='t', type='table'), 'select 1 as a') }}`},
	{"create_view_as", `{{ get_create_view_as_sql(api.Relation.create(schema='s', identifier='v', type='view'), 'select 1 as a') }}`},
	{"swap_new", `{{ get_swap_sql(none, api.Relation.create(schema='s', identifier='t__dbt_tmp', type='table'), api.Relation.create(schema='s', identifier='t', type='table'), api.Relation.create(schema='s', identifier='t__dbt_backup', type='table')) }}`},
	{"swap_existing_view", `{{ get_swap_sql(api.Relation.create(schema='s', identifier='t', type='view'), api.Relation.create(schema='s', identifier='t__dbt_tmp', type='table'), api.Relation.create(schema='s', identifier='t', type='table'), api.Relation.create(schema='s', identifier='t__dbt_backup', type='view')) }}`},
	{"truncate", `{{ get_truncate_sql(api.Relation.create(schema='s', identifier='t', type='table')) }}`},
	{"append", `{{ get_incremental_append_sql({'target_relation': api.Relation.create(schema='s', identifier='t'), 'temp_relation': api.Relation.create(schema='s', identifier='t__dbt_tmp'), 'dest_columns': ['id', 'val']}) }}`},
	{"delete_insert_one_key", `{{ get_delete_insert_merge_sql(api.Relation.create(schema='s', identifier='t'), api.Relation.create(schema='s', identifier='t__dbt_tmp'), 'id', ['id', 'val'], ['DBT_INTERNAL_DEST.val > 0']) }}`},
	{"delete_insert_key_list", `{{ get_delete_insert_merge_sql(api.Relation.create(schema='s', identifier='t'), api.Relation.create(schema='s', identifier='t__dbt_tmp'), ['id', 'day'], ['id', 'day', 'val']) }}`},
	{"merge", `{{ get_merge_sql(api.Relation.create(schema='s', identifier='t'), api.Relation.create(schema='s', identifier='t__dbt_tmp'), ['id'], ['id', 'val']) }}`},
	{"merge_no_key", `{{ get_merge_sql(api.Relation.create(schema='s', identifier='t'), api.Relation.create(schema='s', identifier='t__dbt_tmp'), none, ['id', 'val']) }}`},
	{"test_sql", `{{ get_test_sql('select * from x where y is null', 'count(*)', '!= 0', '> 10', 5) }}`},
	{"snapshot_hash", `{{ snapshot_hash_arguments(['id', 'updated_at']) }}`},
	{"snapshot_get_time", `{{ snapshot_get_time() }}`},
}

// TestCrossDBOnDuckDB renders every cross-database macro for the DuckDB target and runs it,
// checking the value DuckDB computes.
func TestCrossDBOnDuckDB(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"dbt_project.yml", "profiles.yml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "crossdb", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := loadOrSkip(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Target: "duckdb"})
	ctx := context.Background()
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, p.Dir)
	if err != nil {
		t.Fatalf("open adapter: %v", err)
	}
	defer a.Close()
	for _, c := range crossDBCases {
		t.Run(c.name, func(t *testing.T) {
			sql, err := p.CompileInline(ctx, a, "select cast(("+c.expr+") as varchar) as v")
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			_, tbl, err := a.Execute(ctx, sql, true)
			if err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
			if len(tbl.Rows) != 1 || len(tbl.Rows[0]) != 1 {
				t.Fatalf("%s: got %v", sql, tbl.Rows)
			}
			if got, _ := tbl.Rows[0][0].(string); got != c.duckdb {
				t.Errorf("%s\n got %q, want %q", sql, got, c.duckdb)
			}
		})
	}
}

// TestCrossDBGolden renders every case (and the DDL builders) for DuckDB, PostgreSQL and Snowflake (offline: no
// connection) and compares with testdata/crossdb/golden.txt; -update rewrites it.
func TestCrossDBGolden(t *testing.T) {
	dir := filepath.Join("testdata", "crossdb")
	var b strings.Builder
	for _, target := range []string{"duckdb", "postgres", "snowflake"} {
		p := loadOrSkip(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Target: target})
		for _, c := range crossDBCases {
			sql, err := p.CompileInline(context.Background(), nil, c.expr)
			if err != nil {
				sql = "ERROR: " + err.Error()
			}
			b.WriteString("-- " + target + " " + c.name + "\n" + strings.TrimSpace(sql) + "\n")
		}
		for _, c := range ddlCases {
			sql, err := p.CompileInline(context.Background(), nil, c.expr)
			if err != nil {
				sql = "ERROR: " + err.Error()
			}
			b.WriteString("-- " + target + " ddl " + c.name + "\n" + strings.TrimSpace(sql) + "\n")
		}
	}
	golden := filepath.Join(dir, "golden.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("rendered SQL differs from %s (run with -update after checking the diff):\n%s", golden, firstDiff(string(want), b.String()))
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + w + "\n  got: " + g
		}
	}
	return ""
}
