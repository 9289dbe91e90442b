
select id, val from "e2e"."raw"."events"
