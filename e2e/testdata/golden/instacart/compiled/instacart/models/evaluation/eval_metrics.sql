-- Out-of-sample quality of the reorder model, one row:
--   auc: rank-based ROC AUC (Mann-Whitney; ties get their average rank),
--   log_loss, base_rate_log_loss (what predicting the base rate scores),
--   precision / recall / f1 at 0.5 and at the threshold that maximises f1,
--   mean_order_f1: the competition's metric, each order's predicted basket being the
--   products above the best threshold (an order with neither true nor predicted products
--   scores 1, as the competition's 'None' basket does).
with v as (
    select * from "gdbt"."main"."eval_validation_predictions"
),
ranked as (
    select label, reorder_probability,
           rank() over (order by reorder_probability) as r_low,
           count(*) over (partition by reorder_probability) as n_tied
    from v
),
auc as (
    select
        (sum(case when label = 1 then r_low + (n_tied - 1) / 2.0 else 0 end)
            - sum(label) * (sum(label) + 1) / 2.0)
        / (sum(label) * 1.0 * (count(*) - sum(label))) as auc
    from ranked
),
losses as (
    select
        avg(-(label * ln(greatest(reorder_probability, 1e-15))
              + (1 - label) * ln(greatest(1 - reorder_probability, 1e-15)))) as log_loss,
        avg(label * 1.0) as base_rate,
        count(*) as n_rows,
        count(distinct user_id) as n_users
    from v
),
thresholds as (
    select cast(t as double) / 100 as threshold
    from "gdbt"."main"."eval_thresholds"
),
-- Each row under the highest threshold it reaches (the greatest threshold <= its score: an
-- ASOF join on DuckDB, an interval join elsewhere; macros/reached_threshold.sql), counted by
-- label; a row reaches a threshold exactly when its own is that high, so the confusion counts
-- are sums over at most (thresholds + 1) x 2 groups. The direct form, every row against every
-- threshold, evaluated 170 M comparisons at full scale (bench/README.md).
reached as (
    
    select th.threshold as reached, v.label, count(*) as n
    from v as v asof left join thresholds as th on v.reorder_probability >= th.threshold
    where v.reorder_probability is not null
    group by th.threshold, v.label

),
confusion as (
    select
        th.threshold,
        sum(case when r.reached >= th.threshold and r.label = 1 then r.n else 0 end) as tp,
        sum(case when r.reached >= th.threshold and r.label = 0 then r.n else 0 end) as fp,
        sum(case when (r.reached is null or r.reached < th.threshold) and r.label = 1 then r.n else 0 end) as fn
    from thresholds as th cross join reached as r
    group by th.threshold
),
scores as (
    select
        threshold,
        tp * 1.0 / nullif(tp + fp, 0) as precision_,
        tp * 1.0 / nullif(tp + fn, 0) as recall,
        2.0 * tp / nullif(2 * tp + fp + fn, 0) as f1
    from confusion
),
best as (
    select threshold, precision_, recall, f1
    from scores
    order by f1 desc nulls last, threshold
    limit 1
),
at_half as (
    select precision_, recall, f1 from scores where threshold = 0.5
),
orders as (
    select
        v.target_order_id,
        sum(case when v.reorder_probability >= b.threshold and v.label = 1 then 1 else 0 end) as tp,
        sum(case when v.reorder_probability >= b.threshold then 1 else 0 end) as predicted,
        sum(v.label) as actual
    from v cross join best as b
    group by v.target_order_id
),
order_f1 as (
    select avg(case
        when predicted = 0 and actual = 0 then 1.0
        when predicted = 0 or actual = 0 then 0.0
        else 2.0 * tp / (predicted + actual)
    end) as mean_order_f1
    from orders
)
select
    l.n_rows,
    l.n_users,
    l.base_rate,
    a.auc,
    l.log_loss,
    -(l.base_rate * ln(l.base_rate) + (1 - l.base_rate) * ln(1 - l.base_rate)) as base_rate_log_loss,
    h.precision_ as precision_at_50,
    h.recall as recall_at_50,
    h.f1 as f1_at_50,
    b.threshold as best_threshold,
    b.precision_ as precision_at_best,
    b.recall as recall_at_best,
    b.f1 as f1_at_best,
    o.mean_order_f1
from losses as l
cross join auc as a
cross join best as b
cross join order_f1 as o
left join at_half as h on 1 = 1
