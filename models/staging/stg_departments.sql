select
    cast(department_id as integer) as department_id,
    cast(department as {{ dbt.type_string() }}) as department
from {{ source('instacart_raw', 'departments') }}
