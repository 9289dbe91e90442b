{#- The seed materialization. The CSV is loaded by the adapter (adapter.load_csv, with type
    inference, column_types, delimiter and quote_columns) into <name>__dbt_tmp. Then, like
    dbt: when the table exists and this is not a full refresh, its rows are replaced in one
    transaction (delete, insert: the table itself, its grants and dependants stay; a
    changed column set fails, as in dbt); otherwise the new table is swapped in atomically.
    The row count is reported as the 'main' statement's response. -#}
{%- materialization seed, default -%}
  {%- set original_query_tag = gdbt_set_query_tag() -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set full_refresh_mode = should_full_refresh() -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_relation = make_backup_relation(target_relation, existing_relation.type if existing_relation is not none else 'table') -%}
  {%- set pre_hooks = gdbt_hooks('pre') -%}
  {%- set post_hooks = gdbt_hooks('post') -%}

  {{ gdbt_drop_leftovers([intermediate_relation, backup_relation]) }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- set row_count = adapter.load_csv(
        intermediate_relation,
        seed_file_path(),
        delimiter=config.get('delimiter') or ',',
        column_types=config.get('column_types') or {},
        quote_columns=config.get('quote_columns')) -%}

  {%- if existing_relation is not none and existing_relation.type != 'view' and not full_refresh_mode -%}
    {%- set columns = adapter.get_columns_in_relation(intermediate_relation) -%}
    {%- set cols = gdbt_column_list(columns) -%}
    {%- call statement('main') -%}
begin;
delete from {{ target_relation }};
insert into {{ target_relation }} ({{ cols }})
select {{ cols }} from {{ intermediate_relation }};
commit
    {%- endcall -%}
    {{ drop_relation_if_exists(intermediate_relation) }}
  {%- else -%}
    {%- call statement('main') -%}
      {{ get_swap_sql(existing_relation, intermediate_relation, target_relation, backup_relation) }}
    {%- endcall -%}
  {%- endif -%}
  {%- if store_raw_result is defined -%}
    {%- do store_raw_result(name='main', message='INSERT ' ~ row_count, code='INSERT', rows_affected=row_count) -%}
  {%- endif -%}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {#- dbt-adapters' seeds/seed.sql: reloaded in place, the table keeps its grants. -#}
  {%- do apply_grants(target_relation, config.get('grants'), should_revoke=should_revoke(existing_relation, full_refresh_mode)) -%}
  {%- if config.get('persist_docs') -%}{%- do persist_docs(target_relation, model) -%}{%- endif -%}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {%- do gdbt_unset_query_tag(original_query_tag) -%}
  {{ return({'relations': [target_relation], 'rows': row_count}) }}
{%- endmaterialization -%}

{#- The seed's CSV file for adapter.load_csv. Empty: the adapter resolves the node's own
    file (root project or package), which is the normal case; a project overriding this
    macro may return another path (relative to the project directory). -#}
{%- macro seed_file_path() -%}
  {{- return('') -}}
{%- endmacro %}
