{% snapshot rows_snapshot %}
{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols='all') }}
select id, id * {{ var('mult', 1) }} as v from {{ ref('src_rows') }}
{% endsnapshot %}
