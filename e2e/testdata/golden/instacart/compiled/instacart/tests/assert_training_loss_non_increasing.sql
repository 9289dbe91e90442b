-- The logistic regression's loss history must never go up from one iteration to the next
-- among the scans of the same rows (a warm start's sample scans report the sample's loss).
with h as (
    select iteration, loss, lag(loss) over (partition by n_rows order by iteration) as previous_loss
    from "gdbt"."main"."instacart_model__history"
)
select * from h where loss > previous_loss + 1e-12
