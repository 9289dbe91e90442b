package projgen

import (
	"fmt"
	"strings"
)

// MacroHeavy is the second compile-benchmark shape, so speed figures are not tuned to one
// project: every model calls package macros the way dbt_utils users write them (a
// namespaced call that goes through adapter.dispatch and calls further macros, three
// levels deep), every model has its own property file with configs, column docs and
// four to six generic tests, and a handful of project macros wrap the package ones.
const MacroHeavy Kind = "macroheavy"

// utilsMacros is an installed package (dbt_packages/bench_utils) shaped like dbt_utils:
// public macros dispatch to default__ implementations that call helpers.
var utilsMacros = map[string]string{
	"dbt_packages/bench_utils/dbt_project.yml": "name: bench_utils\nversion: \"1.0.0\"\nconfig-version: 2\nmacro-paths: [\"macros\"]\n",
	"dbt_packages/bench_utils/macros/surrogate_key.sql": `{%- macro generate_surrogate_key(field_list) -%}
    {{ return(adapter.dispatch('generate_surrogate_key', 'bench_utils')(field_list)) }}
{%- endmacro %}

{%- macro default__generate_surrogate_key(field_list) -%}
    {%- set fields = [] -%}
    {%- for field in field_list -%}
        {%- do fields.append("coalesce(cast(" ~ field ~ " as " ~ bench_utils.type_string() ~ "), '" ~ bench_utils.null_token() ~ "')") -%}
        {%- if not loop.last %}{% do fields.append("'-'") %}{% endif -%}
    {%- endfor -%}
    {{ bench_utils.hash(bench_utils.concat(fields)) }}
{%- endmacro %}
`,
	"dbt_packages/bench_utils/macros/helpers.sql": `{% macro type_string() %}varchar{% endmacro %}
{% macro null_token() %}_dbt_utils_surrogate_key_null_{% endmacro %}
{% macro hash(field) -%}md5(cast({{ field }} as {{ bench_utils.type_string() }})){%- endmacro %}
{% macro concat(fields) -%}{{ fields | join(' || ') }}{%- endmacro %}
{% macro safe_divide(numerator, denominator) -%}
    ( {{ numerator }} ) / nullif( ( {{ denominator }} ), 0)
{%- endmacro %}
`,
	"dbt_packages/bench_utils/macros/pivot.sql": `{%- macro pivot(column, values, agg='sum', then_value=1, else_value=0, prefix='', quote_identifiers=false) -%}
    {{ return(adapter.dispatch('pivot', 'bench_utils')(column, values, agg, then_value, else_value, prefix, quote_identifiers)) }}
{%- endmacro %}

{%- macro default__pivot(column, values, agg, then_value, else_value, prefix, quote_identifiers) -%}
  {%- for value in values %}
    {{ agg }}(case when {{ column }} = '{{ value }}' then {{ then_value }} else {{ else_value }} end)
    as {{ adapter.quote(prefix ~ value) if quote_identifiers else prefix ~ value }}
    {%- if not loop.last %},{% endif -%}
  {%- endfor %}
{%- endmacro %}
`,
	"dbt_packages/bench_utils/macros/star.sql": `{%- macro star_list(cols, relation_alias=none, except=[], suffix='') -%}
    {%- set out = [] -%}
    {%- for col in cols if col not in except -%}
        {%- do out.append((relation_alias ~ '.' if relation_alias else '') ~ col ~ (' as ' ~ col ~ suffix if suffix else '')) -%}
    {%- endfor -%}
    {{ out | join(',\n    ') }}
{%- endmacro %}
`,
}

// heavyProjectMacros wrap the package, as projects do.
var heavyProjectMacros = map[string]string{
	"macros/keys.sql": `{% macro customer_key(alias) -%}
    {{ bench_utils.generate_surrogate_key([alias ~ '.customer_id', alias ~ '.region', alias ~ '.channel']) }}
{%- endmacro %}
`,
	"macros/metrics.sql": `{% macro channel_mix(alias) -%}
    {{ bench_utils.pivot(alias ~ '.channel', ['web', 'store', 'app', 'phone'], prefix='n_') }}
{%- endmacro %}

{% macro ratio(a, b) -%}
    {{ bench_utils.safe_divide(a, b) }}
{%- endmacro %}
`,
}

