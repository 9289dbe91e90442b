select aisle
from "gdbt"."main"."dim_products"
where aisle is null
