
select id, 'g' as grp, val from "e2e"."raw"."events"
