{% macro my_concat(a, b) -%}
  {{ return(adapter.dispatch('my_concat', 'features')(a, b)) }}
{%- endmacro %}
{% macro default__my_concat(a, b) %}{{ a }} || {{ b }}{% endmacro %}
{% macro duckdb__my_concat(a, b) %}concat({{ a }}, {{ b }}){% endmacro %}
{% macro answer() %}
  {% set r = run_query('select 42 as x') %}
  {% if execute and r is not none and r.rows | length > 0 %}{{ return(r.columns[0].values()[0]) }}{% endif %}
  {{ return(-1) }}
{% endmacro %}
{% macro grant_nothing(who='nobody') %}{{ log('granting to ' ~ who, info=True) }}{{ return('granted ' ~ who) }}{% endmacro %}
{% macro default__greet() %}root-greet{% endmacro %}
