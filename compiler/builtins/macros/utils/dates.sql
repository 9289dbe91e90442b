{#- Date arithmetic. datepart is a bare unit name (day, week, month, quarter, year, hour,
    minute, second, ...); interval may be a number or a SQL expression. -#}

{%- macro dateadd(datepart, interval, from_date_or_timestamp) -%}
  {{- adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp) -}}
{%- endmacro %}

{#- Snowflake's spelling. -#}
{%- macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
  dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{#- An interval of one unit multiplied by the amount; quarters are three months. -#}
{%- macro duckdb__dateadd(datepart, interval, from_date_or_timestamp) -%}
  {%- set unit = datepart | lower | trim -%}
  {%- set factor = 1 -%}
  {%- if unit in ['quarter', 'quarters'] -%}
    {%- set unit = 'month' -%}
    {%- set factor = 3 -%}
  {%- endif -%}
  ({{ from_date_or_timestamp }} + cast({{ interval }} as bigint){{ ' * ' ~ factor if factor != 1 }} * interval '1 {{ unit }}')
{%- endmacro %}

{%- macro postgres__dateadd(datepart, interval, from_date_or_timestamp) -%}
  {%- set unit = datepart | lower | trim -%}
  {%- set factor = 1 -%}
  {%- if unit in ['quarter', 'quarters'] -%}
    {%- set unit = 'month' -%}
    {%- set factor = 3 -%}
  {%- endif -%}
  ({{ from_date_or_timestamp }} + (({{ interval }}){{ ' * ' ~ factor if factor != 1 }} * interval '1 {{ unit }}'))
{%- endmacro %}

{%- macro datediff(first_date, second_date, datepart) -%}
  {{- adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart) -}}
{%- endmacro %}

{#- The number of datepart boundaries crossed from first_date to second_date (Snowflake's
    definition, which DuckDB's date_diff shares). -#}
{%- macro default__datediff(first_date, second_date, datepart) -%}
  datediff({{ datepart }}, {{ first_date }}, {{ second_date }})
{%- endmacro %}

{%- macro duckdb__datediff(first_date, second_date, datepart) -%}
  date_diff('{{ datepart | lower | trim }}', cast({{ first_date }} as timestamp), cast({{ second_date }} as timestamp))
{%- endmacro %}

{#- PostgreSQL has no datediff: boundaries are counted from truncated calendar fields. -#}
{%- macro postgres__datediff(first_date, second_date, datepart) -%}
  {%- set unit = datepart | lower | trim -%}
  {%- set a = 'cast(' ~ first_date ~ ' as timestamp)' -%}
  {%- set b = 'cast(' ~ second_date ~ ' as timestamp)' -%}
  {%- set years = "(date_part('year', " ~ b ~ ") - date_part('year', " ~ a ~ "))" -%}
  {%- set days = '(cast(' ~ b ~ ' as date) - cast(' ~ a ~ ' as date))' -%}
  {%- if unit == 'year' -%}
    cast({{ years }} as bigint)
  {%- elif unit == 'quarter' -%}
    cast({{ years }} * 4 + date_part('quarter', {{ b }}) - date_part('quarter', {{ a }}) as bigint)
  {%- elif unit == 'month' -%}
    cast({{ years }} * 12 + date_part('month', {{ b }}) - date_part('month', {{ a }}) as bigint)
  {%- elif unit == 'week' -%}
    cast((cast(date_trunc('week', {{ b }}) as date) - cast(date_trunc('week', {{ a }}) as date)) / 7 as bigint)
  {%- elif unit == 'day' -%}
    cast({{ days }} as bigint)
  {%- elif unit == 'hour' -%}
    cast(floor(extract(epoch from date_trunc('hour', {{ b }}) - date_trunc('hour', {{ a }})) / 3600) as bigint)
  {%- elif unit == 'minute' -%}
    cast(floor(extract(epoch from date_trunc('minute', {{ b }}) - date_trunc('minute', {{ a }})) / 60) as bigint)
  {%- elif unit == 'second' -%}
    cast(floor(extract(epoch from date_trunc('second', {{ b }}) - date_trunc('second', {{ a }}))) as bigint)
  {%- elif unit == 'millisecond' -%}
    cast(floor(extract(epoch from date_trunc('milliseconds', {{ b }}) - date_trunc('milliseconds', {{ a }})) * 1000) as bigint)
  {%- elif unit == 'microsecond' -%}
    cast(floor(extract(epoch from {{ b }} - {{ a }}) * 1000000) as bigint)
  {%- else -%}
    {{ exceptions.raise_compiler_error("datediff: unsupported datepart '" ~ datepart ~ "' on postgres") }}
  {%- endif -%}
{%- endmacro %}

{%- macro date_trunc(datepart, date) -%}
  {{- adapter.dispatch('date_trunc', 'dbt')(datepart, date) -}}
{%- endmacro %}

{%- macro default__date_trunc(datepart, date) -%}
  date_trunc('{{ datepart }}', {{ date }})
{%- endmacro %}

{#- The last day of the datepart period containing date: the start of the next period
    minus one day, as a date. -#}
{%- macro last_day(date, datepart) -%}
  {{- adapter.dispatch('last_day', 'dbt')(date, datepart) -}}
{%- endmacro %}

{%- macro default_last_day(date, datepart) -%}
  cast({{ dateadd('day', '-1', dateadd(datepart, '1', date_trunc(datepart, date))) }} as date)
{%- endmacro %}

{%- macro default__last_day(date, datepart) -%}
  {{- default_last_day(date, datepart) -}}
{%- endmacro %}

{#- Snowflake's last_day knows every datepart but quarter... and week, which it starts on a
    session-dependent day; the portable formula is used for those. -#}
{%- macro snowflake__last_day(date, datepart) -%}
  {%- if datepart | lower in ['quarter', 'week'] -%}
    {{- default_last_day(date, datepart) -}}
  {%- else -%}
    last_day({{ date }}, {{ datepart }})
  {%- endif -%}
{%- endmacro %}

{#- A date literal from its parts. -#}
{%- macro date(year, month, day) -%}
  {{- adapter.dispatch('date', 'dbt')(year, month, day) -}}
{%- endmacro %}

{%- macro default__date(year, month, day) -%}
  make_date({{ year }}, {{ month }}, {{ day }})
{%- endmacro %}

{%- macro snowflake__date(year, month, day) -%}
  date_from_parts({{ year }}, {{ month }}, {{ day }})
{%- endmacro %}
