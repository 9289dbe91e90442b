{#- The view materialization. Where the engine replaces a view atomically in place
    (CREATE OR REPLACE VIEW on DuckDB and Snowflake) and the existing object is a view or
    absent, that one statement is the build. Otherwise (an existing table of that name, or
    PostgreSQL) the view is created under <name>__dbt_tmp and swapped in inside one
    transaction, so readers never see the name missing. -#}
{%- materialization view, default -%}
  {%- set original_query_tag = gdbt_set_query_tag() -%}
  {%- set model_sql = compiled_code if compiled_code is defined else sql -%}
  {%- set target_relation = this.incorporate(type='view') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set pre_hooks = gdbt_hooks('pre') -%}
  {%- set post_hooks = gdbt_hooks('post') -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- if existing_relation is none or (existing_relation.type == 'view' and gdbt_can_replace_view()) -%}
    {%- call statement('main') -%}
      {%- if existing_relation is none -%}
        {{ get_create_view_as_sql(target_relation, model_sql) }}
      {%- else -%}
        {{ get_create_or_replace_view_sql(target_relation, model_sql) }}
      {%- endif -%}
    {%- endcall -%}
  {%- else -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(target_relation, existing_relation.type) -%}
    {{ gdbt_drop_leftovers([intermediate_relation, backup_relation]) }}
    {%- call statement('main') -%}
      {{ get_create_view_as_sql(intermediate_relation, model_sql) }}
    {%- endcall -%}
    {{ gdbt_swap_relation(existing_relation, intermediate_relation, target_relation, backup_relation) }}
  {%- endif -%}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {%- do apply_grants(target_relation, config.get('grants'), should_revoke=should_revoke(existing_relation, full_refresh_mode=True)) -%}
  {%- if config.get('persist_docs') -%}{%- do persist_docs(target_relation, model) -%}{%- endif -%}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {%- do gdbt_unset_query_tag(original_query_tag) -%}
  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}
