{#- up_streak and up_in_last_1/3/5 of fct_user_product_features: how many of a user's most
    recent orders in a row contain the product, and how many of the last 1, 3, 5 orders do.
    The parts are dispatched per engine (dbt's adapter.dispatch):
    recent_streak_rank() adds a column to every prior line, recent_streak_state() adds the
    aggregates of the lines of one (user, product), named recent_streak_state and, on the
    default engine, recent_in_last_<k>; recent_streak(), recent_in_last(k) and
    recent_streak_checked_count(count) turn those into the output columns.

    default: the r-th most recent purchase (row_number() over the pair, newest first) is in
    the streak when it is in the order r - 1 orders before the last; the streak counts them.
    recent_in_last_<k> counts the lines in the last k orders. Portable, but the window sorts
    every prior line.

    duckdb: no window. The state is a bit mask with bit d set when the product is in the
    order d orders before the user's last prior one; the streak is its number of trailing
    one bits (m xor (m + 1) has exactly those and the next bit set), and the lines in the last
    k orders are its set bits below k. The same values with less CPU for the statement than
    the window, alternated back to back: 9 % at 30,000 users, 25 % at full scale, for 0.45 GB
    more peak memory there (bench/instacart/streak.sh, on a loaded machine; bench/README.md,
    issue 19); taking the three in_last counts from the mask too took three aggregates off the
    13.4 M groups (session 7). A HUGEINT holds 126 orders. The mask's bits equal the line
    counts when each line of the pair is in a distinct order at most 125 orders before the
    last, as in Instacart's data (one line per order and product, at most 100 orders a user):
    recent_streak_checked_count() compares the set bits with the pair's line count and fails
    loudly where that does not hold, instead of returning a wrong count. -#}

{% macro recent_streak_rank(user, product, order_number) %}
  {{- return(adapter.dispatch('recent_streak_rank')(user, product, order_number)) -}}
{% endmacro %}

{% macro default__recent_streak_rank(user, product, order_number) -%}
  , row_number() over (partition by {{ user }}, {{ product }} order by {{ order_number }} desc) as recent_rank
{%- endmacro %}

{% macro duckdb__recent_streak_rank(user, product, order_number) -%}
{%- endmacro %}

{% macro recent_streak_state(order_number, last_order_number, in_last=[1, 3, 5]) %}
  {{- return(adapter.dispatch('recent_streak_state')(order_number, last_order_number, in_last)) -}}
{% endmacro %}

{% macro default__recent_streak_state(order_number, last_order_number, in_last) -%}
  count(case when {{ order_number }} = {{ last_order_number }} - recent_rank + 1 then 1 end) as recent_streak_state
  {%- for k in in_last %},
  {% if k == 1 -%}
  max(case when {{ order_number }} = {{ last_order_number }} then 1 else 0 end)
  {%- else -%}
  count(case when {{ order_number }} > {{ last_order_number }} - {{ k }} then 1 end)
  {%- endif %} as recent_in_last_{{ k }}
  {%- endfor %}
{%- endmacro %}

{% macro duckdb__recent_streak_state(order_number, last_order_number, in_last) -%}
  bit_or(
    case when {{ last_order_number }} - {{ order_number }} between 0 and 125
      then cast(1 as hugeint) << ({{ last_order_number }} - {{ order_number }}) end
  ) as recent_streak_state
{%- endmacro %}

{% macro recent_streak() %}
  {{- return(adapter.dispatch('recent_streak')()) -}}
{% endmacro %}

{% macro default__recent_streak() -%}
  recent_streak_state
{%- endmacro %}

{#- At most 126 set bits (the checked count guarantees the mask covers the pair's lines), so
    m + 1 <= 2^126 cannot overflow the HUGEINT. -#}
{% macro duckdb__recent_streak() -%}
  cast(bit_count(xor(recent_streak_state, recent_streak_state + 1)) - 1 as bigint)
{%- endmacro %}

{#- The lines in the user's last k orders: an INTEGER for k = 1 (a 0/1 flag), else a BIGINT. -#}
{% macro recent_in_last(k) %}
  {{- return(adapter.dispatch('recent_in_last')(k)) -}}
{% endmacro %}

{% macro default__recent_in_last(k) -%}
  recent_in_last_{{ k }}
{%- endmacro %}

{% macro duckdb__recent_in_last(k) -%}
  {%- if k == 1 -%}
  cast(recent_streak_state & 1 as integer)
  {%- else -%}
  cast(bit_count(recent_streak_state & {{ 2 ** k - 1 }}) as bigint)
  {%- endif -%}
{%- endmacro %}

{#- The pair's line count `count`, on DuckDB checked against the mask's set bits. -#}
{% macro recent_streak_checked_count(count) %}
  {{- return(adapter.dispatch('recent_streak_checked_count')(count)) -}}
{% endmacro %}

{% macro default__recent_streak_checked_count(count) -%}
  {{ count }}
{%- endmacro %}

{% macro duckdb__recent_streak_checked_count(count) -%}
  case
    when {{ count }} <> coalesce(bit_count(recent_streak_state), 0)
      then error('fct_user_product_features: a product bought twice in one order, or more than 125 orders before the last: the bit mask of macros/recent_streak.sql cannot count it')
    else {{ count }}
  end
{%- endmacro %}
