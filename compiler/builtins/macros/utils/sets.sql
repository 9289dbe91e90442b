{#- Set operators that some engines spell with DISTINCT. -#}

{%- macro except() -%}
  {{- adapter.dispatch('except', 'dbt')() -}}
{%- endmacro %}

{%- macro default__except() -%}
  except
{%- endmacro %}

{%- macro intersect() -%}
  {{- adapter.dispatch('intersect', 'dbt')() -}}
{%- endmacro %}

{%- macro default__intersect() -%}
  intersect
{%- endmacro %}
