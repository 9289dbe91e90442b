{#- Names that materializations and macros written for dbt call, kept so that such code
    (a project's custom materialization copied from dbt's pattern, a package) runs on gdbt
    unchanged. Indexes are not managed by gdbt yet: create_indexes is a no-op (grants: grants.sql). -#}

{#- Records a statement result without running SQL (dbt's noop_statement). -#}
{%- macro noop_statement(name=none, message=none, code=none, rows_affected=none, res=none) -%}
  {%- do store_raw_result(name=name, message=message, code=code, rows_affected=rows_affected, agate_table=res) -%}
  {{- caller() if caller is defined -}}
{%- endmacro %}

{#- {% call set_sql_header(config) %}…{% endcall %}: SQL run before a model's statement. -#}
{%- macro set_sql_header(config) -%}
  {{- config.set('sql_header', caller()) -}}
{%- endmacro %}


{%- macro create_indexes(relation) -%}
{%- endmacro %}

{#- The SQL creating relation (a table or a view, by its type) from sql. -#}
{%- macro get_create_sql(relation, sql) -%}
  {%- if relation.type == 'view' -%}
    {{- get_create_view_as_sql(relation, sql) -}}
  {%- else -%}
    {{- get_create_table_as_sql(False, relation, sql) -}}
  {%- endif -%}
{%- endmacro %}

{#- The SQL replacing existing_relation (none: nothing there) by target_relation built
    from sql: build under the intermediate name, then swap in one transaction. -#}
{%- macro get_replace_sql(existing_relation, target_relation, sql) -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_relation = make_backup_relation(target_relation, existing_relation.type if existing_relation is not none else target_relation.type) -%}
{{ get_create_sql(intermediate_relation, sql) }};
{{ get_swap_sql(existing_relation, intermediate_relation, target_relation, backup_relation) }}
{%- endmacro %}

{#- dbt's entry point for the adapter's default incremental strategy. -#}
{%- macro get_incremental_default_sql(arg_dict) -%}
  {{- gdbt_strategy_sql(get_incremental_default_strategy(arg_dict['unique_key']), arg_dict) -}}
{%- endmacro %}
