
select id, val, 'first' as note from "e2e"."raw"."events"
