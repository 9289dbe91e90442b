select count(*) as n from "gdbt"."main"."big"
