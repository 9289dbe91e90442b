{#-
  gdbt run-operation load_instacart_raw --args '{dir: /abs/path/to/data/instacart_sample, ext: csv.gz}' -t sf

  Snowflake cannot read the client's files, so each file is uploaded with PUT (the client
  reads it, gzip-compressing it when it is not compressed yet) to its own folder of a named
  internal stage, and loaded with COPY INTO into a table created with the Kaggle schema. The
  stage (instacart_stage) and the CSV file format (instacart_csv) are created, replaced, in
  the raw schema; replacing the stage drops the files staged by an earlier load, and
  replacing each table resets COPY's load history, so a second load reloads everything.
-#}
{% macro snowflake__load_instacart_raw(dir=none, ext=none, schema='instacart_raw') %}
  {%- set dir = instacart_raw_dir(dir) -%}
  {%- set ext = ext or var('instacart_raw_ext', 'csv.gz') -%}
  {%- set tables = instacart_raw_tables({'int': 'integer', 'text': 'varchar', 'float': 'float'}) -%}
  {#- Names follow the project's quoting: (unquoted by default, as the sources read them). -#}
  {%- set ns = adapter.quote_as_configured(target.database, 'database') ~ '.' ~ adapter.quote_as_configured(schema, 'schema') -%}
  {%- set stage = ns ~ '.' ~ adapter.quote_as_configured('instacart_stage', 'identifier') -%}
  {%- set format = ns ~ '.' ~ adapter.quote_as_configured('instacart_csv', 'identifier') -%}
  {%- do run_query('create schema if not exists ' ~ ns) -%}
  {#- Product names hold commas and are enclosed in double quotes; a header line per file. -#}
  {%- do run_query('create or replace file format ' ~ format ~ "\n  type = csv field_delimiter = ',' skip_header = 1 field_optionally_enclosed_by = '\"'\n  escape_unenclosed_field = none compression = auto") -%}
  {%- do run_query('create or replace stage ' ~ stage) -%}
  {%- for name, columns in tables.items() -%}
    {%- set rel = ns ~ '.' ~ adapter.quote_as_configured(name, 'identifier') -%}
    {%- set path = dir ~ '/' ~ name ~ '.' ~ ext -%}
    {%- set put = run_query("put 'file://" ~ path ~ "' @" ~ stage ~ '/' ~ name ~ '/ auto_compress = true overwrite = true') -%}
    {%- if put.rows | length != 1 -%}
      {{ exceptions.raise_compiler_error("load_instacart_raw: put " ~ path ~ " uploaded " ~ (put.rows | length) ~ " files, want 1") }}
    {%- endif -%}
    {%- do run_query('create or replace table ' ~ rel ~ ' (' ~ columns ~ ')') -%}
    {%- do run_query('copy into ' ~ rel ~ '\n  from @' ~ stage ~ '/' ~ name ~ "/\n  file_format = (format_name = '" ~ format ~ "')\n  on_error = abort_statement") -%}
    {%- set n = run_query('select count(*) from ' ~ rel).rows[0][0] -%}
    {{ log('loaded ' ~ n ~ ' rows into ' ~ schema ~ '.' ~ name ~ ' from ' ~ path, info=True) }}
  {%- endfor -%}
{% endmacro %}
