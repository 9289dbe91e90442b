{#- The snapshot materialization (type-2 slowly changing dimension).
    The source query is first stored in <name>__dbt_tmp, so every step reads the same rows.
    First run: the target is created from it with dbt_scd_id, dbt_updated_at,
    dbt_valid_from and dbt_valid_to (null, or dbt_valid_to_current: current). Later runs, in one transaction:
    close the current version of every changed row (valid_to = the new updated_at), close
    the rows gone from the source when hard deletes are invalidated (valid_to = now), then
    insert every source row whose key has no current version left (new keys and the new
    versions of changed rows). New source columns are added to the target first.
    hard_deletes: new_record (dbt 1.9) keeps a dbt_is_deleted column ('False'/'True', as
    text): a vanished row's current version is closed and a copy marked 'True' becomes
    current; when the key comes back, that deletion record is closed like a changed row
    (default__snapshot_staging_table in dbt-adapters'
    global_project/macros/materializations/snapshots/helpers.sql). -#}
{%- materialization snapshot, default -%}
  {%- set original_query_tag = gdbt_set_query_tag() -%}
  {%- set model_sql = compiled_code if compiled_code is defined else sql -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set staging_relation = make_temp_relation(target_relation) -%}
  {%- set names = gdbt_snapshot_column_names() -%}
  {%- set hard_deletes = gdbt_snapshot_hard_deletes() -%}
  {%- set pre_hooks = gdbt_hooks('pre') -%}
  {%- set post_hooks = gdbt_hooks('post') -%}

  {%- if existing_relation is not none and existing_relation.type == 'view' -%}
    {%- do exceptions.raise_compiler_error("snapshot " ~ target_relation ~ " cannot be built: a view of that name exists") -%}
  {%- endif -%}

  {{ gdbt_drop_leftovers([staging_relation]) }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- call statement('snapshot_source') -%}
    {{ get_create_table_as_sql(False, staging_relation, model_sql) }}
  {%- endcall -%}
  {%- set source_columns = adapter.get_columns_in_relation(staging_relation) | map(attribute='name') | list -%}
  {%- set strategy = snapshot_strategy(config.get('strategy'), source_columns) -%}
  {%- set source_sql = gdbt_snapshot_source_sql(staging_relation, source_columns, strategy) -%}

  {%- if existing_relation is none -%}
    {%- call statement('main') -%}
      {{ get_create_table_as_sql(False, target_relation, gdbt_snapshot_first_sql(source_sql, source_columns, names, hard_deletes)) }}
    {%- endcall -%}
  {%- else -%}
    {{ gdbt_snapshot_add_new_columns(staging_relation, target_relation) }}
    {%- if hard_deletes == 'new_record' -%}
      {{ gdbt_snapshot_add_is_deleted(target_relation, names) }}
    {%- endif -%}
    {%- call statement('main') -%}
      {{ gdbt_snapshot_apply_sql(target_relation, staging_relation, source_sql, source_columns, strategy, names, hard_deletes) }}
    {%- endcall -%}
  {%- endif -%}

  {{ drop_relation_if_exists(staging_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {#- dbt-adapters' snapshots/snapshot.sql: a snapshot is only ever merged into. -#}
  {%- do apply_grants(target_relation, config.get('grants'), should_revoke=should_revoke(existing_relation, full_refresh_mode=False)) -%}
  {%- if config.get('persist_docs') -%}{%- do persist_docs(target_relation, model) -%}{%- endif -%}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {%- do gdbt_unset_query_tag(original_query_tag) -%}
  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}

{#- The source rows with the strategy's values: gdbt_key_<i>, gdbt_updated_at, gdbt_scd_id. -#}
{%- macro gdbt_snapshot_source_sql(staging_relation, source_columns, strategy) -%}
select
  {{ gdbt_column_list(source_columns) }},
  {% for key in strategy['unique_key'] -%}
  {{ key }} as gdbt_key_{{ loop.index0 }},
  {% endfor -%}
  {{ strategy['updated_at'] }} as gdbt_updated_at,
  {{ strategy['scd_id'] }} as gdbt_scd_id
from {{ staging_relation }}
{%- endmacro %}

{#- The current versions of the target with their key values as gdbt_key_<i>. -#}
{%- macro gdbt_snapshot_current_sql(target_relation, strategy, names) -%}
select
  *,
  {% for key in strategy['unique_key'] -%}
  {{ key }} as gdbt_key_{{ loop.index0 }}{{ ',' if not loop.last }}
  {% endfor %}
from {{ target_relation }}
where {{ gdbt_snapshot_is_current(names['dbt_valid_to']) }}
{%- endmacro %}

{#- Whether valid_to marks a current version: null, or the dbt_valid_to_current config's
    value (a SQL expression such as "date '9999-12-31'") when it is set. -#}
{%- macro gdbt_snapshot_is_current(valid_to_sql) -%}
  {%- set current = config.get('dbt_valid_to_current') -%}
  {%- if current -%}
    ({{ valid_to_sql }} is null or {{ valid_to_sql }} = {{ current }})
  {%- else -%}
    {{ valid_to_sql }} is null
  {%- endif -%}
{%- endmacro %}

{#- The valid_to of a new, current version. -#}
{%- macro gdbt_snapshot_current_valid_to(updated_at_sql) -%}
  {%- set current = config.get('dbt_valid_to_current') -%}
  {%- if current -%}
    coalesce(nullif({{ updated_at_sql }}, {{ updated_at_sql }}), {{ current }})
  {%- else -%}
    nullif({{ updated_at_sql }}, {{ updated_at_sql }})
  {%- endif -%}
{%- endmacro %}

{%- macro gdbt_snapshot_keys_match(strategy, left, right) -%}
  {%- for key in strategy['unique_key'] -%}
    {{ left }}.gdbt_key_{{ loop.index0 }} = {{ right }}.gdbt_key_{{ loop.index0 }}{{ ' and ' if not loop.last }}
  {%- endfor -%}
{%- endmacro %}

{%- macro gdbt_snapshot_first_sql(source_sql, source_columns, names, hard_deletes) -%}
select
  {{ gdbt_column_list(source_columns, 'src') }},
  src.gdbt_scd_id as {{ names['dbt_scd_id'] }},
  src.gdbt_updated_at as {{ names['dbt_updated_at'] }},
  src.gdbt_updated_at as {{ names['dbt_valid_from'] }},
  {{ gdbt_snapshot_current_valid_to('src.gdbt_updated_at') }} as {{ names['dbt_valid_to'] }}
  {%- if hard_deletes == 'new_record' %},
  'False' as {{ names['dbt_is_deleted'] }}
  {%- endif %}
from (
{{ source_sql }}
) as src
{%- endmacro %}

{#- Source columns the target lacks are added (null in the older versions). -#}
{%- macro gdbt_snapshot_add_new_columns(staging_relation, target_relation) -%}
  {%- set target_names = adapter.get_columns_in_relation(target_relation) | map(attribute='name') | map('lower') | list -%}
  {%- set missing = [] -%}
  {%- for column in adapter.get_columns_in_relation(staging_relation) -%}
    {%- if (column.name | lower) not in target_names -%}
      {%- do missing.append(column) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if missing -%}
    {%- do alter_relation_add_remove_columns(target_relation, missing, none) -%}
  {%- endif -%}
{%- endmacro %}

{#- A target built before hard_deletes was new_record gets the dbt_is_deleted column
    (null in its rows, as dbt's create_columns leaves it). -#}
{%- macro gdbt_snapshot_add_is_deleted(target_relation, names) -%}
  {%- set target_names = adapter.get_columns_in_relation(target_relation) | map(attribute='name') | map('lower') | list -%}
  {%- if (names['dbt_is_deleted'] | lower) not in target_names -%}
    {%- call statement('snapshot_add_is_deleted') -%}
      alter table {{ target_relation }} add column {{ names['dbt_is_deleted'] }} {{ type_string() }}
    {%- endcall -%}
  {%- endif -%}
{%- endmacro %}

{#- For new_record: whether a current version (alias) is not already a deletion record;
    a null dbt_is_deleted counts as neither, as dbt's "not (is_deleted = 'True' and …)". -#}
{%- macro gdbt_snapshot_not_deleted(alias, names) -%}
  not ({{ alias }}.{{ names['dbt_is_deleted'] }} = 'True')
{%- endmacro %}

{%- macro gdbt_snapshot_apply_sql(target_relation, staging_relation, source_sql, source_columns, strategy, names, hard_deletes) -%}
  {%- set valid_to = names['dbt_valid_to'] -%}
  {%- set scd_id = names['dbt_scd_id'] -%}
begin;
update {{ target_relation }} as dbt_snap
set {{ valid_to }} = closing.gdbt_valid_to
from (
    select cur.{{ scd_id }} as gdbt_scd_id, src.gdbt_updated_at as gdbt_valid_to
    from (
{{ gdbt_snapshot_current_sql(target_relation, strategy, names) }}
    ) as cur
    join (
{{ source_sql }}
    ) as src
    on {{ gdbt_snapshot_keys_match(strategy, 'cur', 'src') }}
    where {{ strategy['row_changed'] }}
    {%- if hard_deletes == 'new_record' %} or cur.{{ names['dbt_is_deleted'] }} = 'True'{% endif %}
) as closing
where dbt_snap.{{ scd_id }} = closing.gdbt_scd_id
  and {{ gdbt_snapshot_is_current('dbt_snap.' ~ valid_to) }};
{% if hard_deletes == 'new_record' -%}
insert into {{ target_relation }} ({{ gdbt_column_list(source_columns) }}, {{ scd_id }}, {{ names['dbt_updated_at'] }}, {{ names['dbt_valid_from'] }}, {{ valid_to }}, {{ names['dbt_is_deleted'] }})
select
  {{ gdbt_column_list(source_columns, 'cur') }},
  {{ snapshot_hash_arguments(['cur.' ~ scd_id, snapshot_get_time()]) }},
  {{ snapshot_get_time() }},
  {{ snapshot_get_time() }},
  cur.{{ valid_to }},
  'True'
from (
{{ gdbt_snapshot_current_sql(target_relation, strategy, names) }}
) as cur
where {{ gdbt_snapshot_not_deleted('cur', names) }}
  and not exists (
    select 1 from (
{{ source_sql }}
    ) as src
    where {{ gdbt_snapshot_keys_match(strategy, 'cur', 'src') }}
  );
{% endif -%}
{% if hard_deletes in ['invalidate', 'new_record'] -%}
update {{ target_relation }} as dbt_snap
set {{ valid_to }} = {{ snapshot_get_time() }}
where {{ gdbt_snapshot_is_current('dbt_snap.' ~ valid_to) }}
  and dbt_snap.{{ scd_id }} in (
    select cur.{{ scd_id }}
    from (
{{ gdbt_snapshot_current_sql(target_relation, strategy, names) }}
    ) as cur
    where not exists (
        select 1 from (
{{ source_sql }}
        ) as src
        where {{ gdbt_snapshot_keys_match(strategy, 'cur', 'src') }}
    )
    {%- if hard_deletes == 'new_record' %}
      and {{ gdbt_snapshot_not_deleted('cur', names) }}
    {%- endif %}
  );
{% endif -%}
insert into {{ target_relation }} ({{ gdbt_column_list(source_columns) }}, {{ scd_id }}, {{ names['dbt_updated_at'] }}, {{ names['dbt_valid_from'] }}, {{ valid_to }}
  {%- if hard_deletes == 'new_record' %}, {{ names['dbt_is_deleted'] }}{% endif %})
select
  {{ gdbt_column_list(source_columns, 'src') }},
  src.gdbt_scd_id,
  src.gdbt_updated_at,
  src.gdbt_updated_at,
  {{ gdbt_snapshot_current_valid_to('src.gdbt_updated_at') }}
  {%- if hard_deletes == 'new_record' %},
  'False'
  {%- endif %}
from (
{{ source_sql }}
) as src
where not exists (
    select 1 from (
{{ gdbt_snapshot_current_sql(target_relation, strategy, names) }}
    ) as cur
    where {{ gdbt_snapshot_keys_match(strategy, 'cur', 'src') }}
);
commit
{%- endmacro %}
