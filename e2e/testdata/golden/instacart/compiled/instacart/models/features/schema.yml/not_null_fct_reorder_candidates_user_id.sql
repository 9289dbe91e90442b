select user_id
from "gdbt"."main"."fct_reorder_candidates"
where user_id is null
