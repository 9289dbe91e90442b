select cast(aisle_id as integer) as aisle_id, cast(aisle as {{ dbt.type_string() }}) as aisle
from {{ source('instacart_raw', 'aisles') }}
