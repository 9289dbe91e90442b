{#- Naming: where a node is built. The compiler calls these three macros for every model,
    seed, snapshot and test while building the manifest; a project overrides any of them by
    defining a macro of the same name. -#}

{%- macro generate_schema_name(custom_schema_name=none, node=none) -%}
  {{- return(adapter.dispatch('generate_schema_name', 'dbt')(custom_schema_name, node)) -}}
{%- endmacro %}

{#- No custom schema: the target's schema. A custom schema is appended to the target's
    schema, so that developers sharing one database never collide. -#}
{%- macro default__generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}
    {{- return(target.schema) -}}
  {%- endif -%}
  {{- return(target.schema ~ '_' ~ (custom_schema_name | trim)) -}}
{%- endmacro %}

{#- The common production variant, shipped for projects that call it from their own
    generate_schema_name: the custom schema is used as is on the 'prod' target only. -#}
{%- macro generate_schema_name_for_env(custom_schema_name, node) -%}
  {%- if target.name == 'prod' and custom_schema_name is not none -%}
    {{- return(custom_schema_name | trim) -}}
  {%- endif -%}
  {{- return(target.schema) -}}
{%- endmacro %}

{%- macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {{- return(adapter.dispatch('generate_alias_name', 'dbt')(custom_alias_name, node)) -}}
{%- endmacro %}

{#- An explicit alias wins; a versioned model gets a _v<version> suffix (dots become
    underscores); otherwise the node's own name. -#}
{%- macro default__generate_alias_name(custom_alias_name, node) -%}
  {%- if custom_alias_name -%}
    {{- return(custom_alias_name | trim) -}}
  {%- endif -%}
  {%- if node is not none and node.version is defined and node.version is not none and node.version != '' -%}
    {{- return(node.name ~ '_v' ~ (node.version | string | replace('.', '_'))) -}}
  {%- endif -%}
  {{- return(node.name) -}}
{%- endmacro %}

{%- macro generate_database_name(custom_database_name=none, node=none) -%}
  {{- return(adapter.dispatch('generate_database_name', 'dbt')(custom_database_name, node)) -}}
{%- endmacro %}

{#- The target's database unless the node asks for another one. -#}
{%- macro default__generate_database_name(custom_database_name, node) -%}
  {%- if custom_database_name is none -%}
    {{- return(target.database) -}}
  {%- endif -%}
  {{- return(custom_database_name | trim) -}}
{%- endmacro %}
