{#- DDL that builds relations from a select, and column introspection. -#}

{%- macro get_create_table_as_sql(temporary, relation, sql) -%}
  {{- adapter.dispatch('get_create_table_as_sql', 'dbt')(temporary, relation, sql) -}}
{%- endmacro %}

{%- macro default__get_create_table_as_sql(temporary, relation, sql) -%}
  {{- create_table_as(temporary, relation, sql) -}}
{%- endmacro %}

{%- macro create_table_as(temporary, relation, compiled_code, language='sql') -%}
  {{- adapter.dispatch('create_table_as', 'dbt')(temporary, relation, compiled_code, language) -}}
{%- endmacro %}

{#- A session-temporary table cannot be schema-qualified on PostgreSQL or DuckDB. The
    sql_header config (session settings, UDFs) goes first, in the same statement call. -#}
{%- macro default__create_table_as(temporary, relation, compiled_code, language='sql') -%}
  {%- if gdbt_contract_enforced() and not temporary -%}
    {{- return(gdbt_contract_table_sql('create table', relation, compiled_code)) -}}
  {%- elif gdbt_contract_enforced() -%}
    {{- get_assert_columns_equivalent(compiled_code) -}}
  {%- endif -%}
  {%- set sql_header = config.get('sql_header') -%}
  {%- if sql_header is not none and sql_header != '' %}{{ sql_header }}
{% endif -%}
  create {% if temporary %}temporary {% endif %}table {% if temporary %}{{ relation.include(database=false, schema=false) }}{% else %}{{ relation }}{% endif %} as (
{{ compiled_code }}
)
{%- endmacro %}

{%- macro get_create_view_as_sql(relation, sql) -%}
  {{- adapter.dispatch('get_create_view_as_sql', 'dbt')(relation, sql) -}}
{%- endmacro %}

{%- macro default__get_create_view_as_sql(relation, sql) -%}
  {{- create_view_as(relation, sql) -}}
{%- endmacro %}

{%- macro create_view_as(relation, sql) -%}
  {{- adapter.dispatch('create_view_as', 'dbt')(relation, sql) -}}
{%- endmacro %}

{%- macro default__create_view_as(relation, sql) -%}
  {%- if gdbt_contract_enforced() -%}{{- get_assert_columns_equivalent(sql) -}}{%- endif -%}
  {%- set sql_header = config.get('sql_header') -%}
  {%- if sql_header is not none and sql_header != '' %}{{ sql_header }}
{% endif -%}
  create view {{ relation }} as (
{{ sql }}
)
{%- endmacro %}

{#- CREATE OR REPLACE VIEW: one atomic statement where the engine can replace a view in
    place whatever its columns were (DuckDB, Snowflake). PostgreSQL cannot drop or retype
    columns that way, so it builds under another name and swaps. -#}
{%- macro gdbt_can_replace_view() -%}
  {{- return(adapter.dispatch('gdbt_can_replace_view', 'dbt')()) -}}
{%- endmacro %}

{%- macro default__gdbt_can_replace_view() -%}
  {{- return(false) -}}
{%- endmacro %}

{%- macro duckdb__gdbt_can_replace_view() -%}
  {{- return(true) -}}
{%- endmacro %}

{%- macro snowflake__gdbt_can_replace_view() -%}
  {{- return(true) -}}
{%- endmacro %}

{%- macro get_create_or_replace_view_sql(relation, sql) -%}
  {{- adapter.dispatch('get_create_or_replace_view_sql', 'dbt')(relation, sql) -}}
{%- endmacro %}

{%- macro default__get_create_or_replace_view_sql(relation, sql) -%}
  {%- if gdbt_contract_enforced() -%}{{- get_assert_columns_equivalent(sql) -}}{%- endif -%}
  {%- set sql_header = config.get('sql_header') -%}
  {%- if sql_header is not none and sql_header != '' %}{{ sql_header }}
{% endif -%}
  create or replace view {{ relation }} as (
{{ sql }}
)
{%- endmacro %}

{#- CREATE OR REPLACE TABLE … AS: one atomic statement where the engine swaps a table in
    place (DuckDB and Snowflake: the old table stays whole if the select fails or the
    process dies). PostgreSQL has no such statement, so it builds under another name and
    swaps. -#}
{%- macro gdbt_can_replace_table() -%}
  {{- return(adapter.dispatch('gdbt_can_replace_table', 'dbt')()) -}}
{%- endmacro %}

{%- macro default__gdbt_can_replace_table() -%}
  {{- return(false) -}}
{%- endmacro %}

{%- macro duckdb__gdbt_can_replace_table() -%}
  {{- return(true) -}}
{%- endmacro %}

{%- macro snowflake__gdbt_can_replace_table() -%}
  {{- return(true) -}}
{%- endmacro %}

{%- macro get_create_or_replace_table_as_sql(relation, sql) -%}
  {{- adapter.dispatch('get_create_or_replace_table_as_sql', 'dbt')(relation, sql) -}}
{%- endmacro %}

{%- macro default__get_create_or_replace_table_as_sql(relation, sql) -%}
  {%- if gdbt_contract_enforced() -%}
    {{- return(gdbt_contract_table_sql('create or replace table', relation, sql)) -}}
  {%- endif -%}
  {%- set sql_header = config.get('sql_header') -%}
  {%- if sql_header is not none and sql_header != '' %}{{ sql_header }}
{% endif -%}
  create or replace table {{ relation }} as (
{{ sql }}
)
{%- endmacro %}

{#- ---- columns ---- -#}

{%- macro get_columns_in_relation(relation) -%}
  {{- return(adapter.get_columns_in_relation(relation)) -}}
{%- endmacro %}

{#- A query with the select's columns and no rows: how a select's columns are learned
    without running it. -#}
{%- macro get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
  {{- adapter.dispatch('get_empty_subquery_sql', 'dbt')(select_sql, select_sql_header) -}}
{%- endmacro %}

{%- macro default__get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
  {%- if select_sql_header is not none %}{{ select_sql_header }}
{% endif -%}
  select * from (
{{ select_sql }}
) as __dbt_sbq
where false
limit 0
{%- endmacro %}

{#- The column names of a select, in order. -#}
{%- macro get_columns_in_query(select_sql) -%}
  {%- call statement('get_columns_in_query', fetch_result=True) -%}
    {{ get_empty_subquery_sql(select_sql) }}
  {%- endcall -%}
  {%- set result = load_result('get_columns_in_query') -%}
  {%- if result is none -%}
    {{- return([]) -}}
  {%- endif -%}
  {{- return(result['table'].columns | map(attribute='name') | list) -}}
{%- endmacro %}

{%- macro alter_column_type(relation, column_name, new_column_type) -%}
  {{- return(adapter.dispatch('alter_column_type', 'dbt')(relation, column_name, new_column_type)) -}}
{%- endmacro %}

{%- macro default__alter_column_type(relation, column_name, new_column_type) -%}
  {%- call statement('alter_column_type') -%}
    alter table {{ relation }} alter column {{ adapter.quote(column_name) }} type {{ new_column_type }}
  {%- endcall -%}
{%- endmacro %}

{%- macro postgres__alter_column_type(relation, column_name, new_column_type) -%}
  {%- call statement('alter_column_type') -%}
    alter table {{ relation }} alter column {{ adapter.quote(column_name) }} type {{ new_column_type }} using {{ adapter.quote(column_name) }}::{{ new_column_type }}
  {%- endcall -%}
{%- endmacro %}

{%- macro snowflake__alter_column_type(relation, column_name, new_column_type) -%}
  {%- call statement('alter_column_type') -%}
    alter table {{ relation }} alter column {{ adapter.quote(column_name) }} set data type {{ new_column_type }}
  {%- endcall -%}
{%- endmacro %}

{#- Adds and drops columns (lists of column objects with name and data_type), one
    statement per column so that every engine accepts it. -#}
{%- macro alter_relation_add_remove_columns(relation, add_columns=none, remove_columns=none) -%}
  {{- return(adapter.dispatch('alter_relation_add_remove_columns', 'dbt')(relation, add_columns, remove_columns)) -}}
{%- endmacro %}

{%- macro default__alter_relation_add_remove_columns(relation, add_columns, remove_columns) -%}
  {%- for column in (add_columns or []) -%}
    {%- call statement('alter_relation_add_column') -%}
      alter table {{ relation }} add column {{ adapter.quote(column.name) }} {{ column.data_type }}
    {%- endcall -%}
  {%- endfor -%}
  {%- for column in (remove_columns or []) -%}
    {%- call statement('alter_relation_remove_column') -%}
      alter table {{ relation }} drop column {{ adapter.quote(column.name) }}
    {%- endcall -%}
  {%- endfor -%}
{%- endmacro %}

{#- Column and relation comments are not written by gdbt yet; the hook exists so that
    materializations (and projects overriding it) keep dbt's call shape. The built-in
    materializations call it only when the node configures persist_docs (dbt's and the
    adapters' implementations do nothing otherwise): passing `model` costs converting the
    whole node for the template, a third of a materialization's Jinja time. -#}
{%- macro persist_docs(relation, model, for_relation=true, for_columns=true) -%}
  {{- return(adapter.dispatch('persist_docs', 'dbt')(relation, model, for_relation, for_columns)) -}}
{%- endmacro %}

{%- macro default__persist_docs(relation, model, for_relation, for_columns) -%}
{%- endmacro %}

{#- A comma-separated, quoted column list from column objects or names. -#}
{%- macro gdbt_column_list(columns, prefix=none) -%}
  {%- for column in columns -%}
    {%- set name = column if column is string else column.name -%}
    {%- if prefix %}{{ prefix }}.{% endif %}{{ adapter.quote(name) }}{{ ', ' if not loop.last }}
  {%- endfor -%}
{%- endmacro %}

{#- dbt's name for the same list (used by packages). -#}
{%- macro get_quoted_csv(column_names) -%}
  {{- gdbt_column_list(column_names) -}}
{%- endmacro %}
