{#- Unit tests (dbt 1.8+): the `unit` materialization and the fixture SQL it is built from,
    after dbt-adapters' global_project macros/materializations/tests/unit.sql,
    materializations/tests/helpers.sql (get_unit_test_sql) and
    unit_test_sql/get_fixture_sql.sql. gdbt's compiler hands the materialization the model's
    SQL with every input already replaced by a CTE of fixture rows. -#}

{#- One input's rows as a SELECT per row, typed from the input relation's columns: a column a
    row leaves out is a typed null, a value is cast to the column's type. -#}
{%- macro get_fixture_sql(rows, column_name_to_data_types) -%}
-- Fixture for {{ model.name }}
{%- set default_row = {} -%}
{%- set column_name_to_quoted = {} -%}
{%- if not column_name_to_data_types -%}
  {%- if load_relation(this) -%}
    {%- set columns_in_relation = get_columns_for_unit_tests(this) -%}
  {%- elif gdbt_input_sql -%}
    {#- gdbt: the input is not built yet; its columns are typed from its own SQL run empty
        (what `--empty` would build), where dbt asks for that build first. -#}
    {%- set columns_in_relation = gdbt_columns_of_query(this, gdbt_input_sql) -%}
  {%- else -%}
    {%- set columns_in_relation = [] -%}
  {%- endif -%}
  {%- set column_name_to_data_types = {} -%}
  {%- for column in columns_in_relation -%}
    {%- do column_name_to_data_types.update({column.name | lower: column.data_type}) -%}
    {%- do column_name_to_quoted.update({column.name | lower: column.quoted}) -%}
  {%- endfor -%}
{%- endif -%}
{%- if not column_name_to_data_types -%}
  {{ exceptions.raise_compiler_error("Not able to get columns for unit test '" ~ model.name ~ "' from relation " ~ this ~ " because the relation doesn't exist") }}
{%- endif -%}
{%- for column_name, column_type in column_name_to_data_types.items() -%}
  {%- do default_row.update({column_name: (safe_cast("null", column_type) | trim)}) -%}
{%- endfor -%}
{{ validate_fixture_rows(rows, row_number) }}
{%- for row in rows -%}
  {%- set formatted_row = format_row(row, column_name_to_data_types) -%}
  {%- set full_row = default_row.copy() -%}
  {%- do full_row.update(formatted_row) %}
select
  {%- for column_name, column_value in full_row.items() %} {{ column_value }} as {{ column_name_to_quoted[column_name] }}{% if not loop.last %},{% endif %}
  {%- endfor %}
  {%- if not loop.last %}
union all
  {%- endif -%}
{%- endfor -%}
{%- if (rows | length) == 0 %}
select
  {%- for column_name, column_value in default_row.items() %} {{ column_value }} as {{ column_name_to_quoted[column_name] }}{% if not loop.last %},{% endif %}
  {%- endfor %}
limit 0
{%- endif -%}
{%- endmacro %}

{#- The expected rows as SELECTs, cast to the types of the model's own output columns. -#}
{%- macro get_expected_sql(rows, column_name_to_data_types, column_name_to_quoted) -%}
{%- if (rows | length) == 0 -%}
select * from dbt_internal_unit_test_actual
limit 0
{%- else -%}
  {%- for row in rows -%}
    {%- set formatted_row = format_row(row, column_name_to_data_types) %}
select
    {%- for column_name, column_value in formatted_row.items() %} {{ column_value }} as {{ column_name_to_quoted[column_name] }}{% if not loop.last %},{% endif %}
    {%- endfor %}
    {%- if not loop.last %}
union all
    {%- endif -%}
  {%- endfor -%}
{%- endif -%}
{%- endmacro %}

{#- A row with lower-cased column names and SQL literals cast to each column's type; a
    column the relation does not have is an error naming the accepted ones. -#}
{%- macro format_row(row, column_name_to_data_types) -%}
  {%- set formatted_row = {} -%}
  {%- for column_name, column_value in row.items() -%}
    {%- set column_name = column_name | lower -%}
    {%- if column_name not in column_name_to_data_types -%}
      {%- set fixture_name = "expected output" if model.resource_type == 'unit_test' else ("'" ~ model.name ~ "'") -%}
      {{ exceptions.raise_compiler_error("Invalid column name: '" ~ column_name ~ "' in unit test fixture for " ~ fixture_name ~ ".\nAccepted columns for " ~ fixture_name ~ " are: " ~ (column_name_to_data_types.keys() | list)) }}
    {%- endif -%}
    {%- set column_type = column_name_to_data_types[column_name] -%}
    {#- A string keeps its full length: varchar(n) would truncate it silently. -#}
    {%- if column_value is string and 'varying' in column_type -%}
      {%- set column_type = column_type.split('(')[0] -%}
    {%- endif -%}
    {%- set literal = column_value -%}
    {%- if column_value is string -%}
      {%- set literal = dbt.string_literal(dbt.escape_single_quotes(column_value)) -%}
    {%- elif column_value is none -%}
      {%- set literal = 'null' -%}
    {%- endif -%}
    {%- do formatted_row.update({column_name: safe_cast(literal, column_type)}) -%}
  {%- endfor -%}
  {{- return(formatted_row) -}}
{%- endmacro %}

{%- macro validate_fixture_rows(rows, row_number) -%}
  {{- return(adapter.dispatch('validate_fixture_rows', 'dbt')(rows, row_number)) -}}
{%- endmacro %}

{%- macro default__validate_fixture_rows(rows, row_number) -%}
{%- endmacro %}

{#- The columns a query returns, typed by building it empty into a scratch table beside
    relation (dropped again). -#}
{%- macro gdbt_columns_of_query(relation, sql) -%}
  {%- set scratch = make_temp_relation(relation.incorporate(type='table'), '__dbt_fixture_tmp') -%}
  {%- do adapter.create_schema(relation) -%}
  {%- do adapter.drop_relation(scratch) -%}
  {%- do run_query(get_create_table_as_sql(False, scratch, get_empty_subquery_sql(sql))) -%}
  {%- set columns = get_columns_for_unit_tests(scratch) -%}
  {%- do adapter.drop_relation(scratch) -%}
  {{- return(columns) -}}
{%- endmacro %}

{%- macro get_columns_for_unit_tests(relation) -%}
  {{- return(adapter.dispatch('get_columns_for_unit_tests', 'dbt')(relation)) -}}
{%- endmacro %}

{%- macro default__get_columns_for_unit_tests(relation) -%}
  {{- return(adapter.get_columns_in_relation(relation)) -}}
{%- endmacro %}

{#- Actual and expected rows in one result, told apart by actual_or_expected. -#}
{%- macro get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
  {{- adapter.dispatch('get_unit_test_sql', 'dbt')(main_sql, expected_fixture_sql, expected_column_names) -}}
{%- endmacro %}

{%- macro default__get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
-- Build actual result given inputs
with dbt_internal_unit_test_actual as (
  select
    {% for c in expected_column_names %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}, {{ dbt.string_literal("actual") }} as {{ adapter.quote("actual_or_expected") }}
  from (
    {{ main_sql }}
  ) _dbt_internal_unit_test_actual
),
-- Build expected result
dbt_internal_unit_test_expected as (
  select
    {% for c in expected_column_names %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}, {{ dbt.string_literal("expected") }} as {{ adapter.quote("actual_or_expected") }}
  from (
    {{ expected_fixture_sql }}
  ) _dbt_internal_unit_test_expected
)
-- Union actual and expected results
select * from dbt_internal_unit_test_actual
union all
select * from dbt_internal_unit_test_expected
{%- endmacro %}

{#- The model's output columns are typed by building it empty into a scratch table beside
    the test's relation (a plain table, as everywhere in gdbt: a pooled connection may not be
    the one that created a session-temporary one), which is dropped afterwards. -#}
{%- materialization unit, default -%}
  {%- set expected_rows = config.get('expected_rows') -%}
  {%- set expected_sql = config.get('expected_sql') -%}
  {%- set tested_expected_column_names = expected_rows[0].keys() if (expected_rows | length) > 0 else get_columns_in_query(sql) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set temp_relation = make_temp_relation(target_relation) -%}
  {%- do adapter.create_schema(target_relation) -%}
  {%- do adapter.drop_relation(temp_relation) -%}
  {%- do run_query(get_create_table_as_sql(False, temp_relation, get_empty_subquery_sql(sql))) -%}
  {%- set columns_in_relation = get_columns_for_unit_tests(temp_relation) -%}
  {%- do adapter.drop_relation(temp_relation) -%}
  {%- set column_name_to_data_types = {} -%}
  {%- set column_name_to_quoted = {} -%}
  {%- for column in columns_in_relation -%}
    {%- do column_name_to_data_types.update({column.name | lower: column.data_type}) -%}
    {%- do column_name_to_quoted.update({column.name | lower: column.quoted}) -%}
  {%- endfor -%}
  {%- set expected_column_names_quoted = [] -%}
  {%- for column_name in tested_expected_column_names -%}
    {%- if column_name | lower not in column_name_to_quoted -%}
      {{ exceptions.raise_compiler_error("Invalid column name: '" ~ (column_name | lower) ~ "' in unit test fixture for expected output.\nAccepted columns for expected output are: " ~ (column_name_to_data_types.keys() | list)) }}
    {%- endif -%}
    {%- do expected_column_names_quoted.append(column_name_to_quoted[column_name | lower]) -%}
  {%- endfor -%}
  {%- if not expected_sql -%}
    {%- set expected_sql = get_expected_sql(expected_rows, column_name_to_data_types, column_name_to_quoted) -%}
  {%- endif -%}
  {%- set unit_test_sql = get_unit_test_sql(sql, expected_sql, expected_column_names_quoted) -%}
  {%- call statement('main', fetch_result=True) -%}
    {{ unit_test_sql }}
  {%- endcall -%}
  {{ return({'relations': []}) }}
{%- endmaterialization -%}
