select id, name, joined, score, active from "gdbt"."golden"."people"
