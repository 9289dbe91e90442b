
select user_id, product_id, count(*) as n
from "gdbt"."main"."fct_user_product_features"
group by user_id, product_id
having count(*) > 1
