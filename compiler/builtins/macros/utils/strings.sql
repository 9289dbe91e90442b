{#- String helpers. Arguments are SQL expressions unless said otherwise. -#}

{%- macro concat(fields) -%}
  {{- adapter.dispatch('concat', 'dbt')(fields) -}}
{%- endmacro %}

{%- macro default__concat(fields) -%}
  concat({{ fields | join(', ') }})
{%- endmacro %}

{#- md5 of the text form of field, as hex text. -#}
{%- macro hash(field) -%}
  {{- adapter.dispatch('hash', 'dbt')(field) -}}
{%- endmacro %}

{%- macro default__hash(field) -%}
  md5(cast({{ field }} as {{ type_string() }}))
{%- endmacro %}

{%- macro length(expression) -%}
  {{- adapter.dispatch('length', 'dbt')(expression) -}}
{%- endmacro %}

{%- macro default__length(expression) -%}
  length({{ expression }})
{%- endmacro %}

{#- 1-based position of substring_text in string_text, 0 when absent. -#}
{%- macro position(substring_text, string_text) -%}
  {{- adapter.dispatch('position', 'dbt')(substring_text, string_text) -}}
{%- endmacro %}

{%- macro default__position(substring_text, string_text) -%}
  position({{ substring_text }} in {{ string_text }})
{%- endmacro %}

{%- macro snowflake__position(substring_text, string_text) -%}
  position({{ substring_text }}, {{ string_text }})
{%- endmacro %}

{%- macro replace(field, old_chars, new_chars) -%}
  {{- adapter.dispatch('replace', 'dbt')(field, old_chars, new_chars) -}}
{%- endmacro %}

{%- macro default__replace(field, old_chars, new_chars) -%}
  replace({{ field }}, {{ old_chars }}, {{ new_chars }})
{%- endmacro %}

{#- The last length_expression characters. -#}
{%- macro right(string_text, length_expression) -%}
  {{- adapter.dispatch('right', 'dbt')(string_text, length_expression) -}}
{%- endmacro %}

{%- macro default__right(string_text, length_expression) -%}
  right({{ string_text }}, {{ length_expression }})
{%- endmacro %}

{#- The part_number-th piece of string_text split on delimiter_text (1-based; negative
    counts from the end where the engine allows it). -#}
{%- macro split_part(string_text, delimiter_text, part_number) -%}
  {{- adapter.dispatch('split_part', 'dbt')(string_text, delimiter_text, part_number) -}}
{%- endmacro %}

{%- macro default__split_part(string_text, delimiter_text, part_number) -%}
  split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- endmacro %}

{#- DuckDB lists index from 1 and from -1 at the end, which gives negative parts too. -#}
{%- macro duckdb__split_part(string_text, delimiter_text, part_number) -%}
  (string_split({{ string_text }}, {{ delimiter_text }})[{{ part_number }}])
{%- endmacro %}

{#- A text value written into SQL between single quotes. -#}
{%- macro escape_single_quotes(expression) -%}
  {{- adapter.dispatch('escape_single_quotes', 'dbt')(expression) -}}
{%- endmacro %}

{%- macro default__escape_single_quotes(expression) -%}
  {{- expression | replace("'", "''") -}}
{%- endmacro %}

{#- Snowflake string literals also treat backslash as an escape. -#}
{%- macro snowflake__escape_single_quotes(expression) -%}
  {{- expression | replace('\\', '\\\\') | replace("'", "\\'") -}}
{%- endmacro %}

{%- macro string_literal(value) -%}
  {{- adapter.dispatch('string_literal', 'dbt')(value) -}}
{%- endmacro %}

{%- macro default__string_literal(value) -%}
  '{{ value }}'
{%- endmacro %}

{%- macro cast_bool_to_text(field) -%}
  {{- adapter.dispatch('cast_bool_to_text', 'dbt')(field) -}}
{%- endmacro %}

{%- macro default__cast_bool_to_text(field) -%}
  cast({{ field }} as {{ type_string() }})
{%- endmacro %}
