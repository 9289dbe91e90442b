{#- The incremental materialization.
    First run, --full-refresh (or full_refresh=true), or an existing view: build like a table
    (gdbt_build_table: one atomic CREATE where possible, else <name>__dbt_tmp and a swap). Otherwise the model's select (in which
    is_incremental() was true) is stored in the scratch table <name>__dbt_tmp, schema
    changes are handled per on_schema_change, and the incremental strategy moves the new
    rows into the target in one transaction. -#}
{%- materialization incremental, default -%}
  {%- set original_query_tag = gdbt_set_query_tag() -%}
  {%- set model_sql = compiled_code if compiled_code is defined else sql -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set full_refresh_mode = should_full_refresh() -%}
  {%- set unique_key = config.get('unique_key') -%}
  {%- set on_schema_change = incremental_validate_on_schema_change(config.get('on_schema_change'), default='ignore') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_relation = make_backup_relation(target_relation, existing_relation.type if existing_relation is not none else 'table') -%}
  {%- set pre_hooks = gdbt_hooks('pre') -%}
  {%- set post_hooks = gdbt_hooks('post') -%}

  {{ gdbt_drop_leftovers([intermediate_relation, backup_relation]) }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- if existing_relation is none or existing_relation.type == 'view' or full_refresh_mode -%}
    {{ gdbt_build_table(existing_relation, intermediate_relation, target_relation, backup_relation, model_sql) }}
  {%- else -%}
    {%- set temp_relation = make_temp_relation(target_relation) -%}
    {%- call statement('create_tmp_relation') -%}
      {{ get_create_table_as_sql(False, temp_relation, model_sql) }}
    {%- endcall -%}
    {%- set dest_columns = process_schema_changes(on_schema_change, temp_relation, existing_relation) -%}
    {%- if not dest_columns -%}
      {%- set dest_columns = adapter.get_columns_in_relation(existing_relation) -%}
    {%- endif -%}
    {%- set strategy = gdbt_incremental_strategy(config.get('incremental_strategy'), unique_key) -%}
    {%- set strategy_arg_dict = {
        'target_relation': target_relation,
        'temp_relation': temp_relation,
        'unique_key': unique_key,
        'dest_columns': dest_columns,
        'incremental_predicates': config.get('incremental_predicates') or config.get('predicates') or []
    } -%}
    {%- call statement('main') -%}
      {{ gdbt_strategy_sql(strategy, strategy_arg_dict) }}
    {%- endcall -%}
    {{ drop_relation_if_exists(temp_relation) }}
  {%- endif -%}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {#- dbt-adapters' incremental.sql: merged into, the table keeps its grants (revoke the
      surplus); rebuilt, copy_grants decides. -#}
  {%- do apply_grants(target_relation, config.get('grants'), should_revoke=should_revoke(existing_relation, full_refresh_mode)) -%}
  {%- if config.get('persist_docs') -%}{%- do persist_docs(target_relation, model) -%}{%- endif -%}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {%- do gdbt_unset_query_tag(original_query_tag) -%}
  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}

{#- The strategy to use: the configured one (validated), else the adapter's default. -#}
{%- macro gdbt_incremental_strategy(configured, unique_key) -%}
  {%- set strategy = configured -%}
  {%- if strategy is none or strategy == '' -%}
    {%- set strategy = get_incremental_default_strategy(unique_key) -%}
  {%- endif -%}
  {%- set strategy = strategy | lower -%}
  {%- set known = ['append', 'delete+insert', 'merge', 'microbatch'] -%}
  {%- if strategy not in known -%}
    {%- do exceptions.raise_compiler_error("invalid incremental_strategy '" ~ strategy ~ "' for model " ~ this ~ ": expected one of " ~ known | join(', ')) -%}
  {%- endif -%}
  {%- if strategy == 'delete+insert' and not unique_key -%}
    {%- do exceptions.raise_compiler_error("incremental_strategy 'delete+insert' needs a unique_key (model " ~ this ~ ")") -%}
  {%- endif -%}
  {{- return(strategy) -}}
{%- endmacro %}

{#- delete+insert when there is a unique key, append otherwise; merge on Snowflake. -#}
{%- macro get_incremental_default_strategy(unique_key) -%}
  {{- return(adapter.dispatch('get_incremental_default_strategy', 'dbt')(unique_key)) -}}
{%- endmacro %}

{%- macro default__get_incremental_default_strategy(unique_key) -%}
  {{- return('delete+insert' if unique_key else 'append') -}}
{%- endmacro %}

{%- macro snowflake__get_incremental_default_strategy(unique_key) -%}
  {{- return('merge') -}}
{%- endmacro %}

{#- The SQL of one strategy, through dbt's per-strategy macro names so that projects can
    override one of them. -#}
{%- macro gdbt_strategy_sql(strategy, arg_dict) -%}
  {%- if strategy == 'append' -%}
    {{- get_incremental_append_sql(arg_dict) -}}
  {%- elif strategy == 'delete+insert' -%}
    {{- get_incremental_delete_insert_sql(arg_dict) -}}
  {%- elif strategy == 'merge' -%}
    {{- get_incremental_merge_sql(arg_dict) -}}
  {%- elif strategy == 'microbatch' -%}
    {{- get_incremental_microbatch_sql(arg_dict) -}}
  {%- endif -%}
{%- endmacro %}
