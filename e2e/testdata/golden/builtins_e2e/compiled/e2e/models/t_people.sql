
select id, upper(name) as name, coalesce(score, 0) as score from "e2e"."main"."v_people"
