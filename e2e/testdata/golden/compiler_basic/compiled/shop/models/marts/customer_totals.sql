select customer_id,
  sum(case when status = 'placed' then amount_cents else 0 end) as placed_cents,
  sum(case when status = 'shipped' then amount_cents else 0 end) as shipped_cents
from "gdbt"."main_marts"."orders"
group by 1
