{#- Snapshot helpers: the names of the meta columns, and the strategies. A strategy is a
    dict of SQL expressions evaluated over the rows of the snapshot's source query:
      unique_key   list of key expressions (one per key column/expression)
      updated_at   when this version became valid
      row_changed  given aliases cur (the current snapshot row) and src (the source row
                   with gdbt_updated_at), whether the row changed
    and scd_id, the version's identifier, a hash of the keys and updated_at. -#}

{#- dbt's meta column names, or the snapshot_meta_column_names config's replacements. -#}
{%- macro gdbt_snapshot_column_names() -%}
  {%- set names = {
      'dbt_scd_id': 'dbt_scd_id',
      'dbt_updated_at': 'dbt_updated_at',
      'dbt_valid_from': 'dbt_valid_from',
      'dbt_valid_to': 'dbt_valid_to',
      'dbt_is_deleted': 'dbt_is_deleted'
  } -%}
  {%- set custom = config.get('snapshot_meta_column_names') or {} -%}
  {%- for key, value in custom.items() -%}
    {%- if value -%}
      {%- do names.update({key: value}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(names) -}}
{%- endmacro %}

{#- What to do with rows that vanished from the source: 'ignore', 'invalidate' or
    'new_record' (hard_deletes config, or the older invalidate_hard_deletes=true), as
    get_hard_deletes_behavior in dbt-adapters' dbt/adapters/base/impl.py reads it. -#}
{%- macro gdbt_snapshot_hard_deletes() -%}
  {%- set mode = config.get('hard_deletes') -%}
  {%- if mode is none or mode == '' -%}
    {%- set mode = 'invalidate' if config.get('invalidate_hard_deletes') else 'ignore' -%}
  {%- endif -%}
  {%- if mode not in ['ignore', 'invalidate', 'new_record'] -%}
    {%- do exceptions.raise_compiler_error("snapshot " ~ this ~ ": hard_deletes must be one of 'ignore', 'invalidate' or 'new_record', got '" ~ mode ~ "'") -%}
  {%- endif -%}
  {{- return(mode) -}}
{%- endmacro %}

{%- macro snapshot_get_time() -%}
  {{- adapter.dispatch('snapshot_get_time', 'dbt')() -}}
{%- endmacro %}

{%- macro default__snapshot_get_time() -%}
  {{- current_timestamp() -}}
{%- endmacro %}

{%- macro duckdb__snapshot_get_time() -%}
  current_timestamp::timestamp
{%- endmacro %}

{%- macro postgres__snapshot_get_time() -%}
  now()::timestamp without time zone
{%- endmacro %}

{%- macro snowflake__snapshot_get_time() -%}
  current_timestamp()::timestamp_ntz
{%- endmacro %}

{#- md5 over the arguments cast to text, '|'-separated, nulls as ''. -#}
{%- macro snapshot_hash_arguments(args) -%}
  {{- adapter.dispatch('snapshot_hash_arguments', 'dbt')(args) -}}
{%- endmacro %}

{%- macro default__snapshot_hash_arguments(args) -%}
  md5({% for arg in args -%}
    coalesce(cast({{ arg }} as {{ type_string() }}), ''){{ " || '|' || " if not loop.last }}
  {%- endfor %})
{%- endmacro %}

{#- The strategy named by the config. -#}
{%- macro snapshot_strategy(name, source_columns) -%}
  {%- set unique_key = config.get('unique_key') -%}
  {%- if not unique_key -%}
    {%- do exceptions.raise_compiler_error("snapshot " ~ this ~ " needs a unique_key") -%}
  {%- endif -%}
  {%- set keys = gdbt_as_list(unique_key) -%}
  {%- if name == 'timestamp' -%}
    {{- return(snapshot_timestamp_strategy(keys, config.get('updated_at'))) -}}
  {%- elif name == 'check' -%}
    {{- return(snapshot_check_strategy(keys, config.get('check_cols'), config.get('updated_at'), source_columns)) -}}
  {%- endif -%}
  {%- do exceptions.raise_compiler_error("snapshot " ~ this ~ ": unknown strategy '" ~ name ~ "' (expected 'timestamp' or 'check')") -%}
{%- endmacro %}

{#- timestamp: a row changed when its updated_at is newer than the current version's
    valid_from; the new version is valid from that updated_at. -#}
{%- macro snapshot_timestamp_strategy(keys, updated_at) -%}
  {%- if not updated_at -%}
    {%- do exceptions.raise_compiler_error("snapshot " ~ this ~ ": the timestamp strategy needs updated_at") -%}
  {%- endif -%}
  {%- set names = gdbt_snapshot_column_names() -%}
  {{- return({
      'unique_key': keys,
      'updated_at': updated_at,
      'scd_id': snapshot_hash_arguments(keys + [updated_at]),
      'row_changed': '(cur.' ~ names['dbt_valid_from'] ~ ' < src.gdbt_updated_at)'
  }) -}}
{%- endmacro %}

{#- check: a row changed when any of check_cols (or every column, for 'all') differs from
    the current version, nulls compared as values; the new version is valid from the
    snapshot time (or updated_at when configured). -#}
{%- macro snapshot_check_strategy(keys, check_cols, updated_at, source_columns) -%}
  {%- if not check_cols -%}
    {%- do exceptions.raise_compiler_error("snapshot " ~ this ~ ": the check strategy needs check_cols (a list, or 'all')") -%}
  {%- endif -%}
  {#- Listed columns are used as written (like unique_key and updated_at); the columns
      found for 'all' are quoted exactly as the warehouse reports them. -#}
  {%- set cols = [] -%}
  {%- if check_cols == 'all' -%}
    {%- for c in source_columns -%}
      {%- do cols.append(adapter.quote(c)) -%}
    {%- endfor -%}
  {%- else -%}
    {%- set cols = gdbt_as_list(check_cols) -%}
  {%- endif -%}
  {%- set parts = [] -%}
  {%- for c in cols -%}
    {%- do parts.append('cur.' ~ c ~ ' is distinct from src.' ~ c) -%}
  {%- endfor -%}
  {%- set time = updated_at if updated_at else snapshot_get_time() -%}
  {{- return({
      'unique_key': keys,
      'updated_at': time,
      'scd_id': snapshot_hash_arguments(keys + [time]),
      'row_changed': '(' ~ (parts | join(' or ') if parts else 'false') ~ ')'
  }) -}}
{%- endmacro %}
