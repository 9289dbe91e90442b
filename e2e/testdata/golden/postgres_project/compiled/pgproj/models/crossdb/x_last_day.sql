select cast(((date_trunc('month', cast('2024-02-17' as date)) + ((1) * interval '1 month')) + ((-1) * interval '1 day')) as date) as d
