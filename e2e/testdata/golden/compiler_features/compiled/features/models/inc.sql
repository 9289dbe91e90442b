
select * from "gdbt"."main"."src_rows"
