{#- on_schema_change for incremental models: what to do when the model's select no longer
    has the target table's columns.
      ignore              keep the target as it is; write the columns it has
      fail                stop, naming the columns that differ
      append_new_columns  add the select's new columns to the target
      sync_all_columns    add new columns, drop removed ones, retype changed ones -#}

{%- macro incremental_validate_on_schema_change(on_schema_change, default='ignore') -%}
  {%- set valid = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] -%}
  {%- if on_schema_change is none or on_schema_change == '' -%}
    {{- return(default) -}}
  {%- endif -%}
  {%- if on_schema_change not in valid -%}
    {%- do log("invalid on_schema_change '" ~ on_schema_change ~ "' for " ~ this ~ " (expected one of " ~ valid | join(', ') ~ "); using '" ~ default ~ "'", info=true) -%}
    {{- return(default) -}}
  {%- endif -%}
  {{- return(on_schema_change) -}}
{%- endmacro %}

{#- Compares the new rows' columns (source_relation) with the target's. Names compare
    case-insensitively; types compare as the warehouse reports them. -#}
{%- macro check_for_schema_changes(source_relation, target_relation) -%}
  {%- set source_columns = adapter.get_columns_in_relation(source_relation) -%}
  {%- set target_columns = adapter.get_columns_in_relation(target_relation) -%}
  {%- set source_by_name = {} -%}
  {%- for c in source_columns -%}{%- do source_by_name.update({c.name | lower: c}) -%}{%- endfor -%}
  {%- set target_by_name = {} -%}
  {%- for c in target_columns -%}{%- do target_by_name.update({c.name | lower: c}) -%}{%- endfor -%}
  {%- set source_not_in_target = [] -%}
  {%- set new_target_types = [] -%}
  {%- for c in source_columns -%}
    {%- set key = c.name | lower -%}
    {%- if key not in target_by_name -%}
      {%- do source_not_in_target.append(c) -%}
    {%- elif (target_by_name[key].data_type | lower) != (c.data_type | lower) -%}
      {%- do new_target_types.append({'column_name': target_by_name[key].name, 'new_type': c.data_type, 'old_type': target_by_name[key].data_type}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set target_not_in_source = [] -%}
  {%- for c in target_columns -%}
    {%- if (c.name | lower) not in source_by_name -%}
      {%- do target_not_in_source.append(c) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set changed = (source_not_in_target | length > 0) or (target_not_in_source | length > 0) or (new_target_types | length > 0) -%}
  {{- return({
      'schema_changed': changed,
      'source_not_in_target': source_not_in_target,
      'target_not_in_source': target_not_in_source,
      'source_columns': source_columns,
      'target_columns': target_columns,
      'new_target_types': new_target_types
  }) -}}
{%- endmacro %}

{#- Applies on_schema_change and returns the columns to write (none: the target's). -#}
{%- macro process_schema_changes(on_schema_change, source_relation, target_relation) -%}
  {%- if on_schema_change == 'ignore' -%}
    {{- return(none) -}}
  {%- endif -%}
  {%- set changes = check_for_schema_changes(source_relation, target_relation) -%}
  {%- if not changes['schema_changed'] -%}
    {{- return(none) -}}
  {%- endif -%}
  {%- if on_schema_change == 'fail' -%}
    {%- set parts = [] -%}
    {%- if changes['source_not_in_target'] -%}
      {%- do parts.append('new columns in the model: ' ~ (changes['source_not_in_target'] | map(attribute='name') | join(', '))) -%}
    {%- endif -%}
    {%- if changes['target_not_in_source'] -%}
      {%- do parts.append('columns missing from the model: ' ~ (changes['target_not_in_source'] | map(attribute='name') | join(', '))) -%}
    {%- endif -%}
    {%- for t in changes['new_target_types'] -%}
      {%- do parts.append('column ' ~ t['column_name'] ~ ' changes type from ' ~ t['old_type'] ~ ' to ' ~ t['new_type']) -%}
    {%- endfor -%}
    {#- source_relation is the scratch table of new rows: nothing will read it now. -#}
    {%- do adapter.drop_relation(source_relation) -%}
    {%- do exceptions.raise_compiler_error("the schema of incremental model " ~ this ~ " changed and on_schema_change is 'fail': " ~ parts | join('; ') ~ ". Run with --full-refresh, or set on_schema_change to append_new_columns or sync_all_columns.") -%}
  {%- endif -%}
  {%- do sync_column_schemas(on_schema_change, target_relation, changes) -%}
  {{- return(changes['source_columns']) -}}
{%- endmacro %}

{%- macro sync_column_schemas(on_schema_change, target_relation, changes) -%}
  {%- if on_schema_change == 'append_new_columns' -%}
    {%- if changes['source_not_in_target'] -%}
      {%- do alter_relation_add_remove_columns(target_relation, changes['source_not_in_target'], none) -%}
      {%- do log('on_schema_change append_new_columns: added ' ~ (changes['source_not_in_target'] | map(attribute='name') | join(', ')) ~ ' to ' ~ target_relation) -%}
    {%- endif -%}
  {%- elif on_schema_change == 'sync_all_columns' -%}
    {%- if changes['source_not_in_target'] or changes['target_not_in_source'] -%}
      {%- do alter_relation_add_remove_columns(target_relation, changes['source_not_in_target'], changes['target_not_in_source']) -%}
    {%- endif -%}
    {%- for t in changes['new_target_types'] -%}
      {%- do alter_column_type(target_relation, t['column_name'], t['new_type']) -%}
    {%- endfor -%}
    {%- do log('on_schema_change sync_all_columns: synced the columns of ' ~ target_relation) -%}
  {%- endif -%}
{%- endmacro %}
