select cast(aisle_id as integer) as aisle_id, cast(aisle as varchar) as aisle
from read_csv_auto('<project>/data/instacart_sample/aisles.csv.gz')
