select range as i from range(1000) where hash(range) % 1 = 0
