{#- Grants, as dbt-adapters' global project applies them (macros/adapters/apply_grants.sql):
    the model's `grants` config ({privilege: [grantees]}) is granted after each build; when
    the relation already existed (or its grants may have been copied over), the current
    grants are read first and only the difference is granted and revoked. -#}

{%- macro copy_grants() -%}
  {{- return(adapter.dispatch('copy_grants', 'dbt')()) -}}
{%- endmacro %}

{%- macro default__copy_grants() -%}
  {{- return(True) -}}
{%- endmacro %}

{%- macro support_multiple_grantees_per_dcl_statement() -%}
  {{- return(adapter.dispatch('support_multiple_grantees_per_dcl_statement', 'dbt')()) -}}
{%- endmacro %}

{%- macro default__support_multiple_grantees_per_dcl_statement() -%}
  {{- return(True) -}}
{%- endmacro %}

{#- No relation before: nothing to revoke; replaced: revoke when grants carry over
    (copy_grants); merged into: always. -#}
{%- macro should_revoke(existing_relation, full_refresh_mode=True) -%}
  {%- if not existing_relation -%}
    {{- return(False) -}}
  {%- elif full_refresh_mode -%}
    {{- return(copy_grants()) -}}
  {%- else -%}
    {{- return(True) -}}
  {%- endif -%}
{%- endmacro %}

{%- macro get_show_grant_sql(relation) -%}
  {{- return(adapter.dispatch('get_show_grant_sql', 'dbt')(relation)) -}}
{%- endmacro %}

{%- macro default__get_show_grant_sql(relation) -%}
  show grants on {{ relation.render() }}
{%- endmacro %}

{#- dbt-postgres: the grants this role gave on the table, other than to itself. -#}
{%- macro postgres__get_show_grant_sql(relation) -%}
  select grantee, privilege_type
  from {{ relation.information_schema('role_table_grants') }}
  where grantor = current_role
    and grantee != current_role
    and table_schema = '{{ relation.schema }}'
    and table_name = '{{ relation.identifier }}'
{%- endmacro %}

{%- macro get_grant_sql(relation, privilege, grantees) -%}
  {{- return(adapter.dispatch('get_grant_sql', 'dbt')(relation, privilege, grantees)) -}}
{%- endmacro %}

{%- macro default__get_grant_sql(relation, privilege, grantees) -%}
  grant {{ privilege }} on {{ relation.render() }} to {{ grantees | join(', ') }}
{%- endmacro %}

{%- macro get_revoke_sql(relation, privilege, grantees) -%}
  {{- return(adapter.dispatch('get_revoke_sql', 'dbt')(relation, privilege, grantees)) -}}
{%- endmacro %}

{%- macro default__get_revoke_sql(relation, privilege, grantees) -%}
  {%- set quoted = [] -%}
  {%- for grantee in grantees -%}{%- do quoted.append(adapter.quote(grantee)) -%}{%- endfor -%}
  revoke {{ privilege }} on {{ relation.render() }} from {{ quoted | join(', ') }}
{%- endmacro %}

{%- macro get_dcl_statement_list(relation, grant_config, get_dcl_macro) -%}
  {{- return(adapter.dispatch('get_dcl_statement_list', 'dbt')(relation, grant_config, get_dcl_macro)) -}}
{%- endmacro %}

{%- macro default__get_dcl_statement_list(relation, grant_config, get_dcl_macro) -%}
  {%- set statements = [] -%}
  {%- for privilege, grantees in grant_config.items() -%}
    {%- if support_multiple_grantees_per_dcl_statement() and grantees -%}
      {%- do statements.append(get_dcl_macro(relation, privilege, grantees)) -%}
    {%- else -%}
      {%- for grantee in grantees -%}
        {%- do statements.append(get_dcl_macro(relation, privilege, [grantee])) -%}
      {%- endfor -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(statements) -}}
{%- endmacro %}

{%- macro call_dcl_statements(dcl_statement_list) -%}
  {{- return(adapter.dispatch('call_dcl_statements', 'dbt')(dcl_statement_list)) -}}
{%- endmacro %}

{%- macro default__call_dcl_statements(dcl_statement_list) -%}
  {%- call statement('grants') -%}
    {%- for dcl in dcl_statement_list %}
    {{ dcl }};
    {%- endfor %}
  {%- endcall -%}
{%- endmacro %}

{%- macro apply_grants(relation, grant_config, should_revoke=True) -%}
  {{- return(adapter.dispatch('apply_grants', 'dbt')(relation, grant_config, should_revoke)) -}}
{%- endmacro %}

{%- macro default__apply_grants(relation, grant_config, should_revoke=True) -%}
  {%- if grant_config -%}
    {%- if should_revoke -%}
      {%- set current_grants = adapter.standardize_grants_dict(run_query(get_show_grant_sql(relation))) -%}
      {%- set needs_granting = diff_of_two_dicts(grant_config, current_grants) -%}
      {%- set needs_revoking = diff_of_two_dicts(current_grants, grant_config) -%}
      {%- if not (needs_granting or needs_revoking) -%}
        {{ log('On ' ~ relation.render() ~ ': All grants are in place, no revocation or granting needed.') }}
      {%- endif -%}
    {%- else -%}
      {%- set needs_revoking = {} -%}
      {%- set needs_granting = grant_config -%}
    {%- endif -%}
    {%- set statements = get_dcl_statement_list(relation, needs_revoking, get_revoke_sql) + get_dcl_statement_list(relation, needs_granting, get_grant_sql) -%}
    {%- if statements -%}
      {{ call_dcl_statements(statements) }}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}

{#- dbt-duckdb: DuckDB has no privileges; a grants config is warned about, not applied. -#}
{%- macro duckdb__apply_grants(relation, grant_config, should_revoke=True) -%}
  {%- if grant_config -%}
    {{ exceptions.warn('Grants for relations are not supported by DuckDB: the grants config of ' ~ relation.render() ~ ' is ignored') }}
  {%- endif -%}
{%- endmacro %}

{#- dbt-snowflake: grants survive CREATE OR REPLACE only with copy_grants. -#}
{%- macro snowflake__copy_grants() -%}
  {{- return(config.get('copy_grants', False)) -}}
{%- endmacro %}
