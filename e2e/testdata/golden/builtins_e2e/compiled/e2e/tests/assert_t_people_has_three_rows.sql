select count(*) as n from "e2e"."main"."t_people" having count(*) != 3
