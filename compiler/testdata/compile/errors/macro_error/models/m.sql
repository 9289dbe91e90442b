select {{ boom(42) }}
