
select
  'table' as mat,
  'dflt' as dflt,
  'eu' as region,
  'fallback' as var_default,
  'env-default' as env_default,
  'dev/duckdb/main' as tgt,
  'custom.features' as this_name,
  'features/table' as model_info,
  '2020/01/02' as dt,
  '_d_c_t__n' as re_sub,
  '{"b": 1, "a": [1, 2]}' as json_round,
  'y' as zipped,
  '[3, 1]' as uniq,
  '900150983cd24fb0d6963f7d28e17f72' as md5,
  upper('hi') as shouted,
  concat('a', 'b') as concatenated,
  -1 as answer,
  "Mixed",
  '"s"."t"' as rel,
  true as executing
from (select 1 as "Mixed")
