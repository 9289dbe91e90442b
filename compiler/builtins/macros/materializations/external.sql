{#- dbt-duckdb's external materialization (dbt/include/duckdb/macros/materializations/
    external.sql): the model's rows are written to a file (parquet, csv or json; partitioned
    folders with options.partition_by) with COPY … TO, and the model's name becomes a view
    reading that file, so downstream refs read the file. The location is the model's
    `location` config, else external_location(this, config): <external_root>/<name>.<format>.
    An empty result is written as one all-null row and filtered out by the view, as
    dbt-duckdb does, so that the file has the columns. glue_register and plugin need
    dbt-duckdb's Python plugins: refused. -#}
{%- materialization external, adapter='duckdb' -%}
  {%- if config.get('glue_register') or config.get('plugin') -%}
    {{ exceptions.raise_compiler_error("external materialization: " ~ ('glue_register' if config.get('glue_register') else 'plugin') ~ " needs dbt-duckdb's Python plugins, which gdbt does not run; remove it (the file is still written)") }}
  {%- endif -%}
  {%- set model_sql = compiled_code if compiled_code is defined else sql -%}
  {%- set location = render(config.get('location', default=external_location(this, config))) -%}
  {%- set rendered_options = render_write_options(config) -%}
  {%- set format = config.get('format') -%}
  {%- set allowed_formats = ['csv', 'parquet', 'json'] -%}
  {%- if format -%}
    {%- if format not in allowed_formats -%}
      {{ exceptions.raise_compiler_error("external materialization: format " ~ format ~ " is not one of " ~ allowed_formats | join(', ')) }}
    {%- endif -%}
  {%- else -%}
    {%- set format = location.split('.')[-1].lower() if '.' in location.split('/')[-1] else 'parquet' -%}
    {%- set format = format if format in allowed_formats else 'parquet' -%}
  {%- endif -%}
  {%- set write_options = adapter.external_write_options(location, rendered_options) -%}
  {%- set read_location = adapter.external_read_location(location, rendered_options) -%}
  {%- set read_options = config.get(format ~ '_read_options', {'union_by_name': False} if format == 'parquet' else {'auto_detect': True}) -%}

  {%- set target_relation = this.incorporate(type='view') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set temp_relation = make_intermediate_relation(this.incorporate(type='table'), suffix='__dbt_tmp') -%}
  {%- set pre_hooks = gdbt_hooks('pre') -%}
  {%- set post_hooks = gdbt_hooks('post') -%}
  {{ drop_relation_if_exists(load_cached_relation(temp_relation)) }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- call statement('create_table') -%}
    {{ get_create_table_as_sql(False, temp_relation, model_sql) }}
  {%- endcall -%}
  {%- set row_count = run_query('select count(*) as row_count from ' ~ temp_relation) -%}
  {%- set empty = row_count[0][0] == 0 -%}
  {%- set columns = get_columns_in_relation(temp_relation) -%}
  {%- if empty -%}
    {%- call statement('fill_empty') -%}
      insert into {{ temp_relation }} values ({% for col in columns %}NULL{{ ', ' if not loop.last }}{% endfor %})
    {%- endcall -%}
  {%- endif -%}
  {{ write_to_file(temp_relation, location, write_options) }}

  {%- set reader = {'parquet': 'read_parquet', 'csv': 'read_csv', 'json': 'read_json'}[format] -%}
  {%- set view_sql -%}
    select * from {{ reader }}('{{ read_location }}'
    {%- for key, value in read_options.items() -%}
      , {{ key }}={{ "'" ~ value ~ "'" if value is string else value }}
    {%- endfor -%})
    {%- if empty %}
    where 1 {%- for col in columns %} and "{{ col.column }}" is not null{% endfor %}
    {%- endif %}
  {%- endset -%}
  {%- if existing_relation is none or existing_relation.type == 'view' -%}
    {%- call statement('main') -%}
      {{ get_create_or_replace_view_sql(target_relation, view_sql) }}
    {%- endcall -%}
  {%- else -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation, suffix='__dbt_int') -%}
    {%- set backup_relation = make_backup_relation(target_relation, existing_relation.type) -%}
    {{ gdbt_drop_leftovers([intermediate_relation, backup_relation]) }}
    {%- call statement('main') -%}
      {{ get_create_view_as_sql(intermediate_relation, view_sql) }}
    {%- endcall -%}
    {{ gdbt_swap_relation(existing_relation, intermediate_relation, target_relation, backup_relation) }}
  {%- endif -%}
  {{ drop_relation_if_exists(temp_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {%- if config.get('persist_docs') -%}{%- do persist_docs(target_relation, model) -%}{%- endif -%}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}

{#- The default file of an external model: <external_root>/<identifier>.<format>, or the
    folder <external_root>/<identifier> when partitioned (dbt-duckdb's
    macros/utils/external_location.sql). -#}
{%- macro external_location(relation, config) -%}
  {%- if config.get('options', {}).get('partition_by') is none -%}
    {{- adapter.external_root() }}/{{ relation.identifier }}.{{ config.get('format', 'parquet') }}
  {%- else -%}
    {{- adapter.external_root() }}/{{ relation.identifier }}
  {%- endif -%}
{%- endmacro -%}

{#- The COPY options of an external model: its options mapping, each value rendered, with
    the legacy top-level format and delimiter configs (dbt-duckdb's adapters.sql). -#}
{%- macro render_write_options(config) -%}
  {%- set options = config.get('options', {}) -%}
  {%- if options is not mapping -%}
    {{ exceptions.raise_compiler_error("external materialization: options must be a mapping") }}
  {%- endif -%}
  {%- set rendered = {} -%}
  {%- for k in options -%}
    {%- do rendered.update({k: render(options[k]) if options[k] is string else options[k]}) -%}
  {%- endfor -%}
  {%- for k in ['format', 'delimiter'] -%}
    {%- if config.get(k) -%}{%- do rendered.update({k: render(config.get(k))}) -%}{%- endif -%}
  {%- endfor -%}
  {{- return(rendered) -}}
{%- endmacro -%}

{%- macro write_to_file(relation, location, options) -%}
  {%- call statement('write_to_file') -%}
    copy {{ relation }} to '{{ location }}' ({{ options }})
  {%- endcall -%}
{%- endmacro -%}

{#- For runs that select models downstream of external ones without building them: create
    the views over the upstream files (dbt-duckdb's macros/utils/upstream.sql), typically
    called from on-run-start. -#}
{%- macro register_upstream_external_models() -%}
  {%- if execute -%}
    {%- set seen = {} -%}
    {%- set schemas = {} -%}
    {%- for node in selected_resources if node in graph['nodes'] -%}
      {%- for up in graph['nodes'][node]['depends_on']['nodes'] if up not in seen and up not in selected_resources -%}
        {%- do seen.update({up: none}) -%}
        {%- do gdbt_register_external_view(graph['nodes'].get(up), schemas) -%}
      {%- endfor -%}
    {%- endfor -%}
  {%- endif -%}
{%- endmacro -%}

{#- The selected external models' own views, for models that read their previous output
    through {{ this }} (dbt-duckdb's register_self_reference_external_models in
    macros/utils/upstream.sql): skipped when the var first_run is 'true', as there. -#}
{%- macro register_self_reference_external_models() -%}
  {%- if execute and var('first_run', none) | string != 'true' -%}
    {%- set schemas = {} -%}
    {%- for node in selected_resources if node in graph['nodes'] -%}
      {%- do gdbt_register_external_view(graph['nodes'][node], schemas) -%}
    {%- endfor -%}
  {%- endif -%}
{%- endmacro -%}

{#- Creates the view over an external model's or seed's file (its schema first, once per
    schema in schemas); does nothing for any other node. -#}
{%- macro gdbt_register_external_view(node, schemas) -%}
  {%- if node and node.resource_type in ('model', 'seed') and node.config.materialized == 'external' -%}
    {%- set rel = api.Relation.create(database=node['database'], schema=node['schema'], identifier=node['alias']) -%}
    {%- set loc = node.config.get('location', external_location(rel, node.config)) -%}
    {%- set read_loc = adapter.external_read_location(loc, render_write_options(node.config)) -%}
    {%- if rel.schema not in schemas -%}
      {%- call statement('main') -%}create schema if not exists {{ rel.without_identifier() }}{%- endcall -%}
      {%- do schemas.update({rel.schema: none}) -%}
    {%- endif -%}
    {%- call statement('main') -%}
      create or replace view {{ rel }} as (select * from '{{ read_loc }}')
    {%- endcall -%}
  {%- endif -%}
{%- endmacro -%}
