{#-
  gdbt run-operation load_instacart_raw --args '{dir: /abs/path/to/data/instacart_sample, ext: csv.gz}'

  Loads the six Instacart files into tables of schema `schema` (instacart_raw by default), where
  the sources then resolve, on warehouses that cannot read them in place as DuckDB does. One
  implementation per adapter: postgres__ (load_raw_postgres.sql: server-side COPY) and
  snowflake__ (load_raw_snowflake.sql: PUT to a stage, COPY INTO).
-#}
{% macro load_instacart_raw(dir=none, ext=none, schema='instacart_raw') %}
  {{- return(adapter.dispatch('load_instacart_raw')(dir=dir, ext=ext, schema=schema)) -}}
{% endmacro %}

{% macro default__load_instacart_raw(dir=none, ext=none, schema='instacart_raw') %}
  {{ exceptions.raise_compiler_error("load_instacart_raw is for PostgreSQL and Snowflake targets; on " ~ target.type ~ " the sources are read in place (external_location)") }}
{% endmacro %}

{#- The Kaggle dataset's six files and their columns, with the types of `types`, a mapping
    of 'int', 'text' and 'float' to the adapter's type names. -#}
{% macro instacart_raw_tables(types) %}
  {%- set i, t, f = types['int'], types['text'], types['float'] -%}
  {{ return({
      'aisles': 'aisle_id ' ~ i ~ ', aisle ' ~ t,
      'departments': 'department_id ' ~ i ~ ', department ' ~ t,
      'products': 'product_id ' ~ i ~ ', product_name ' ~ t ~ ', aisle_id ' ~ i ~ ', department_id ' ~ i,
      'orders': 'order_id ' ~ i ~ ', user_id ' ~ i ~ ', eval_set ' ~ t ~ ', order_number ' ~ i ~ ', order_dow ' ~ i ~ ', order_hour_of_day ' ~ i ~ ', days_since_prior_order ' ~ f,
      'order_products__prior': 'order_id ' ~ i ~ ', product_id ' ~ i ~ ', add_to_cart_order ' ~ i ~ ', reordered ' ~ i,
      'order_products__train': 'order_id ' ~ i ~ ', product_id ' ~ i ~ ', add_to_cart_order ' ~ i ~ ', reordered ' ~ i,
  }) }}
{% endmacro %}

{#- The absolute folder of the raw files: `dir` or var('instacart_raw_dir'). -#}
{% macro instacart_raw_dir(dir) %}
  {%- set dir = dir or var('instacart_raw_dir') -%}
  {%- if not dir.startswith('/') -%}
    {{ exceptions.raise_compiler_error("load_instacart_raw: dir must be an absolute path, got '" ~ dir ~ "'") }}
  {%- endif -%}
  {%- if "'" in dir -%}
    {{ exceptions.raise_compiler_error("load_instacart_raw: dir must not contain a single quote") }}
  {%- endif -%}
  {{ return(dir.rstrip('/')) }}
{% endmacro %}
