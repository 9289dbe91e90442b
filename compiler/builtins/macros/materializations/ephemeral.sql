{#- Ephemeral models are never built: the compiler injects them into their children as
    __dbt__cte__<name> CTEs, and the runner does not execute them. This materialization
    exists so that an explicit call (or a custom runner) finds a definition; it builds
    nothing and reports no relation. -#}
{%- materialization ephemeral, default -%}
  {{ return({'relations': []}) }}
{%- endmaterialization -%}
