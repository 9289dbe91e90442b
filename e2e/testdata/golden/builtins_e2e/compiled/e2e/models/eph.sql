
select id, coalesce(score, 0) * 2 as double_score from "e2e"."main"."people"
