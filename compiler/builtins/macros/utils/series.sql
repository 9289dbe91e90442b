{#- Number and date series. -#}

{#- The smallest p >= 1 with 2**p >= upper_bound: how many binary digits a generated
    number needs. -#}
{%- macro get_powers_of_two(upper_bound) -%}
  {{- return(adapter.dispatch('get_powers_of_two', 'dbt')(upper_bound)) -}}
{%- endmacro %}

{%- macro default__get_powers_of_two(upper_bound) -%}
  {%- if upper_bound <= 0 -%}
    {{- exceptions.raise_compiler_error('get_powers_of_two: upper bound must be positive, got ' ~ upper_bound) -}}
  {%- endif -%}
  {%- set ns = namespace(p=1) -%}
  {%- for _ in range(63) -%}
    {%- if 2 ** ns.p < upper_bound -%}
      {%- set ns.p = ns.p + 1 -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(ns.p) -}}
{%- endmacro %}

{#- A query of one column, generated_number, from 1 to upper_bound. -#}
{%- macro generate_series(upper_bound) -%}
  {{- adapter.dispatch('generate_series', 'dbt')(upper_bound) -}}
{%- endmacro %}

{#- Portable: the cross join of p one-bit tables enumerates 0 … 2**p - 1. -#}
{%- macro default__generate_series(upper_bound) -%}
  {%- set p = get_powers_of_two(upper_bound) -%}
with bits as (
    select 0 as bit union all select 1
),
numbers as (
    select
    {% for i in range(p) -%}
        b{{ i }}.bit * {{ 2 ** i }}{{ ' + ' if not loop.last }}
    {%- endfor %} + 1 as generated_number
    from {% for i in range(p) -%}
        bits as b{{ i }}{{ ' cross join ' if not loop.last }}
    {%- endfor %}
)
select generated_number
from numbers
where generated_number <= {{ upper_bound }}
order by generated_number
{%- endmacro %}

{%- macro duckdb__generate_series(upper_bound) -%}
select range as generated_number
from range(1, {{ upper_bound }} + 1)
{%- endmacro %}

{%- macro postgres__generate_series(upper_bound) -%}
select generate_series(1, {{ upper_bound }}) as generated_number
{%- endmacro %}

{#- How many datepart periods lie between two date literals or expressions: asked of the
    warehouse at run time (0 at parse time, when nothing runs). -#}
{%- macro get_intervals_between(start_date, end_date, datepart) -%}
  {{- return(adapter.dispatch('get_intervals_between', 'dbt')(start_date, end_date, datepart)) -}}
{%- endmacro %}

{%- macro default__get_intervals_between(start_date, end_date, datepart) -%}
  {%- if not execute -%}
    {{- return(1) -}}
  {%- endif -%}
  {%- call statement('get_intervals_between', fetch_result=True) -%}
    select {{ datediff(start_date, end_date, datepart) }}
  {%- endcall -%}
  {%- set result = load_result('get_intervals_between') -%}
  {%- if result is none or not result['data'] -%}
    {{- return(1) -}}
  {%- endif -%}
  {%- set n = result['data'][0][0] -%}
  {{- return(n | int if n is not none and (n | int) > 0 else 1) -}}
{%- endmacro %}

{#- One row per datepart period from start_date (included) to end_date (excluded), in a
    column named date_<datepart>. -#}
{%- macro date_spine(datepart, start_date, end_date) -%}
  {{- adapter.dispatch('date_spine', 'dbt')(datepart, start_date, end_date) -}}
{%- endmacro %}

{%- macro default__date_spine(datepart, start_date, end_date) -%}
with rawdata as (
{{ generate_series(get_intervals_between(start_date, end_date, datepart)) }}
),
all_periods as (
    select (
        {{ dateadd(datepart, 'generated_number - 1', start_date) }}
    ) as date_{{ datepart }}
    from rawdata
),
filtered as (
    select *
    from all_periods
    where date_{{ datepart }} < {{ end_date }}
)
select * from filtered
{%- endmacro %}
