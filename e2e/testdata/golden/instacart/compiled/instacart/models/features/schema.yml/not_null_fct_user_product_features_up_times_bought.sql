select up_times_bought
from "gdbt"."main"."fct_user_product_features"
where up_times_bought is null
