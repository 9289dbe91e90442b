select cast(1 as integer) as i, cast(2 as bigint) as b,
  cast(1.5 as double precision) as f, cast(1.25 as numeric(28,6)) as n,
  cast('s' as text) as s, cast('2024-01-01' as timestamp without time zone) as ts,
  cast('true' as boolean) as bo, now() as now_ts
