{% macro boom(x) %}
  {{ exceptions.raise_compiler_error("bad input " ~ x) }}
{% endmacro %}
