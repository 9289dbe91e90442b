{#-
  reached_threshold_counts(scores, thresholds): for eval_metrics, every scored row under the
  highest threshold it reaches (the greatest threshold <= its score; null below the lowest),
  counted by label: columns reached, label, n. `scores` is a relation or CTE name with
  reorder_probability and label; `thresholds` one with a threshold column.
  DuckDB has ASOF joins; the portable form joins each row to the one interval
  [threshold, next threshold) it falls in, which PostgreSQL and Snowflake run as written.
-#}
{% macro reached_threshold_counts(scores, thresholds) %}
  {{- return(adapter.dispatch('reached_threshold_counts')(scores, thresholds)) -}}
{% endmacro %}

{% macro duckdb__reached_threshold_counts(scores, thresholds) %}
    select th.threshold as reached, v.label, count(*) as n
    from {{ scores }} as v asof left join {{ thresholds }} as th on v.reorder_probability >= th.threshold
    where v.reorder_probability is not null
    group by th.threshold, v.label
{% endmacro %}

{% macro default__reached_threshold_counts(scores, thresholds) %}
    select th.threshold as reached, v.label, count(*) as n
    from {{ scores }} as v
    left join (
        select threshold, lead(threshold) over (order by threshold) as next_threshold
        from {{ thresholds }}
    ) as th
      on v.reorder_probability >= th.threshold
     and (th.next_threshold is null or v.reorder_probability < th.next_threshold)
    where v.reorder_probability is not null
    group by th.threshold, v.label
{% endmacro %}
