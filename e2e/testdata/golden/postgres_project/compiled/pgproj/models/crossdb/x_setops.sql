select id from "gdbt"."golden"."people"
except
select 2 as id
