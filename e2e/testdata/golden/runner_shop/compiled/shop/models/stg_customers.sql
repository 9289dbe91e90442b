
select id, upper(name) as name from "gdbt"."main"."customers"
