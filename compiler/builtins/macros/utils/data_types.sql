{#- Portable type names, for casts written once for every engine. -#}

{%- macro type_string() -%}{{ adapter.dispatch('type_string', 'dbt')() }}{%- endmacro %}
{%- macro default__type_string() -%}varchar{%- endmacro %}
{%- macro postgres__type_string() -%}text{%- endmacro %}

{%- macro type_timestamp() -%}{{ adapter.dispatch('type_timestamp', 'dbt')() }}{%- endmacro %}
{%- macro default__type_timestamp() -%}timestamp{%- endmacro %}
{%- macro postgres__type_timestamp() -%}timestamp without time zone{%- endmacro %}
{%- macro snowflake__type_timestamp() -%}timestamp_ntz{%- endmacro %}

{%- macro type_float() -%}{{ adapter.dispatch('type_float', 'dbt')() }}{%- endmacro %}
{%- macro default__type_float() -%}float{%- endmacro %}
{%- macro duckdb__type_float() -%}double{%- endmacro %}
{%- macro postgres__type_float() -%}double precision{%- endmacro %}

{%- macro type_numeric() -%}{{ adapter.dispatch('type_numeric', 'dbt')() }}{%- endmacro %}
{%- macro default__type_numeric() -%}numeric(28,6){%- endmacro %}
{%- macro duckdb__type_numeric() -%}decimal(28,6){%- endmacro %}

{%- macro type_bigint() -%}{{ adapter.dispatch('type_bigint', 'dbt')() }}{%- endmacro %}
{%- macro default__type_bigint() -%}bigint{%- endmacro %}

{%- macro type_int() -%}{{ adapter.dispatch('type_int', 'dbt')() }}{%- endmacro %}
{%- macro default__type_int() -%}integer{%- endmacro %}

{%- macro type_boolean() -%}{{ adapter.dispatch('type_boolean', 'dbt')() }}{%- endmacro %}
{%- macro default__type_boolean() -%}boolean{%- endmacro %}
