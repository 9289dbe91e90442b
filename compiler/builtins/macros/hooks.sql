{#- Hooks: pre-hook and post-hook SQL run around a materialization's main statement. -#}

{#- Runs the hooks of one phase. A hook is a SQL string (run inside the transaction phase)
    or a mapping/object with sql and transaction (true: inside, false: outside), as dbt
    allows in configs. The SQL is rendered with the context's render() (dbt's), and
    empty hooks are skipped. -#}
{%- macro run_hooks(hooks, inside_transaction=True) -%}
  {%- for hook in gdbt_as_list(hooks) -%}
    {%- if hook is string -%}
      {%- set hook_sql = hook -%}
      {%- set hook_in_tx = true -%}
    {%- elif hook is mapping -%}
      {%- set hook_sql = hook.get('sql') or '' -%}
      {%- set hook_in_tx = hook.get('transaction', true) -%}
    {%- else -%}
      {%- set hook_sql = hook.sql or '' -%}
      {%- set hook_in_tx = hook.transaction if hook.transaction is defined else true -%}
    {%- endif -%}
    {%- if (hook_in_tx and inside_transaction) or (not hook_in_tx and not inside_transaction) -%}
      {#- Hook SQL is Jinja ({{ this }}, …) rendered now, in the node's context. -#}
      {%- if render is defined -%}
        {%- set hook_sql = render(hook_sql) -%}
      {%- endif -%}
      {%- if hook_sql | trim != '' -%}
        {%- call statement('hook') -%}
          {{ hook_sql }}
        {%- endcall -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{#- The pre or post hooks of the node being materialized: the pre_hooks/post_hooks context
    variables when the runner provides them, else the node's 'pre-hook'/'post-hook' config. -#}
{%- macro gdbt_hooks(which) -%}
  {%- if which == 'pre' and pre_hooks is defined and pre_hooks is not none -%}
    {{- return(gdbt_as_list(pre_hooks)) -}}
  {%- endif -%}
  {%- if which == 'post' and post_hooks is defined and post_hooks is not none -%}
    {{- return(gdbt_as_list(post_hooks)) -}}
  {%- endif -%}
  {%- set hooks = config.get(which ~ '-hook') -%}
  {%- if hooks is none -%}
    {%- set hooks = config.get(which ~ '_hook') -%}
  {%- endif -%}
  {{- return(gdbt_as_list(hooks)) -}}
{%- endmacro %}

{#- none → [], a single string or mapping → [it], a list → itself. -#}
{%- macro gdbt_as_list(value) -%}
  {%- if value is none or value is undefined -%}
    {{- return([]) -}}
  {%- elif value is string or value is mapping -%}
    {{- return([value]) -}}
  {%- endif -%}
  {{- return(value) -}}
{%- endmacro %}

{#- dbt's helpers for building hook entries in configs. -#}
{%- macro make_hook_config(sql, inside_transaction) -%}
  {{- return({'sql': sql, 'transaction': inside_transaction}) -}}
{%- endmacro %}

{%- macro before_begin(sql) -%}
  {{- return(make_hook_config(sql, inside_transaction=False)) -}}
{%- endmacro %}

{%- macro in_transaction(sql) -%}
  {{- return(make_hook_config(sql, inside_transaction=True)) -}}
{%- endmacro %}

{%- macro after_commit(sql) -%}
  {{- return(make_hook_config(sql, inside_transaction=False)) -}}
{%- endmacro %}
