
select id, 1 as batch from "gdbt"."golden"."stg_people"
