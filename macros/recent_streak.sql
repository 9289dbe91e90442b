{#- up_streak of fct_user_product_features: how many of a user's most recent orders in a row
    contain the product. Three parts, dispatched per engine (dbt's adapter.dispatch):
    recent_streak_rank() adds a column to every prior line, recent_streak_state() aggregates
    the lines of one (user, product), recent_streak(state) turns that into the count.

    default: the r-th most recent purchase (row_number() over the pair, newest first) is in
    the streak when it is in the order r - 1 orders before the last; the streak counts them.
    Portable, but the window sorts every prior line.

    duckdb: no window. The state is a bit mask with bit d set when the product is in the
    order d orders before the user's last prior one; the streak is its number of trailing
    one bits (m xor (m + 1) has exactly those and the next bit set). The same values with
    less CPU for the statement than the window, alternated back to back: 9 % at 30,000 users,
    25 % at full scale, for 0.45 GB more peak memory there (bench/instacart/streak.sh, on a
    loaded machine; bench/README.md, issue 19). A HUGEINT holds 126
    orders: a streak that long fails loudly instead of being cut short (Instacart's users
    have at most 100 orders). -#}

{% macro recent_streak_rank(user, product, order_number) %}
  {{- return(adapter.dispatch('recent_streak_rank')(user, product, order_number)) -}}
{% endmacro %}

{% macro default__recent_streak_rank(user, product, order_number) -%}
  , row_number() over (partition by {{ user }}, {{ product }} order by {{ order_number }} desc) as recent_rank
{%- endmacro %}

{% macro duckdb__recent_streak_rank(user, product, order_number) -%}
{%- endmacro %}

{% macro recent_streak_state(order_number, last_order_number) %}
  {{- return(adapter.dispatch('recent_streak_state')(order_number, last_order_number)) -}}
{% endmacro %}

{% macro default__recent_streak_state(order_number, last_order_number) -%}
  count(case when {{ order_number }} = {{ last_order_number }} - recent_rank + 1 then 1 end)
{%- endmacro %}

{% macro duckdb__recent_streak_state(order_number, last_order_number) -%}
  bit_or(
    case when {{ last_order_number }} - {{ order_number }} between 0 and 125
      then cast(1 as hugeint) << ({{ last_order_number }} - {{ order_number }}) end
  )
{%- endmacro %}

{% macro recent_streak(state) %}
  {{- return(adapter.dispatch('recent_streak')(state)) -}}
{% endmacro %}

{% macro default__recent_streak(state) -%}
  {{ state }}
{%- endmacro %}

{% macro duckdb__recent_streak(state) -%}
  cast(case
    when {{ state }} is null then 0
    when {{ state }} = (cast(1 as hugeint) << 126) - 1
      then error('up_streak: a streak of 126 or more orders does not fit the mask of macros/recent_streak.sql')
    else bit_count(xor({{ state }}, {{ state }} + 1)) - 1
  end as bigint)
{%- endmacro %}
