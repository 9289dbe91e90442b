with c as (select * from "gdbt"."main"."stg_customers"), o as (select * from "gdbt"."main"."stg_orders")
select c.id, c.name, count(o.id) as n_orders, sum(o.amount) as total
from c left join o on o.customer_id = c.id
group by c.id, c.name
