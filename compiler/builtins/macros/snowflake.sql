{#- dbt-snowflake's model configs, rendered as dbt-snowflake 1.10 renders them (dbt-adapters
    repository, dbt-snowflake/src/dbt/include/snowflake/macros/): transient tables,
    copy_grants, cluster_by and automatic_clustering (relations/table/create.sql), secure
    views (relations/view/create.sql), and the per-model query_tag (adapters.sql). The
    per-model snowflake_warehouse is the adapter's pre/post model hook (warehouse/snowflake),
    as in dbt-snowflake's impl.py. A contracted table (contract: {enforced: true}) is
    checked, then created with its columns and constraints before AS, as dbt-snowflake does.
    Row access policies, tags and Iceberg tables are not rendered here. -#}

{#- parse_model.is_transient: transient unless the model sets transient: false. -#}
{%- macro gdbt_snowflake_is_transient() -%}
  {{- return(config.get('transient', False) or config.get('transient', True)) -}}
{%- endmacro %}

{#- parse_model.cluster_by: a string as written, a list joined with ", ". -#}
{%- macro gdbt_snowflake_cluster_by() -%}
  {%- set fields = config.get('cluster_by') -%}
  {%- if fields is none -%}
    {{- return(none) -}}
  {%- elif fields is string -%}
    {{- return(fields) -}}
  {%- elif fields is iterable and fields is not mapping -%}
    {{- return(fields | join(', ')) -}}
  {%- endif -%}
  {%- do exceptions.raise_compiler_error('Unexpected cluster_by configuration: ' ~ fields) -%}
{%- endmacro %}

{#- relations/table/create.sql: snowflake__create_table_temporary_sql and
    snowflake__create_table_info_schema_sql. A clustered table is written sorted by its key,
    then given the key; automatic_clustering resumes reclustering. -#}
{%- macro snowflake__create_table_as(temporary, relation, compiled_code, language='sql') -%}
  {%- set contract_enforced = gdbt_contract_enforced() -%}
  {%- if contract_enforced -%}
    {{- get_assert_columns_equivalent(compiled_code) -}}
    {%- set compiled_code = get_select_subquery(compiled_code) -%}
  {%- endif -%}
  {%- set sql_header = config.get('sql_header') -%}
  {%- if sql_header is not none and sql_header != '' %}{{ sql_header }}
{% endif -%}
  {%- if temporary -%}
  create or replace temporary table {{ relation }}
  {%- if contract_enforced %}
  {{ get_table_columns_and_constraints() }}
  {%- endif %} as (
{{ compiled_code }}
)
  {%- else -%}
  {%- set cluster_by = gdbt_snowflake_cluster_by() -%}
  create or replace {% if gdbt_snowflake_is_transient() %}transient {% endif %}table {{ relation }}
  {%- if contract_enforced %}
  {{ get_table_columns_and_constraints() }}
  {%- endif %}
  {%- if config.get('copy_grants', False) %} copy grants{% endif %} as (
  {%- if cluster_by is not none %}
select * from (
{{ compiled_code }}
)
order by (
{{ cluster_by }}
)
  {%- else %}
{{ compiled_code }}
  {%- endif %}
)
  {%- if cluster_by is not none -%};
alter table {{ relation }} cluster by ({{ cluster_by }})
    {%- if config.get('automatic_clustering', False) -%};
alter table {{ relation }} resume recluster
    {%- endif -%}
  {%- endif -%}
  {%- endif -%}
{%- endmacro %}

{#- Snowflake's CREATE OR REPLACE is the table build either way. -#}
{%- macro snowflake__get_create_or_replace_table_as_sql(relation, sql) -%}
  {{- create_table_as(False, relation, sql) -}}
{%- endmacro %}

{#- relations/view/create.sql: snowflake__create_view_as_with_temp_flag. -#}
{%- macro snowflake__create_view_as(relation, sql) -%}
  {%- if gdbt_contract_enforced() -%}{{- get_assert_columns_equivalent(sql) -}}{%- endif -%}
  {%- set sql_header = config.get('sql_header') -%}
  {%- if sql_header is not none and sql_header != '' %}{{ sql_header }}
{% endif -%}
  create or replace {% if config.get('secure', False) %}secure {% endif %}view {{ relation }}
  {%- if config.get('copy_grants', False) %} copy grants{% endif %} as (
{{ sql }}
)
{%- endmacro %}

{%- macro snowflake__get_create_or_replace_view_sql(relation, sql) -%}
  {{- create_view_as(relation, sql) -}}
{%- endmacro %}

{#- relations/drop.sql and dynamic_table/drop.sql. -#}
{%- macro snowflake__get_drop_sql(relation) -%}
  {%- if relation.type == 'dynamic_table' -%}
  drop dynamic table if exists {{ relation }}
  {%- else -%}
  {{ default__get_drop_sql(relation) }}
  {%- endif -%}
{%- endmacro %}

{#- ---- query_tag (adapters.sql): set for the materialization, then put back ---- -#}

{%- macro get_current_query_tag() -%}
  {{- return(run_query("show parameters like 'query_tag' in session").rows[0]['value']) -}}
{%- endmacro %}

{%- macro set_query_tag() -%}
  {{- return(adapter.dispatch('set_query_tag', 'dbt')()) -}}
{%- endmacro %}

{%- macro snowflake__set_query_tag() -%}
  {%- set new_query_tag = config.get('query_tag') -%}
  {%- if new_query_tag -%}
    {%- set original_query_tag = get_current_query_tag() -%}
    {{ log("Setting query_tag to '" ~ new_query_tag ~ "'. Will reset to '" ~ original_query_tag ~ "' after materialization.") }}
    {%- do run_query("alter session set query_tag = '{}'".format(new_query_tag)) -%}
    {{- return(original_query_tag) -}}
  {%- endif -%}
  {{- return(none) -}}
{%- endmacro %}

{%- macro unset_query_tag(original_query_tag) -%}
  {{- return(adapter.dispatch('unset_query_tag', 'dbt')(original_query_tag)) -}}
{%- endmacro %}

{%- macro snowflake__unset_query_tag(original_query_tag) -%}
  {%- set new_query_tag = config.get('query_tag') -%}
  {%- if new_query_tag -%}
    {%- if original_query_tag -%}
      {{ log("Resetting query_tag to '" ~ original_query_tag ~ "'.") }}
      {%- do run_query("alter session set query_tag = '{}'".format(original_query_tag)) -%}
    {%- else -%}
      {{ log("No original query_tag, unsetting parameter.") }}
      {%- do run_query("alter session unset query_tag") -%}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}

{#- gdbt's materializations are shared by every engine; dbt-snowflake's own call
    set_query_tag/unset_query_tag around the build. These run them on Snowflake only, so a
    project's set_query_tag override is honored there and never called elsewhere. -#}
{%- macro gdbt_set_query_tag() -%}
  {{- return(adapter.dispatch('gdbt_set_query_tag', 'dbt')()) -}}
{%- endmacro %}

{%- macro default__gdbt_set_query_tag() -%}
  {{- return(none) -}}
{%- endmacro %}

{%- macro snowflake__gdbt_set_query_tag() -%}
  {{- return(set_query_tag()) -}}
{%- endmacro %}

{%- macro gdbt_unset_query_tag(original_query_tag) -%}
  {{- return(adapter.dispatch('gdbt_unset_query_tag', 'dbt')(original_query_tag)) -}}
{%- endmacro %}

{%- macro default__gdbt_unset_query_tag(original_query_tag) -%}
{%- endmacro %}

{%- macro snowflake__gdbt_unset_query_tag(original_query_tag) -%}
  {%- do unset_query_tag(original_query_tag) -%}
{%- endmacro %}
