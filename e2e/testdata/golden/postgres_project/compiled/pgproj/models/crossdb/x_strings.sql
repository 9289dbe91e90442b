select concat('a', 'b') as c, md5(cast('x' as text)) as h,
  split_part('a,b,c', ',', 2) as sp, length('abcd') as len,
  position('c' in 'abc') as pos, replace('abc', 'b', 'z') as rep,
  right('abcdef', 2) as r, 'abc' as lit,
  'o''k' as esc, cast(true as text) as bt,
  cast('12' as integer) as sc
