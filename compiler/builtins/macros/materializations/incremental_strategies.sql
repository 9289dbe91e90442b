{#- Incremental strategies. Each receives dbt's arg_dict: target_relation, temp_relation
    (the new rows), unique_key (none, a column/expression, or a list of them),
    dest_columns (the columns to write) and incremental_predicates (extra SQL conditions
    on the target, to limit what delete/merge scan). -#}

{%- macro get_incremental_append_sql(arg_dict) -%}
  {{- adapter.dispatch('get_incremental_append_sql', 'dbt')(arg_dict) -}}
{%- endmacro %}

{%- macro default__get_incremental_append_sql(arg_dict) -%}
  {{- get_insert_into_sql(arg_dict['target_relation'], arg_dict['temp_relation'], arg_dict['dest_columns']) -}}
{%- endmacro %}

{%- macro get_insert_into_sql(target_relation, temp_relation, dest_columns) -%}
  {%- set cols = gdbt_column_list(dest_columns) -%}
insert into {{ target_relation }} ({{ cols }})
select {{ cols }}
from {{ temp_relation }}
{%- endmacro %}

{#- ---- delete+insert ---- -#}

{%- macro get_incremental_delete_insert_sql(arg_dict) -%}
  {{- adapter.dispatch('get_incremental_delete_insert_sql', 'dbt')(arg_dict) -}}
{%- endmacro %}

{%- macro default__get_incremental_delete_insert_sql(arg_dict) -%}
  {{- get_delete_insert_merge_sql(arg_dict['target_relation'], arg_dict['temp_relation'], arg_dict['unique_key'], arg_dict['dest_columns'], arg_dict['incremental_predicates']) -}}
{%- endmacro %}

{#- Deletes the target rows whose key appears among the new rows, then inserts all new
    rows, in one transaction. A list key matches on every column of the list. -#}
{%- macro get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates=none) -%}
  {{- adapter.dispatch('get_delete_insert_merge_sql', 'dbt')(target, source, unique_key, dest_columns, incremental_predicates) -}}
{%- endmacro %}

{%- macro default__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}
  {%- set predicates = gdbt_as_list(incremental_predicates) -%}
begin;
{% if unique_key -%}
{%- if unique_key is string -%}
delete from {{ target }} DBT_INTERNAL_DEST
where ({{ unique_key }}) in (
    select distinct ({{ unique_key }}) from {{ source }}
)
{%- else -%}
delete from {{ target }} DBT_INTERNAL_DEST
where exists (
    select 1 from {{ source }} as DBT_INTERNAL_SOURCE
    where {% for key in unique_key -%}
      DBT_INTERNAL_SOURCE.{{ key }} = DBT_INTERNAL_DEST.{{ key }}{{ ' and ' if not loop.last }}
    {%- endfor %}
)
{%- endif %}
{%- for predicate in predicates %}
    and {{ predicate }}
{%- endfor %};
{% endif -%}
{{ get_insert_into_sql(target, source, dest_columns) }};
commit
{%- endmacro %}

{#- ---- merge ---- -#}

{%- macro get_incremental_merge_sql(arg_dict) -%}
  {{- adapter.dispatch('get_incremental_merge_sql', 'dbt')(arg_dict) -}}
{%- endmacro %}

{%- macro default__get_incremental_merge_sql(arg_dict) -%}
  {{- get_merge_sql(arg_dict['target_relation'], arg_dict['temp_relation'], arg_dict['unique_key'], arg_dict['dest_columns'], arg_dict['incremental_predicates']) -}}
{%- endmacro %}

{%- macro get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates=none) -%}
  {{- adapter.dispatch('get_merge_sql', 'dbt')(target, source, unique_key, dest_columns, incremental_predicates) -}}
{%- endmacro %}

{#- One MERGE statement (DuckDB ≥ 1.4, PostgreSQL ≥ 15, Snowflake): matching rows are
    updated (all columns, or merge_update_columns, minus merge_exclude_columns), the others
    inserted. Without a unique key nothing matches, so every row is inserted. -#}
{%- macro default__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}
  {%- set predicates = gdbt_as_list(incremental_predicates) -%}
  {%- set conditions = [] -%}
  {%- if unique_key -%}
    {%- for key in gdbt_as_list(unique_key) -%}
      {%- do conditions.append('DBT_INTERNAL_SOURCE.' ~ key ~ ' = DBT_INTERNAL_DEST.' ~ key) -%}
    {%- endfor -%}
  {%- else -%}
    {%- do conditions.append('1 = 0') -%}
  {%- endif -%}
  {%- for predicate in predicates -%}
    {%- do conditions.append(predicate) -%}
  {%- endfor -%}
  {%- set update_columns = get_merge_update_columns(config.get('merge_update_columns'), config.get('merge_exclude_columns'), dest_columns) -%}
merge into {{ target }} as DBT_INTERNAL_DEST
using {{ source }} as DBT_INTERNAL_SOURCE
on {{ conditions | join(' and ') }}
{%- if unique_key and update_columns %}
when matched then update set
  {%- for name in update_columns %}
  {{ name }} = DBT_INTERNAL_SOURCE.{{ name }}{{ ',' if not loop.last }}
  {%- endfor %}
{%- endif %}
when not matched then insert ({{ gdbt_column_list(dest_columns) }})
values ({{ gdbt_column_list(dest_columns, 'DBT_INTERNAL_SOURCE') }})
{%- endmacro %}

{#- The columns a merge updates, ready for SQL: merge_update_columns as written when
    given, else every destination column (quoted as the warehouse reports it) except
    merge_exclude_columns (compared case-insensitively). -#}
{%- macro get_merge_update_columns(merge_update_columns, merge_exclude_columns, dest_columns) -%}
  {%- if merge_update_columns -%}
    {{- return(gdbt_as_list(merge_update_columns)) -}}
  {%- endif -%}
  {%- set excluded = [] -%}
  {%- for name in gdbt_as_list(merge_exclude_columns) -%}
    {%- do excluded.append(name | lower) -%}
  {%- endfor -%}
  {%- set names = [] -%}
  {%- for column in dest_columns -%}
    {%- set name = column if column is string else column.name -%}
    {%- if name | lower not in excluded -%}
      {%- do names.append(adapter.quote(name)) -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(names) -}}
{%- endmacro %}
