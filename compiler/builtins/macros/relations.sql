{#- Relations: derived names (intermediate, temp, backup), and the DDL that drops, renames,
    truncates and swaps them. Materializations build under a derived name and swap it in,
    so a failed build never leaves a partial or missing relation behind. Under --no-lock
    every derived name ends in the run's gdbt_scratch_tag ("_<tag>", else ""), so two runs
    into one schema never drop each other's scratch tables. -#}

{%- macro make_intermediate_relation(base_relation, suffix='__dbt_tmp') -%}
  {{- return(adapter.dispatch('make_intermediate_relation', 'dbt')(base_relation, suffix ~ gdbt_scratch_tag)) -}}
{%- endmacro %}

{%- macro default__make_intermediate_relation(base_relation, suffix) -%}
  {{- return(gdbt_derived_relation(base_relation, base_relation.identifier ~ suffix, base_relation.type or 'table')) -}}
{%- endmacro %}

{#- A scratch table beside the target (same database and schema). gdbt never uses
    session-temporary tables: a pooled connection may not be the one that created them. -#}
{%- macro make_temp_relation(base_relation, suffix='__dbt_tmp') -%}
  {{- return(adapter.dispatch('make_temp_relation', 'dbt')(base_relation, suffix ~ gdbt_scratch_tag)) -}}
{%- endmacro %}

{%- macro default__make_temp_relation(base_relation, suffix) -%}
  {{- return(gdbt_derived_relation(base_relation, base_relation.identifier ~ suffix, 'table')) -}}
{%- endmacro %}

{%- macro make_backup_relation(base_relation, backup_relation_type, suffix='__dbt_backup') -%}
  {{- return(adapter.dispatch('make_backup_relation', 'dbt')(base_relation, backup_relation_type, suffix ~ gdbt_scratch_tag)) -}}
{%- endmacro %}

{%- macro default__make_backup_relation(base_relation, backup_relation_type, suffix) -%}
  {{- return(gdbt_derived_relation(base_relation, base_relation.identifier ~ suffix, backup_relation_type or 'table')) -}}
{%- endmacro %}

{#- PostgreSQL cuts identifiers at 63 bytes, so <long name>__dbt_tmp and <long name>__dbt_backup
    would silently become one name. As dbt-postgres does, the base name is truncated so that
    the suffix always fits; the derived names stay distinct and deterministic. -#}
{%- macro postgres__make_intermediate_relation(base_relation, suffix) -%}
  {{- return(postgres__make_relation_with_suffix(base_relation, suffix, base_relation.type or 'table')) -}}
{%- endmacro %}

{%- macro postgres__make_temp_relation(base_relation, suffix) -%}
  {{- return(postgres__make_relation_with_suffix(base_relation, suffix, 'table')) -}}
{%- endmacro %}

{%- macro postgres__make_backup_relation(base_relation, backup_relation_type, suffix) -%}
  {{- return(postgres__make_relation_with_suffix(base_relation, suffix, backup_relation_type or 'table')) -}}
{%- endmacro %}

{%- macro postgres__make_relation_with_suffix(base_relation, suffix, type) -%}
  {%- set max_length = base_relation.relation_max_name_length() -%}
  {%- if suffix | length > max_length -%}
    {%- do exceptions.raise_compiler_error('Relation suffix is too long (' ~ (suffix | length) ~ ' characters). Maximum length is ' ~ max_length ~ ' characters.') -%}
  {%- endif -%}
  {%- set identifier = base_relation.identifier[:max_length - (suffix | length)] ~ suffix -%}
  {{- return(gdbt_derived_relation(base_relation, identifier, type)) -}}
{%- endmacro %}

{#- The same database and schema as base_relation, another identifier and type. -#}
{%- macro gdbt_derived_relation(base_relation, identifier, type) -%}
  {{- return(api.Relation.create(database=base_relation.database, schema=base_relation.schema, identifier=identifier, type=type)) -}}
{%- endmacro %}

{#- The relation as the warehouse has it now (with its real type), or none. -#}
{%- macro load_cached_relation(relation) -%}
  {{- return(adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier)) -}}
{%- endmacro %}

{#- The kind of object a relation is, as DDL spells it. -#}
{%- macro gdbt_relation_kind(relation) -%}
  {%- if relation.type == 'view' -%}
    {{- return('view') -}}
  {%- elif relation.type == 'dynamic_table' -%}
    {{- return('dynamic table') -}}
  {%- endif -%}
  {{- return('table') -}}
{%- endmacro %}

{#- ---- drop ---- -#}

{%- macro get_drop_sql(relation) -%}
  {{- adapter.dispatch('get_drop_sql', 'dbt')(relation) -}}
{%- endmacro %}

{%- macro default__get_drop_sql(relation) -%}
  drop {{ gdbt_relation_kind(relation) }} if exists {{ relation }} cascade
{%- endmacro %}

{#- Issues the DROP itself (adapter.drop_relation goes through the relation cache). -#}
{%- macro drop_relation(relation) -%}
  {%- call statement('drop_relation') -%}
    {{ get_drop_sql(relation) }}
  {%- endcall -%}
{%- endmacro %}

{%- macro drop_relation_if_exists(relation) -%}
  {%- if relation is not none -%}
    {%- do adapter.drop_relation(relation) -%}
  {%- endif -%}
{%- endmacro %}

{#- ---- rename ---- -#}

{%- macro get_rename_sql(relation, new_name) -%}
  {{- adapter.dispatch('get_rename_sql', 'dbt')(relation, new_name) -}}
{%- endmacro %}

{#- DuckDB and PostgreSQL take the new name unqualified: it stays in the same schema. -#}
{%- macro default__get_rename_sql(relation, new_name) -%}
  alter {{ gdbt_relation_kind(relation) }} {{ relation }} rename to {{ adapter.quote(new_name) }}
{%- endmacro %}

{#- Snowflake resolves an unqualified new name against the session's schema, so qualify it. -#}
{%- macro snowflake__get_rename_sql(relation, new_name) -%}
  alter {{ gdbt_relation_kind(relation) }} {{ relation }} rename to {{ gdbt_derived_relation(relation, new_name, relation.type) }}
{%- endmacro %}

{%- macro rename_relation(from_relation, to_relation) -%}
  {%- call statement('rename_relation') -%}
    {{ get_rename_sql(from_relation, to_relation.identifier) }}
  {%- endcall -%}
{%- endmacro %}

{#- ---- atomic swap ---- -#}

{#- The statements that put intermediate_relation in target_relation's place in one
    transaction: the existing relation (if any) is renamed to the backup name, the new one
    takes the target name, and the backup is dropped. A failure anywhere rolls the whole
    swap back, so the previous version stays in place. -#}
{%- macro get_swap_sql(existing_relation, intermediate_relation, target_relation, backup_relation) -%}
  {{- adapter.dispatch('get_swap_sql', 'dbt')(existing_relation, intermediate_relation, target_relation, backup_relation) -}}
{%- endmacro %}

{%- macro default__get_swap_sql(existing_relation, intermediate_relation, target_relation, backup_relation) -%}
begin;
{% if existing_relation is not none -%}
{{ get_rename_sql(existing_relation, backup_relation.identifier) }};
{% endif -%}
{{ get_rename_sql(intermediate_relation, target_relation.identifier) }};
{% if existing_relation is not none -%}
{{ get_drop_sql(backup_relation) }};
{% endif -%}
commit
{%- endmacro %}

{#- Runs get_swap_sql as one statement call (one connection, one transaction). -#}
{%- macro gdbt_swap_relation(existing_relation, intermediate_relation, target_relation, backup_relation) -%}
  {%- call statement('swap') -%}
    {{ get_swap_sql(existing_relation, intermediate_relation, target_relation, backup_relation) }}
  {%- endcall -%}
{%- endmacro %}

{#- Builds target_relation as a table from sql as the 'main' statement, atomically, with the
    fewest statements the engine allows: nothing under the name yet → CREATE TABLE … AS
    (one statement, committed whole or not at all, on every engine); a table under the name
    and an engine that replaces tables in place (gdbt_can_replace_table) → CREATE OR REPLACE
    TABLE … AS; otherwise build intermediate_relation and swap it in (gdbt_swap_relation). -#}
{%- macro gdbt_build_table(existing_relation, intermediate_relation, target_relation, backup_relation, sql) -%}
  {%- if existing_relation is none -%}
    {%- call statement('main') -%}
      {{ get_create_table_as_sql(False, target_relation, sql) }}
    {%- endcall -%}
  {%- elif existing_relation.type == 'table' and gdbt_can_replace_table() -%}
    {%- call statement('main') -%}
      {{ get_create_or_replace_table_as_sql(target_relation, sql) }}
    {%- endcall -%}
  {%- else -%}
    {%- call statement('main') -%}
      {{ get_create_table_as_sql(False, intermediate_relation, sql) }}
    {%- endcall -%}
    {{ gdbt_swap_relation(existing_relation, intermediate_relation, target_relation, backup_relation) }}
  {%- endif -%}
{%- endmacro %}

{#- Drops what a crashed earlier run may have left under the derived names. -#}
{%- macro gdbt_drop_leftovers(relations) -%}
  {%- for r in relations -%}
    {{- drop_relation_if_exists(load_cached_relation(r)) -}}
  {%- endfor -%}
{%- endmacro %}

{#- ---- truncate ---- -#}

{%- macro get_truncate_sql(relation) -%}
  {{- adapter.dispatch('get_truncate_sql', 'dbt')(relation) -}}
{%- endmacro %}

{%- macro default__get_truncate_sql(relation) -%}
  truncate table {{ relation }}
{%- endmacro %}

{%- macro truncate_relation(relation) -%}
  {%- call statement('truncate_relation') -%}
    {{ get_truncate_sql(relation) }}
  {%- endcall -%}
{%- endmacro %}

{#- ---- schemas ---- -#}

{%- macro create_schema(relation) -%}
  {{- adapter.dispatch('create_schema', 'dbt')(relation) -}}
{%- endmacro %}

{%- macro default__create_schema(relation) -%}
  {%- call statement('create_schema') -%}
    create schema if not exists {{ relation.include(identifier=false) }}
  {%- endcall -%}
{%- endmacro %}

{%- macro drop_schema(relation) -%}
  {{- adapter.dispatch('drop_schema', 'dbt')(relation) -}}
{%- endmacro %}

{%- macro default__drop_schema(relation) -%}
  {%- call statement('drop_schema') -%}
    drop schema if exists {{ relation.include(identifier=false) }} cascade
  {%- endcall -%}
{%- endmacro %}
