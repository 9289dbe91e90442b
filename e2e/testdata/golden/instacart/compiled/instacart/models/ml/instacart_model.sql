
select * from "gdbt"."main"."instacart_training_input"
