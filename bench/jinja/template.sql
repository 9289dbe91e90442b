{#- A dbt-style model: macros with loops, conditionals, filters, namespaces and calls. -#}
{% macro quote_ident(name) -%}
  "{{ name | replace('"', '""') }}"
{%- endmacro %}

{% macro column_list(columns, prefix='') -%}
  {%- for col in columns -%}
    {%- if prefix %}{{ prefix }}.{% endif %}{{ quote_ident(col.name) }}
    {%- if not loop.last %},
    {% endif -%}
  {%- endfor -%}
{%- endmacro %}

{% macro cast_column(col) -%}
  {%- set t = col.type | lower -%}
  {%- if t in ['int', 'integer', 'bigint'] -%}
    cast({{ quote_ident(col.name) }} as bigint)
  {%- elif t.startswith('varchar') or t == 'text' -%}
    trim({{ quote_ident(col.name) }})
  {%- elif t == 'timestamp' -%}
    date_trunc('second', {{ quote_ident(col.name) }})
  {%- else -%}
    {{ quote_ident(col.name) }}
  {%- endif -%}
{%- endmacro %}

{% macro surrogate_key(fields) -%}
  {%- set parts = [] -%}
  {%- for f in fields -%}
    {%- do parts.append("coalesce(cast(" ~ f ~ " as varchar), '_null_')") -%}
  {%- endfor -%}
  md5({{ parts | join(" || '-' || ") }})
{%- endmacro %}

{% macro pivot(column, values, agg='sum', then_value=1, else_value=0) -%}
  {%- for v in values %}
  {{ agg }}(case when {{ column }} = '{{ v }}' then {{ then_value }} else {{ else_value }} end) as {{ (column ~ '_' ~ v) | lower | replace(' ', '_') }}
  {%- if not loop.last %},{% endif %}
  {%- endfor %}
{%- endmacro %}

{%- set ns = namespace(total=0, wide=[]) -%}
{%- for col in columns -%}
  {%- set ns.total = ns.total + col.width -%}
  {%- if col.width > 8 -%}{%- do ns.wide.append(col.name) -%}{%- endif -%}
{%- endfor -%}

with source as (
    select
    {{ column_list(columns, 'src') | indent(4) }}
    from {{ relation.schema }}.{{ relation.name }} as src
    {%- if filters %}
    where
    {%- for f in filters %}
      {% if not loop.first %}and {% endif %}{{ f.column }} {{ f.op | default('=') }} {{ f.value | tojson if f.value is string else f.value }}
    {%- endfor %}
    {%- endif %}
),

renamed as (
    select
        {{ surrogate_key(key_columns) }} as row_key,
    {%- for col in columns %}
        {{ cast_column(col) }} as {{ col.name | lower }}{{ "," if not loop.last }}
    {%- endfor %}
    from source
),

pivoted as (
    select
        row_key,
        {{ pivot('status', statuses) }}
    from renamed
    group by 1
)

{%- set meta = {'columns': columns | length, 'wide': ns.wide | sort | join(','), 'total_width': ns.total} %}
-- {{ meta | dictsort | map('join', '=') | join('; ') }}
-- widest: {{ (columns | sort(attribute='width', reverse=true) | first).name }}
-- checksum: {{ range(columns | length) | sum }} / {{ (ns.total / (columns | length)) | round(2) }}
select
    p.*,
    {%- for name, expr in extras.items() %}
    {{ expr }} as {{ name }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from pivoted as p
{% if limit is not none -%}
limit {{ limit }}
{%- endif %}
