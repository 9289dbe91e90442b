{% set x = 1 %}
select {{ var("start_date") }} as d
