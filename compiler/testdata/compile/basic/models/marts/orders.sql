{{ config(tags=['daily']) }}
-- depends_on: {{ ref('stg_customers') }}
with big as (
  select * from {{ ref('stg_orders') }} where amount >= {{ var('min_amount') }}
)
select order_id, customer_id, {{ cents('amount') }} as amount_cents, status
from big
{% if is_incremental() %} where 1 = 0 {% endif %}
