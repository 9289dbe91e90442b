{%- set statuses = ['placed', 'shipped'] -%}
select customer_id,
{%- for s in statuses %}
  sum(case when status = '{{ s }}' then amount_cents else 0 end) as {{ s }}_cents{{ "," if not loop.last }}
{%- endfor %}
from {{ ref('orders') }}
group by 1
