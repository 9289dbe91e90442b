select id, name, score from "e2e"."main"."people"
