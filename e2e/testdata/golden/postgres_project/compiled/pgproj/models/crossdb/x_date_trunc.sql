select date_trunc('month', cast('2024-02-17' as date)) as m
