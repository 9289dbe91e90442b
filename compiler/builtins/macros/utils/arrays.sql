{#- Array literals and operations. -#}

{#- An array of the inputs (SQL expressions); an empty one needs data_type for its element
    type (default: type_int()). -#}
{%- macro array_construct(inputs=[], data_type=none) -%}
  {{- adapter.dispatch('array_construct', 'dbt')(inputs, data_type if data_type is not none else type_int()) -}}
{%- endmacro %}

{%- macro default__array_construct(inputs, data_type) -%}
  {%- if inputs | length > 0 -%}
  array[ {{ inputs | join(' , ') }} ]
  {%- else -%}
  array[]::{{ data_type }}[]
  {%- endif -%}
{%- endmacro %}

{%- macro duckdb__array_construct(inputs, data_type) -%}
  {%- if inputs | length > 0 -%}
  [{{ inputs | join(', ') }}]
  {%- else -%}
  cast([] as {{ data_type }}[])
  {%- endif -%}
{%- endmacro %}

{%- macro snowflake__array_construct(inputs, data_type) -%}
  array_construct( {{ inputs | join(' , ') }} )
{%- endmacro %}

{%- macro array_append(array, new_element) -%}
  {{- adapter.dispatch('array_append', 'dbt')(array, new_element) -}}
{%- endmacro %}

{%- macro default__array_append(array, new_element) -%}
  array_append({{ array }}, {{ new_element }})
{%- endmacro %}

{%- macro duckdb__array_append(array, new_element) -%}
  list_append({{ array }}, {{ new_element }})
{%- endmacro %}

{%- macro array_concat(array_1, array_2) -%}
  {{- adapter.dispatch('array_concat', 'dbt')(array_1, array_2) -}}
{%- endmacro %}

{%- macro default__array_concat(array_1, array_2) -%}
  array_cat({{ array_1 }}, {{ array_2 }})
{%- endmacro %}

{%- macro duckdb__array_concat(array_1, array_2) -%}
  list_concat({{ array_1 }}, {{ array_2 }})
{%- endmacro %}
