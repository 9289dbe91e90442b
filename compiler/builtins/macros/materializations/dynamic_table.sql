{#- dbt-snowflake's dynamic_table materialization (dbt-adapters repository,
    dbt-snowflake/src/dbt/include/snowflake/macros/materializations/dynamic_table.sql and
    relations/dynamic_table/*.sql, 1.10): created with CREATE DYNAMIC TABLE (target_lag,
    snowflake_warehouse, refresh_mode, initialize); replaced on --full-refresh or when another
    kind of relation has the name; otherwise its properties are compared with SHOW DYNAMIC
    TABLES (relation.py dynamic_table_config_changeset: target_lag and warehouse are altered
    in place, a refresh_mode change recreates it) and on_configuration_change (apply,
    continue, fail) decides. As in dbt-snowflake, a change of the query alone is not
    detected: --full-refresh applies it. Iceberg dynamic tables are refused. -#}
{%- materialization dynamic_table, adapter='snowflake' -%}
  {%- set original_query_tag = set_query_tag() -%}
  {%- set model_sql = compiled_code if compiled_code is defined else sql -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type=this.DynamicTable) -%}
  {%- set pre_hooks = gdbt_hooks('pre') -%}
  {%- set post_hooks = gdbt_hooks('post') -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- set build_sql = gdbt_dynamic_table_build_sql(existing_relation, target_relation, model_sql) -%}
  {%- if build_sql == '' -%}
    {%- do store_raw_result(name='main', message='skip ' ~ target_relation, code='skip', rows_affected='-1') -%}
  {%- else -%}
    {%- call statement('main') -%}
      {{ build_sql }}
    {%- endcall -%}
    {%- do apply_grants(target_relation, config.get('grants'), should_revoke=should_revoke(existing_relation, full_refresh_mode=True)) -%}
    {%- if config.get('persist_docs') -%}{%- do persist_docs(target_relation, model) -%}{%- endif -%}
  {%- endif -%}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {%- do unset_query_tag(original_query_tag) -%}

  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}

{#- SnowflakeDynamicTableConfig.parse_relation_config: target_lag and snowflake_warehouse
    as written, refresh_mode and initialize upper-cased (AUTO and ON_CREATE by default). -#}
{%- macro gdbt_dynamic_table_config() -%}
  {%- if (config.get('table_format') or '') | upper == 'ICEBERG' or config.get('catalog_name') -%}
    {%- do exceptions.raise_compiler_error('dynamic_table: Iceberg dynamic tables (table_format / catalog_name) are not supported by gdbt') -%}
  {%- endif -%}
  {%- for required in ['target_lag', 'snowflake_warehouse'] -%}
    {%- if not config.get(required) -%}
      {%- do exceptions.raise_compiler_error("dynamic_table " ~ this ~ ": config '" ~ required ~ "' is required (e.g. target_lag='1 hour', snowflake_warehouse='transforming')") -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return({
      'target_lag': config.get('target_lag'),
      'snowflake_warehouse': config.get('snowflake_warehouse'),
      'refresh_mode': (config.get('refresh_mode') or 'AUTO') | upper,
      'initialize': (config.get('initialize') or 'ON_CREATE') | upper,
  }) -}}
{%- endmacro %}

{#- dynamic_table/create.sql and replace.sql (info schema form). -#}
{%- macro gdbt_create_dynamic_table_sql(relation, sql, replace=False) -%}
  {%- set dt = gdbt_dynamic_table_config() -%}
create {% if replace %}or replace {% endif %}dynamic table {{ relation }}
    target_lag = '{{ dt.target_lag }}'
    warehouse = {{ dt.snowflake_warehouse }}
    refresh_mode = {{ dt.refresh_mode }}
    initialize = {{ dt.initialize }}
    as (
{{ sql }}
    )
{%- endmacro %}

{#- dynamic_table_get_build_sql. -#}
{%- macro gdbt_dynamic_table_build_sql(existing_relation, target_relation, sql) -%}
  {%- if existing_relation is none -%}
    {{- return(gdbt_create_dynamic_table_sql(target_relation, sql)) -}}
  {%- elif should_full_refresh() or not existing_relation.is_dynamic_table -%}
    {{- return(gdbt_replace_dynamic_table_sql(existing_relation, target_relation, sql)) -}}
  {%- endif -%}
  {%- set on_configuration_change = config.get('on_configuration_change') or 'apply' -%}
  {%- set changes = gdbt_dynamic_table_changes(existing_relation) -%}
  {%- if changes is none -%}
    {%- do exceptions.warn("No configuration changes were identified on: `" ~ target_relation ~ "`. Continuing.") -%}
    {{- return('') -}}
  {%- elif on_configuration_change == 'apply' -%}
    {{- log('Applying ALTER to: ' ~ existing_relation) -}}
    {%- if changes.refresh_mode is not none -%}
      {{- return(gdbt_create_dynamic_table_sql(target_relation, sql, replace=True)) -}}
    {%- endif -%}
    {%- set alter -%}
alter dynamic table {{ existing_relation }} set
    {%- if changes.target_lag is not none %} target_lag = '{{ changes.target_lag }}'{% endif %}
    {%- if changes.snowflake_warehouse is not none %} warehouse = {{ changes.snowflake_warehouse }}{% endif %}
    {%- endset -%}
    {{- return(alter) -}}
  {%- elif on_configuration_change == 'continue' -%}
    {%- do exceptions.warn("Configuration changes were identified and `on_configuration_change` was set to `continue` for `" ~ target_relation ~ "`") -%}
    {{- return('') -}}
  {%- elif on_configuration_change == 'fail' -%}
    {%- do exceptions.raise_fail_fast_error("Configuration changes were identified and `on_configuration_change` was set to `fail` for `" ~ target_relation ~ "`") -%}
  {%- else -%}
    {%- do exceptions.raise_compiler_error("Unexpected configuration scenario: `" ~ on_configuration_change ~ "`") -%}
  {%- endif -%}
{%- endmacro %}

{#- snowflake__describe_dynamic_table (impl.py describe_dynamic_table) and
    dynamic_table_config_changeset: which of target_lag, warehouse and refresh_mode differ
    from what Snowflake reports; none when nothing does. -#}
{%- macro gdbt_dynamic_table_changes(relation) -%}
  {%- set dt = gdbt_dynamic_table_config() -%}
  {%- set schema = adapter.quote(relation.schema) if relation.quote_policy.schema else relation.schema -%}
  {%- set database = adapter.quote(relation.database) if relation.quote_policy.database else relation.database -%}
  {%- set shown = run_query("show dynamic tables like '" ~ relation.identifier ~ "' in schema " ~ database ~ "." ~ schema) -%}
  {%- if shown.rows | length == 0 -%}
    {%- do exceptions.raise_compiler_error('Could not get dynamic query metadata: show dynamic tables found no ' ~ relation) -%}
  {%- endif -%}
  {%- set row = shown.rows[0] -%}
  {%- set changes = {'target_lag': none, 'snowflake_warehouse': none, 'refresh_mode': none} -%}
  {%- if dt.target_lag != row['target_lag'] -%}{%- do changes.update({'target_lag': dt.target_lag}) -%}{%- endif -%}
  {%- if dt.snowflake_warehouse != row['warehouse'] -%}{%- do changes.update({'snowflake_warehouse': dt.snowflake_warehouse}) -%}{%- endif -%}
  {%- if dt.refresh_mode != 'AUTO' and dt.refresh_mode != row['refresh_mode'] -%}{%- do changes.update({'refresh_mode': dt.refresh_mode}) -%}{%- endif -%}
  {%- if changes.target_lag is none and changes.snowflake_warehouse is none and changes.refresh_mode is none -%}
    {{- return(none) -}}
  {%- endif -%}
  {{- return(changes) -}}
{%- endmacro %}

{#- snowflake__get_replace_sql: a dynamic table is replaced in place; another kind of
    relation goes through dbt-adapters' default__get_replace_sql staging path (build the
    intermediate, rename the existing to its backup, rename the intermediate in, drop the
    backup). -#}
{%- macro gdbt_replace_dynamic_table_sql(existing_relation, target_relation, sql) -%}
  {%- if existing_relation.is_dynamic_table -%}
    {{- return(gdbt_create_dynamic_table_sql(target_relation, sql, replace=True)) -}}
  {%- endif -%}
  {%- set intermediate = make_intermediate_relation(target_relation).incorporate(type='dynamic_table') -%}
  {%- set backup = make_backup_relation(existing_relation, existing_relation.type) -%}
  {%- set steps -%}
{{ get_drop_sql(intermediate) }};
{{ gdbt_create_dynamic_table_sql(intermediate, sql) }};
{{ get_drop_sql(backup) }};
{{ get_rename_sql(existing_relation, backup.identifier) }};
{{ get_rename_sql(intermediate, target_relation.identifier) }};
{{ get_drop_sql(backup) }}
  {%- endset -%}
  {{- return(steps) -}}
{%- endmacro %}
