{{ config(materialized='table', schema='custom', meta={'owner': 'data', 'tier': 2, 'weight': 0.5}) }}
select
  '{{ config.get('materialized') }}' as mat,
  '{{ config.get('missing', 'dflt') }}' as dflt,
  '{{ var('region') }}' as region,
  '{{ var('nope', 'fallback') }}' as var_default,
  '{{ env_var('GDBT_TEST_UNSET_VAR', 'env-default') }}' as env_default,
  '{{ target.name }}/{{ target.type }}/{{ target.schema }}' as tgt,
  '{{ this.schema }}.{{ this.identifier }}' as this_name,
  '{{ model.name }}/{{ model.config.materialized }}' as model_info,
  '{{ modules.datetime.datetime(2020, 1, 2).strftime('%Y/%m/%d') }}' as dt,
  '{{ modules.re.sub('[aeiou]', '_', 'education') }}' as re_sub,
  '{{ tojson(fromjson('{"b": 1, "a": [1, 2]}')) }}' as json_round,
  '{{ (zip([1, 2], ['x', 'y']) | list)[1][1] }}' as zipped,
  '{{ set([3, 1, 3]) | list }}' as uniq,
  '{{ local_md5('abc') }}' as md5,
  {{ util.shout('hi') }} as shouted,
  {{ my_concat("'a'", "'b'") }} as concatenated,
  {{ answer() }} as answer,
  {{ adapter.quote('Mixed') }},
  '{{ api.Relation.create(schema='s', identifier='t') }}' as rel,
  {{ 'true' if execute else 'false' }} as executing
from (select 1 as {{ adapter.quote('Mixed') }})
