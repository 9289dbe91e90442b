{% set m = 'view' %}
{{ config(materialized=m, severity='loud', full_refresh='no', persist_docs=true, unique_key=['id'], pre_hook=[{'sql': 'select 1', 'transaction': true}], meta={'a': 1}) }}
select 1 as id
