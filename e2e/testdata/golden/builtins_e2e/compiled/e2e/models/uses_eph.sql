
with __dbt__cte__eph as (
select id, coalesce(score, 0) * 2 as double_score from "e2e"."main"."people"
)
select * from __dbt__cte__eph
