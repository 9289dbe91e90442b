{#- The four built-in generic tests. Each selects the failing rows; the test
    materialization counts them. Each goes through adapter.dispatch('test_<name>', 'dbt')
    so that a project or adapter can replace the SQL of one test. -#}

{% test unique(model, column_name) %}
  {{- adapter.dispatch('test_unique', 'dbt')(model, column_name) -}}
{% endtest %}

{%- macro default__test_unique(model, column_name) -%}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{%- endmacro %}

{% test not_null(model, column_name) %}
  {{- adapter.dispatch('test_not_null', 'dbt')(model, column_name) -}}
{% endtest %}

{#- All columns of the failing rows when they are stored, just the tested one otherwise. -#}
{%- macro default__test_not_null(model, column_name) -%}
select {{ '*' if gdbt_should_store_failures() else column_name }}
from {{ model }}
where {{ column_name }} is null
{%- endmacro %}

{% test accepted_values(model, column_name, values, quote=True) %}
  {{- adapter.dispatch('test_accepted_values', 'dbt')(model, column_name, values, quote) -}}
{% endtest %}

{#- Every distinct value outside the list, with how often it occurs. quote=false compares
    with the values as SQL literals (numbers, booleans). -#}
{%- macro default__test_accepted_values(model, column_name, values, quote=True) -%}
with all_values as (
    select
        {{ column_name }} as value_field,
        count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
)
select *
from all_values
where value_field not in (
    {% for value in values -%}
    {% if quote %}'{{ value | string | replace("'", "''") }}'{% else %}{{ value }}{% endif %}{{ ', ' if not loop.last }}
    {%- endfor %}
)
{%- endmacro %}

{% test relationships(model, column_name, to, field) %}
  {{- adapter.dispatch('test_relationships', 'dbt')(model, column_name, to, field) -}}
{% endtest %}

{#- Child rows whose (non-null) key has no parent row. -#}
{%- macro default__test_relationships(model, column_name, to, field) -%}
with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),
parent as (
    select {{ field }} as to_field
    from {{ to }}
)
select from_field
from child
left join parent
    on child.from_field = parent.to_field
where parent.to_field is null
{%- endmacro %}
