select *
from {{ ref("ordrs") }}
