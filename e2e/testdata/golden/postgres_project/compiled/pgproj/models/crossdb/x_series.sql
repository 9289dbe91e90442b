select generate_series(1, 4) as generated_number
