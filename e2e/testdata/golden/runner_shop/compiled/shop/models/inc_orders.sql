
select id, amount, 'v1' as tag from "gdbt"."main"."stg_orders"
