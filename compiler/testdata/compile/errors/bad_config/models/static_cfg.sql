-- static fast path
{{ config(materialized=1, enabled='yes', tags=['a', 2], on_schema_change='drop') }}
select 1 as id
