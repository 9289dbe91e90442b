{#- Aggregates whose names differ between engines. -#}

{#- measure's values joined by delimiter_text (a SQL string literal, default ','), in
    order_by_clause order (e.g. "order by x"), at most limit_num of them. -#}
{%- macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) -%}
  {{- adapter.dispatch('listagg', 'dbt')(measure, delimiter_text, order_by_clause, limit_num) -}}
{%- endmacro %}

{#- Snowflake's listagg. -#}
{%- macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {%- if limit_num -%}
  array_to_string(array_slice(array_agg({{ measure }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}, 0, {{ limit_num }}), {{ delimiter_text }})
  {%- else -%}
  listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
  {%- endif -%}
{%- endmacro %}

{%- macro duckdb__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {%- if limit_num -%}
  array_to_string((list({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
  {%- else -%}
  string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
  {%- endif -%}
{%- endmacro %}

{%- macro postgres__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {%- if limit_num -%}
  array_to_string((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
  {%- else -%}
  string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
  {%- endif -%}
{%- endmacro %}

{%- macro any_value(expression) -%}
  {{- adapter.dispatch('any_value', 'dbt')(expression) -}}
{%- endmacro %}

{%- macro default__any_value(expression) -%}
  any_value({{ expression }})
{%- endmacro %}

{#- any_value arrived in PostgreSQL 16; min() is an arbitrary value on every version. -#}
{%- macro postgres__any_value(expression) -%}
  min({{ expression }})
{%- endmacro %}

{%- macro bool_or(expression) -%}
  {{- adapter.dispatch('bool_or', 'dbt')(expression) -}}
{%- endmacro %}

{%- macro default__bool_or(expression) -%}
  bool_or({{ expression }})
{%- endmacro %}

{%- macro snowflake__bool_or(expression) -%}
  boolor_agg({{ expression }})
{%- endmacro %}
