select (cast('2024-01-30' as date) + ((3) * interval '1 day')) as d
