{#- The test materialization. The test's SQL selects the failing rows; this counts them
    with fail_calc (default count(*)) and evaluates warn_if / error_if (default != 0) in
    one query, whose single row (failures, should_warn, should_error) the runner reads from
    the 'main' statement. With store_failures, the failing rows (up to limit) are first
    saved in a table in the audit schema (<schema>_dbt_test__audit, or the test's own
    schema when it is already the audit schema) named after the test. -#}
{%- materialization test, default -%}
  {%- set original_query_tag = gdbt_set_query_tag() -%}
  {%- set model_sql = compiled_code if compiled_code is defined else sql -%}
  {%- set relations = [] -%}
  {%- set limit = config.get('limit') -%}
  {%- set fail_calc = config.get('fail_calc') or 'count(*)' -%}
  {%- set warn_if = config.get('warn_if') or '!= 0' -%}
  {%- set error_if = config.get('error_if') or '!= 0' -%}
  {%- set main_sql = get_limit_subquery_sql(model_sql, limit) -%}

  {%- if gdbt_should_store_failures() -%}
    {%- set audit_relation = gdbt_test_audit_relation() -%}
    {%- do adapter.create_schema(audit_relation) -%}
    {{ drop_relation_if_exists(load_cached_relation(audit_relation)) }}
    {%- call statement('store_failures') -%}
      {{ get_create_table_as_sql(False, audit_relation, main_sql) }}
    {%- endcall -%}
    {%- do relations.append(audit_relation) -%}
    {%- set main_sql = 'select * from ' ~ audit_relation -%}
  {%- endif -%}

  {%- call statement('main', fetch_result=True) -%}
    {{ get_test_sql(main_sql, fail_calc, warn_if, error_if, none) }}
  {%- endcall -%}

  {%- do gdbt_unset_query_tag(original_query_tag) -%}
  {{ return({'relations': relations}) }}
{%- endmaterialization -%}

{%- macro get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
  {{- adapter.dispatch('get_test_sql', 'dbt')(main_sql, fail_calc, warn_if, error_if, limit) -}}
{%- endmacro %}

{%- macro default__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
select
  {{ fail_calc }} as failures,
  {{ fail_calc }} {{ warn_if }} as should_warn,
  {{ fail_calc }} {{ error_if }} as should_error
from (
{{ main_sql }}
{{ 'limit ' ~ limit if limit is not none }}
) dbt_internal_test
{%- endmacro %}

{#- The failing-rows query capped at limit rows (no cap when limit is none). -#}
{%- macro get_limit_subquery_sql(sql, limit) -%}
  {%- if limit is none -%}
    {{- return(sql) -}}
  {%- endif -%}
  {{- return(adapter.dispatch('get_limit_sql', 'dbt')(sql, limit)) -}}
{%- endmacro %}

{%- macro default__get_limit_sql(sql, limit) -%}
select * from (
{{ sql }}
) as dbt_limit_subq
limit {{ limit }}
{%- endmacro %}

{#- store_failures from the test's config, or --store-failures (the runner's
    should_store_failures() when it provides one). -#}
{%- macro gdbt_should_store_failures() -%}
  {%- if should_store_failures is defined -%}
    {{- return(should_store_failures()) -}}
  {%- endif -%}
  {{- return(config.get('store_failures') or false) -}}
{%- endmacro %}

{#- Where a test stores its failing rows: the audit schema beside the target schema. -#}
{%- macro gdbt_test_audit_relation() -%}
  {%- set audit_suffix = 'dbt_test__audit' -%}
  {%- set schema = this.schema -%}
  {%- if not (schema | lower).endswith(audit_suffix) -%}
    {%- set schema = schema ~ '_' ~ audit_suffix -%}
  {%- endif -%}
  {%- set identifier = model['alias'] if model is mapping and model.get('alias') else this.identifier -%}
  {{- return(api.Relation.create(database=this.database, schema=schema, identifier=identifier, type='table')) -}}
{%- endmacro %}

{#- The tested relation filtered by the test's where config, as dbt feeds `model` to a
    generic test: (select * from <relation> where <where>) dbt_subquery. -#}
{%- macro get_where_subquery(relation) -%}
  {{- return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) -}}
{%- endmacro %}

{%- macro default__get_where_subquery(relation) -%}
  {%- set where = config.get('where') -%}
  {%- if where -%}
    {{- return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -}}
  {%- endif -%}
  {{- return(relation) -}}
{%- endmacro %}
