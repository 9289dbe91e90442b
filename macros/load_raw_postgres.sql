{#-
  gdbt run-operation load_instacart_raw --args '{dir: /abs/path/to/data/instacart_sample}'

  Loads the six Instacart files into tables of schema `schema` (instacart_raw by default) on
  PostgreSQL, where sources cannot be read in place as DuckDB does. The server reads the files
  itself (COPY ... FROM '<path>', or FROM PROGRAM 'gzip -dc <path>' for .gz files), so it must
  run on this machine as a role allowed to (superuser or pg_read_server_files /
  pg_execute_server_program), and `dir` must be an absolute path the server's OS user can
  read. Each table is dropped, created with the Kaggle schema and loaded in one statement
  string, which PostgreSQL runs as one transaction. ext is the files' extension.
-#}
{% macro postgres__load_instacart_raw(dir=none, ext=none, schema='instacart_raw') %}
  {%- set dir = instacart_raw_dir(dir) -%}
  {%- set ext = ext or var('instacart_raw_ext', 'csv.gz') -%}
  {%- set tables = instacart_raw_tables({'int': 'integer', 'text': 'text', 'float': 'float8'}) -%}
  {%- do run_query('create schema if not exists ' ~ adapter.quote(schema)) -%}
  {%- for name, columns in tables.items() -%}
    {%- set rel = adapter.quote(schema) ~ '.' ~ adapter.quote(name) -%}
    {%- set path = dir ~ '/' ~ name ~ '.' ~ ext -%}
    {%- if ext.endswith('.gz') -%}
      {%- set from = "program 'gzip -dc ''" ~ path ~ "'''" -%}
    {%- else -%}
      {%- set from = "'" ~ path ~ "'" -%}
    {%- endif -%}
    {%- do run_query('drop table if exists ' ~ rel ~ ' cascade;\ncreate table ' ~ rel ~ ' (' ~ columns ~ ');\ncopy ' ~ rel ~ ' from ' ~ from ~ ' with (format csv, header true)') -%}
    {%- set n = run_query('select count(*) from ' ~ rel).rows[0][0] -%}
    {{ log('loaded ' ~ n ~ ' rows into ' ~ schema ~ '.' ~ name ~ ' from ' ~ path, info=True) }}
  {%- endfor -%}
{% endmacro %}
