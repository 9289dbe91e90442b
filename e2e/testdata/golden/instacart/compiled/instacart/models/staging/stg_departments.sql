select
    cast(department_id as integer) as department_id,
    cast(department as varchar) as department
from read_csv_auto('<project>/data/instacart_sample/departments.csv.gz')
