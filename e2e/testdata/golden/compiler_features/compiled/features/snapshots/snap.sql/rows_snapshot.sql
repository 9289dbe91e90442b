

select id, id * 1 as v from "gdbt"."main"."src_rows"
