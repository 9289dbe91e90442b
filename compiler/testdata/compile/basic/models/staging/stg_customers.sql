select distinct customer_id from {{ source('app', 'customers') }}
