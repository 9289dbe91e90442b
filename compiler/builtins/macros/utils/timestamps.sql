{#- The current time as SQL, in dbt's three flavours. -#}

{%- macro current_timestamp() -%}{{ adapter.dispatch('current_timestamp', 'dbt')() }}{%- endmacro %}
{%- macro default__current_timestamp() -%}current_timestamp{%- endmacro %}
{%- macro duckdb__current_timestamp() -%}now(){%- endmacro %}
{%- macro postgres__current_timestamp() -%}now(){%- endmacro %}
{%- macro snowflake__current_timestamp() -%}convert_timezone('UTC', current_timestamp()){%- endmacro %}

{#- Without a time zone, for comparing with timestamp columns (dbt's older semantics). -#}
{%- macro current_timestamp_backcompat() -%}{{ adapter.dispatch('current_timestamp_backcompat', 'dbt')() }}{%- endmacro %}
{%- macro default__current_timestamp_backcompat() -%}current_timestamp::{{ type_timestamp() }}{%- endmacro %}
{%- macro snowflake__current_timestamp_backcompat() -%}current_timestamp::{{ type_timestamp() }}{%- endmacro %}

{%- macro current_timestamp_in_utc_backcompat() -%}{{ adapter.dispatch('current_timestamp_in_utc_backcompat', 'dbt')() }}{%- endmacro %}
{%- macro default__current_timestamp_in_utc_backcompat() -%}{{ current_timestamp_backcompat() }}{%- endmacro %}
{%- macro duckdb__current_timestamp_in_utc_backcompat() -%}(now() at time zone 'UTC'){%- endmacro %}
{%- macro postgres__current_timestamp_in_utc_backcompat() -%}(current_timestamp at time zone 'utc')::{{ type_timestamp() }}{%- endmacro %}
{%- macro snowflake__current_timestamp_in_utc_backcompat() -%}convert_timezone('UTC', current_timestamp())::{{ type_timestamp() }}{%- endmacro %}
