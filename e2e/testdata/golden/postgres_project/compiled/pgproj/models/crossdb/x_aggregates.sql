select string_agg(name, ', ' order by name) as names,
  array_to_string((array_agg(name order by name))[1:2], ',') as first_two,
  min(name) as anyname, bool_or(active) as any_active
from "gdbt"."golden"."people"
