select * from {{ source("app", "user") }}
