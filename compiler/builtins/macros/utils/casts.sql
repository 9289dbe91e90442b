{#- Casts and comparisons. -#}

{%- macro cast(field, type) -%}
  {{- adapter.dispatch('cast', 'dbt')(field, type) -}}
{%- endmacro %}

{%- macro default__cast(field, type) -%}
  cast({{ field }} as {{ type }})
{%- endmacro %}

{#- A cast that yields null instead of failing, where the engine has one. -#}
{%- macro safe_cast(field, type) -%}
  {{- adapter.dispatch('safe_cast', 'dbt')(field, type) -}}
{%- endmacro %}

{#- PostgreSQL has no failure-tolerant cast: a plain cast. -#}
{%- macro default__safe_cast(field, type) -%}
  cast({{ field }} as {{ type }})
{%- endmacro %}

{%- macro duckdb__safe_cast(field, type) -%}
  try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- Snowflake's try_cast takes text only, so the field goes through text first. -#}
{%- macro snowflake__safe_cast(field, type) -%}
  {%- if type | lower in ['variant', 'object', 'array'] -%}
  cast({{ field }} as {{ type }})
  {%- else -%}
  try_cast(cast({{ field }} as varchar) as {{ type }})
  {%- endif -%}
{%- endmacro %}

{#- Null-safe equality: true when both are equal or both are null. -#}
{%- macro equals(expr1, expr2) -%}
  {{- adapter.dispatch('equals', 'dbt')(expr1, expr2) -}}
{%- endmacro %}

{%- macro default__equals(expr1, expr2) -%}
  ({{ expr1 }} is not distinct from {{ expr2 }})
{%- endmacro %}
