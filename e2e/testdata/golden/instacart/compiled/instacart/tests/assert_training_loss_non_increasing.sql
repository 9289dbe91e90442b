-- The logistic regression's loss history must never go up from one iteration to the next.
with h as (
    select iteration, loss, lag(loss) over (order by iteration) as previous_loss
    from "gdbt"."main"."instacart_model__history"
)
select * from h where loss > previous_loss + 1e-12
