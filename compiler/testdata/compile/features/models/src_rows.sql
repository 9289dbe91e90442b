{{ config(materialized='table', post_hook="insert into {{ target.schema }}.audit values ('post {{ this.identifier }}')") }}
select range as id from range({{ var('n', 3) }})