// macroHeavy writes n models in chains of ten under groups of 100, one property file per
// model, reading n/50 (at least 2) seeds-free source tables.
func (w *writer) macroHeavy(n int) {
	w.projectFile("bench_macroheavy", map[string]string{"base": "view", "core": "table"})
	for _, m := range []map[string]string{utilsMacros, heavyProjectMacros} {
		for _, rel := range sortedKeys(m) {
			w.file(rel, m[rel])
			if strings.HasSuffix(rel, ".sql") {
				w.stats.Macros++
			}
		}
	}
	nSrc := max(2, n/50)
	w.stats.Sources = nSrc
	var b strings.Builder
	b.WriteString("version: 2\n\nsources:\n  - name: raw\n    schema: raw\n    tables:\n")
	for t := 0; t < nSrc; t++ {
		fmt.Fprintf(&b, "      - name: events_%d\n        description: %q\n        loaded_at_field: updated_at\n        freshness: {warn_after: {count: 12, period: hour}}\n        columns:\n          - name: id\n            data_tests: [unique, not_null]\n", t, w.sentence(6))
		w.stats.Tests += 2
	}
	w.file("models/base/_sources.yml", b.String())
	w.stats.YAMLFiles++

	var names []string
	for i := 0; i < n; i++ {
		group := i / 100
		base := i%10 == 0 // every chain of ten starts at a source
		var name, folder, body string
		if base {
			name = fmt.Sprintf("base_events_%d", i)
			folder = fmt.Sprintf("models/base/g%d", group)
			body = fmt.Sprintf(`{{ config(tags=['base']) }}

select
    {{ bench_utils.star_list(['id', 'customer_id', 'order_id', 'status', 'region', 'channel', 'quantity', 'created_at'], relation_alias='e') }},
    {{ customer_key('e') }} as customer_key,
    {{ ratio('e.discount_cents', 'e.amount_cents') }} as discount_rate
from {{ source('raw', 'events_%d') }} e
`, (i/10)%nSrc)
		} else {
			name = fmt.Sprintf("core_step_%d", i)
			folder = fmt.Sprintf("models/core/g%d", group)
			parent := names[len(names)-1]
			body = fmt.Sprintf(`{{ config(materialized='%s', unique_key='customer_key') }}

select
    p.customer_key,
    {{ channel_mix('p') }},
    {{ bench_utils.generate_surrogate_key(['p.customer_key', "'%d'"]) }} as step_key,
    {{ ratio('sum(p.quantity)', 'count(*)') }} as avg_quantity
from {{ ref('%s') }} p
{%% if is_incremental() %%}
where p.created_at > (select max(created_at) from {{ this }})
{%% endif %%}
group by 1
`, map[bool]string{true: "incremental", false: "table"}[i%4 == 1], i, parent)
		}
		w.file(folder+"/"+name+".sql", body)
		names = append(names, name)
		w.file(folder+"/"+name+".yml", w.heavyYAML(name, base))
		w.stats.YAMLFiles++
		if i == n/2 {
			w.stats.EditFile = folder + "/" + name + ".sql"
			w.stats.EditYAML = folder + "/" + name + ".yml"
		}
	}
	w.stats.Models = len(names)
	w.stats.EditMacro = "macros/keys.sql" // called by the base model of every chain (10 %)
	if w.stats.EditFile == "" {
		w.stats.EditFile = "models/base/g0/" + names[0] + ".sql"
		w.stats.EditYAML = "models/base/g0/" + names[0] + ".yml"
	}
}

// heavyYAML is one model's property file: config, description, four columns with docs,
// and its generic tests.
func (w *writer) heavyYAML(name string, base bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 2\n\nmodels:\n  - name: %s\n    description: %q\n    config:\n      meta: {owner: team_%d, tier: %d}\n      tags: [bench]\n    columns:\n", name, w.sentence(14), w.rng.Intn(9), w.rng.Intn(3))
	key := "customer_key"
	fmt.Fprintf(&b, "      - name: %s\n        description: %q\n        data_tests:\n          - unique\n          - not_null\n", key, w.sentence(6))
	w.stats.Tests += 2
	if base {
		fmt.Fprintf(&b, "      - name: status\n        description: %q\n        data_tests:\n          - accepted_values:\n              arguments:\n                values: ['open', 'shipped', 'returned']\n", w.sentence(4))
		fmt.Fprintf(&b, "      - name: channel\n        description: %q\n        data_tests:\n          - not_null\n", w.sentence(4))
		w.stats.Tests += 2
	} else {
		fmt.Fprintf(&b, "      - name: avg_quantity\n        description: %q\n        data_tests:\n          - not_null\n", w.sentence(4))
		fmt.Fprintf(&b, "      - name: step_key\n        description: %q\n        data_tests:\n          - unique\n          - not_null\n", w.sentence(4))
		w.stats.Tests += 3
	}
	fmt.Fprintf(&b, "      - name: n_web\n        description: %q\n", w.sentence(5))
	return b.String()
}
