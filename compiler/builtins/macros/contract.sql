{#- Model contracts (contract: {enforced: true}): the column check that runs before a
    contracted model is built, and the column definitions and constraints a contracted
    table is created with. Written after dbt-adapters' global project
    (macros/relations/column/columns_spec_ddl.sql, macros/adapters/columns.sql,
    macros/relations/table/create.sql); the constraint rendering and the support matrix
    are adapter methods (package contract). -#}

{%- macro get_table_columns_and_constraints() -%}
  {{- adapter.dispatch('get_table_columns_and_constraints', 'dbt')() -}}
{%- endmacro %}

{%- macro default__get_table_columns_and_constraints() -%}
  {{- return(table_columns_and_constraints()) -}}
{%- endmacro %}

{%- macro table_columns_and_constraints() -%}
  {%- set raw_column_constraints = adapter.render_raw_columns_constraints(raw_columns=model['columns']) -%}
  {%- set raw_model_constraints = adapter.render_raw_model_constraints(raw_constraints=model['constraints']) -%}
    (
    {% for c in raw_column_constraints -%}
      {{ c }}{{ "," if not loop.last or raw_model_constraints }}
    {% endfor %}
    {% for c in raw_model_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}

{%- macro get_assert_columns_equivalent(sql) -%}
  {{- adapter.dispatch('get_assert_columns_equivalent', 'dbt')(sql) -}}
{%- endmacro %}

{%- macro default__get_assert_columns_equivalent(sql) -%}
  {{- return(assert_columns_equivalent(sql)) -}}
{%- endmacro %}

{#- Compares the columns the model's SQL returns with the contract's (names, types, count)
    through two empty queries typed by the engine, and raises dbt's mismatch table. -#}
{%- macro assert_columns_equivalent(sql) -%}
  {%- set user_defined_columns = model['columns'] -%}
  {%- if not user_defined_columns -%}
    {{ exceptions.raise_contract_error([], []) }}
  {%- endif -%}
  {%- set sql_file_provided_columns = get_column_schema_from_query(sql, config.get('sql_header', none)) -%}
  {%- set schema_file_provided_columns = get_column_schema_from_query(get_empty_schema_sql(user_defined_columns)) -%}
  {%- set sql_columns = format_columns(sql_file_provided_columns) -%}
  {%- set yaml_columns = format_columns(schema_file_provided_columns) -%}
  {%- if sql_columns | length != yaml_columns | length -%}
    {%- do exceptions.raise_contract_error(yaml_columns, sql_columns) -%}
  {%- endif -%}
  {%- for sql_col in sql_columns -%}
    {%- set yaml_col = [] -%}
    {%- for this_col in yaml_columns -%}
      {%- if this_col['name'] == sql_col['name'] -%}
        {%- do yaml_col.append(this_col) -%}
        {%- break -%}
      {%- endif -%}
    {%- endfor -%}
    {%- if not yaml_col -%}
      {%- do exceptions.raise_contract_error(yaml_columns, sql_columns) -%}
    {%- endif -%}
    {%- if sql_col['formatted'] != yaml_col[0]['formatted'] -%}
      {%- do exceptions.raise_contract_error(yaml_columns, sql_columns) -%}
    {%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{%- macro format_columns(columns) -%}
  {%- set formatted_columns = [] -%}
  {%- for column in columns -%}
    {%- set formatted_column = adapter.dispatch('format_column', 'dbt')(column) -%}
    {%- do formatted_columns.append(formatted_column) -%}
  {%- endfor -%}
  {{- return(formatted_columns) -}}
{%- endmacro %}

{%- macro default__format_column(column) -%}
  {%- set data_type = column.dtype -%}
  {%- set formatted = column.column.lower() ~ " " ~ data_type -%}
  {{- return({'name': column.name, 'data_type': data_type, 'formatted': formatted}) -}}
{%- endmacro %}

{%- macro get_empty_schema_sql(columns) -%}
  {{- return(adapter.dispatch('get_empty_schema_sql', 'dbt')(columns)) -}}
{%- endmacro %}

{#- A select of one typed null per contract column: how the engine spells each declared
    type. A column without data_type fails (dbt's column_type_missing); a bare numeric is
    warned about. -#}
{%- macro default__get_empty_schema_sql(columns) -%}
    {%- set col_err = [] -%}
    {%- set col_naked_numeric = [] -%}
    select
    {% for i in columns %}
      {%- set col = columns[i] -%}
      {%- if col['data_type'] is not defined or col['data_type'] is none -%}
        {%- do col_err.append(col['name']) -%}
      {%- elif col['data_type'].strip().lower() in ('numeric', 'decimal', 'number') -%}
        {%- do col_naked_numeric.append(col['name']) -%}
      {%- endif -%}
      {% set col_name = adapter.quote(col['name']) if col.get('quote') else col['name'] %}
      {{ cast('null', col['data_type']) }} as {{ col_name }}{{ ", " if not loop.last }}
    {%- endfor -%}
    {%- if (col_err | length) > 0 -%}
      {{ exceptions.column_type_missing(column_names=col_err) }}
    {%- elif (col_naked_numeric | length) > 0 -%}
      {{ exceptions.warn("Detected columns with numeric type and unspecified precision/scale, this can lead to unintended rounding: " ~ col_naked_numeric ~ "`") }}
    {%- endif -%}
{%- endmacro %}

{%- macro get_column_schema_from_query(select_sql, select_sql_header=none) -%}
  {%- set sql = get_empty_subquery_sql(select_sql, select_sql_header) -%}
  {%- set column_schema = adapter.get_column_schema_from_query(sql) -%}
  {{- return(column_schema) -}}
{%- endmacro %}

{%- macro get_column_names() -%}
  {{- adapter.dispatch('get_column_names', 'dbt')() -}}
{%- endmacro %}

{%- macro default__get_column_names() -%}
    {%- set user_provided_columns = model['columns'] -%}
    {%- for i in user_provided_columns %}
      {%- set col = user_provided_columns[i] -%}
      {%- set col_name = adapter.quote(col['name']) if col.get('quote') else col['name'] -%}
      {{ col_name }}{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{%- macro get_select_subquery(sql) -%}
  {{- return(adapter.dispatch('get_select_subquery', 'dbt')(sql)) -}}
{%- endmacro %}

{%- macro default__get_select_subquery(sql) -%}
    select {{ adapter.dispatch('get_column_names', 'dbt')() }}
    from (
        {{ sql }}
    ) as model_subq
{%- endmacro %}

{%- macro gdbt_contract_enforced() -%}
  {%- set contract_config = config.get('contract') -%}
  {{- return(contract_config is mapping and contract_config.get('enforced') == true) -}}
{%- endmacro %}

{#- The statements that build a contracted table: the table with its declared column types
    and constraints, then the model's rows inserted by column name (dbt-postgres'
    postgres__create_table_as and dbt-duckdb's duckdb__create_table_as), in one transaction
    so that a violated constraint leaves nothing behind. create_kw is "create table" or
    "create or replace table". Snowflake creates and fills it in one statement instead
    (snowflake__create_table_as in snowflake.sql). -#}
{%- macro gdbt_contract_table_sql(create_kw, relation, sql) -%}
  {{- adapter.dispatch('gdbt_contract_table_sql', 'dbt')(create_kw, relation, sql) -}}
{%- endmacro %}

{%- macro default__gdbt_contract_table_sql(create_kw, relation, sql) -%}
  {{- get_assert_columns_equivalent(sql) -}}
  {%- set sql_header = config.get('sql_header') -%}
  {%- if sql_header is not none and sql_header != '' %}{{ sql_header }}
{% endif -%}
begin;
{{ create_kw }} {{ relation }}
  {{ get_table_columns_and_constraints() }};
insert into {{ relation }} (
  {{ adapter.dispatch('get_column_names', 'dbt')() }}
)
(
  {{ get_select_subquery(sql) }}
);
commit
{%- endmacro %}
