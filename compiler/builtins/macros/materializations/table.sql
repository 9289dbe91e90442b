{#- The table materialization. When nothing has the name yet, one CREATE TABLE … AS is the
    build: it is a single atomic statement on every engine (it commits whole or not at
    all). Where the engine replaces a table atomically in place (CREATE OR REPLACE TABLE on
    DuckDB and Snowflake, decided per adapter by gdbt_can_replace_table) and a table has the
    name, that one statement is the build too. Otherwise (a view has the name, or
    PostgreSQL) build <name>__dbt_tmp from the select (the long part, which touches nothing
    the readers see), then swap it in inside one transaction: the existing relation becomes
    <name>__dbt_backup, the new table takes the name, the backup is dropped. A failed or
    interrupted build leaves the previous table intact on every path. -#}
{%- materialization table, default -%}
  {%- set original_query_tag = gdbt_set_query_tag() -%}
  {%- set model_sql = compiled_code if compiled_code is defined else sql -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_relation = make_backup_relation(target_relation, existing_relation.type if existing_relation is not none else 'table') -%}
  {%- set pre_hooks = gdbt_hooks('pre') -%}
  {%- set post_hooks = gdbt_hooks('post') -%}

  {{ gdbt_drop_leftovers([intermediate_relation, backup_relation]) }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {{ gdbt_build_table(existing_relation, intermediate_relation, target_relation, backup_relation, model_sql) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {%- do apply_grants(target_relation, config.get('grants'), should_revoke=should_revoke(existing_relation, full_refresh_mode=True)) -%}
  {%- if config.get('persist_docs') -%}{%- do persist_docs(target_relation, model) -%}{%- endif -%}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {%- do gdbt_unset_query_tag(original_query_tag) -%}
  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}
