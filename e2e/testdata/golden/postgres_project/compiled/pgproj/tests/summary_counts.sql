select * from "gdbt"."golden"."people_summary" where n < 1
