

select id, val, updated_at from "e2e"."raw"."events"
