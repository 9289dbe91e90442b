{#- The microbatch incremental strategy (dbt 1.9): the runner builds the model once per
    batch, its inputs with an event_time already filtered to the batch (model.batch holds
    the window); this moves one batch's rows into the target. Each adapter does what its
    dbt adapter does: default__get_incremental_microbatch_sql in dbt-adapters'
    global_project/macros/materializations/models/incremental/strategies.sql refuses. -#}
{%- macro get_incremental_microbatch_sql(arg_dict) -%}
  {{- adapter.dispatch('get_incremental_microbatch_sql', 'dbt')(arg_dict) -}}
{%- endmacro %}

{%- macro default__get_incremental_microbatch_sql(arg_dict) -%}
  {%- do exceptions.raise_compiler_error("microbatch materialization strategy not implemented for adapter " ~ adapter.type()) -%}
{%- endmacro %}

{#- dbt-duckdb (dbt/include/duckdb/macros/materializations/incremental_strategy/microbatch.sql):
    delete the target's rows of the batch window (and incremental_predicates), insert the
    batch's rows; unique_key is refused. -#}
{%- macro duckdb__get_incremental_microbatch_sql(arg_dict) -%}
  {%- set event_time = config.get('event_time') -%}
  {%- if not event_time -%}
    {%- do exceptions.raise_compiler_error("microbatch incremental strategy requires an 'event_time' model config") -%}
  {%- endif -%}
  {%- if config.get('unique_key') -%}
    {%- do exceptions.raise_compiler_error("microbatch incremental strategy does not support 'unique_key'. Microbatch runs delete+insert per batch based on 'event_time' and does not do key-based upserts. Remove 'unique_key' or use incremental_strategy='merge'.") -%}
  {%- endif -%}
  {%- set batch = gdbt_microbatch_window() -%}
  {%- set window -%}
    {{ event_time }} >= '{{ batch.event_time_start }}' and {{ event_time }} < '{{ batch.event_time_end }}'
  {%- endset -%}
  {%- set dest_cols_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
begin;
delete from {{ arg_dict['target_relation'] }}
where {{ window }}
{%- for predicate in gdbt_as_list(arg_dict.get('incremental_predicates')) %}
  and ({{ predicate }})
{%- endfor %};
insert into {{ arg_dict['target_relation'] }} ({{ dest_cols_csv }})
select {{ dest_cols_csv }}
from {{ arg_dict['temp_relation'] }}
where {{ window }};
commit
{%- endmacro %}

{#- dbt-postgres (dbt/include/postgres/macros/materializations/incremental_strategies.sql):
    a merge on unique_key, which it requires. -#}
{%- macro postgres__get_incremental_microbatch_sql(arg_dict) -%}
  {%- if arg_dict['unique_key'] -%}
    {{- adapter.dispatch('get_incremental_merge_sql', 'dbt')(arg_dict) -}}
  {%- else -%}
    {%- do exceptions.raise_compiler_error("dbt-postgres 'microbatch' requires a `unique_key` config") -%}
  {%- endif -%}
{%- endmacro %}

{#- dbt-snowflake (dbt/include/snowflake/macros/materializations/incremental/merge.sql):
    the batch window becomes incremental predicates on the target; its rows are deleted and
    the batch's rows inserted. -#}
{%- macro snowflake__get_incremental_microbatch_sql(arg_dict) -%}
  {%- set event_time = config.get('event_time') -%}
  {%- set batch = gdbt_microbatch_window() -%}
  {%- set predicates = gdbt_as_list(arg_dict.get('incremental_predicates')) + [
      "DBT_INTERNAL_TARGET." ~ event_time ~ " >= to_timestamp_tz('" ~ batch.event_time_start ~ "')",
      "DBT_INTERNAL_TARGET." ~ event_time ~ " < to_timestamp_tz('" ~ batch.event_time_end ~ "')"] -%}
  {%- set dest_cols_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
begin;
delete from {{ arg_dict['target_relation'] }} DBT_INTERNAL_TARGET
where (
{%- for predicate in predicates %}
  {% if not loop.first %}and {% endif %}{{ predicate }}
{%- endfor %}
);
insert into {{ arg_dict['target_relation'] }} ({{ dest_cols_csv }})
(
  select {{ dest_cols_csv }}
  from {{ arg_dict['temp_relation'] }}
);
commit
{%- endmacro %}

{#- model.batch, failing when the model is not being built batch by batch. -#}
{%- macro gdbt_microbatch_window() -%}
  {%- set batch = model.get('batch') -%}
  {%- if not (batch and batch.event_time_start and batch.event_time_end) -%}
    {%- do exceptions.raise_compiler_error("microbatch incremental strategy requires 'batch.event_time_start' and 'batch.event_time_end' to be set in the context") -%}
  {%- endif -%}
  {{- return(batch) -}}
{%- endmacro %}
