package projgen

import (
	"fmt"
	"strings"
)

// macroFiles are the project's macros: what real projects keep in macros/ (a unit
// conversion, a surrogate key built in a loop, a column list with an optional prefix, and a
// conditional filter), so models exercise macro calls, loops, ifs and keyword arguments.
var macroFiles = map[string]string{
	"macros/cents_to_dollars.sql": `{% macro cents_to_dollars(column_name, scale=2) -%}
    round(cast({{ column_name }} as decimal(18, 4)) / 100, {{ scale }})
{%- endmacro %}
`,
	"macros/surrogate_key.sql": `{% macro surrogate_key(field_list) -%}
    md5(
    {%- for field in field_list %}
        coalesce(cast({{ field }} as varchar), '_null_')
        {%- if not loop.last %} || '-' || {% endif -%}
    {%- endfor %}
    )
{%- endmacro %}
`,
	"macros/select_columns.sql": `{% macro select_columns(cols, prefix=none, exclude=[]) -%}
    {%- set kept = [] -%}
    {%- for c in cols if c not in exclude -%}
        {%- do kept.append((prefix ~ '.' if prefix else '') ~ c) -%}
    {%- endfor -%}
    {{ kept | join(',\n    ') }}
{%- endmacro %}
`,
	"macros/active_filter.sql": `{% macro active_filter(alias, include_deleted=false) -%}
    {%- if include_deleted -%}
        true
    {%- else -%}
        not coalesce({{ alias }}.is_deleted, false)
    {%- endif -%}
{%- endmacro %}
`,
}

// layered writes a project of n models split 30/40/30 into staging, intermediate and
// marts, reading from n/25 (at least 2) source tables.
func (w *writer) layered(n int) {
	w.projectFile("bench_layered", map[string]string{"staging": "view", "intermediate": "view", "marts": "table"})
	for _, rel := range sortedKeys(macroFiles) {
		w.file(rel, macroFiles[rel])
		w.stats.Macros++
	}
	nStg := max(1, n*3/10)
	nMart := max(0, n*3/10)
	nInt := n - nStg - nMart
	nSrc := max(2, n/25)
	const perSystem = 10
	w.stats.Sources = nSrc

	// Sources: one _sources.yml per source system of 10 tables.
	for s := 0; s*perSystem < nSrc; s++ {
		var b strings.Builder
		fmt.Fprintf(&b, "version: 2\n\nsources:\n  - name: sys%d\n    description: %q\n    schema: raw_sys%d\n    tables:\n", s, w.sentence(8), s)
		for t := s * perSystem; t < min(nSrc, (s+1)*perSystem); t++ {
			fmt.Fprintf(&b, "      - name: table_%d\n        description: %q\n        columns:\n          - name: id\n            data_tests: [unique, not_null]\n", t, w.sentence(6))
			w.stats.Tests += 2
		}
		w.file(fmt.Sprintf("models/staging/sys%d/_sources.yml", s), b.String())
		w.stats.YAMLFiles++
	}

	names := make([]string, 0, n)
	var yml []modelDoc

	// Staging: one source each, columns renamed through a macro, an optional filter.
	for i := 0; i < nStg; i++ {
		src := i % nSrc
		name := fmt.Sprintf("stg_sys%d__table_%d_v%d", src/perSystem, src, i)
		folder := fmt.Sprintf("models/staging/sys%d", src/perSystem)
		body := fmt.Sprintf(`{{ config(materialized='view', tags=['staging', 'sys%d']) }}

with source as (
    select * from {{ source('sys%d', 'table_%d') }}
),

renamed as (
    select
    {{ select_columns(['id', 'customer_id', 'order_id', 'status', 'region', 'channel', 'quantity', 'created_at', 'updated_at', 'is_deleted'], prefix='source') }},
    {{ cents_to_dollars('source.amount_cents') }} as amount,
    {{ cents_to_dollars('source.discount_cents', scale=4) }} as discount
    from source
    where {{ active_filter('source', include_deleted=%s) }}
)

select * from renamed
`, src/perSystem, src/perSystem, src, pyBool(i%7 == 0))
		w.file(fmt.Sprintf("models/staging/sys%d/%s.sql", src/perSystem, name), body)
		names = append(names, name)
		yml = append(yml, modelDoc{name: name, key: "id", tests: true})
		if i == nStg-1 || (i+1)%perSystem == 0 || (i+1)%nSrc == 0 {
			flushTo(w, folder, &yml)
		}
	}
	stg := names[:nStg:nStg]

	// Intermediate: aggregates over one to three earlier models; every tenth is ephemeral and
	// reads staging only (one level of CTE injection, as real projects use it).
	ints := make([]string, 0, nInt)
	for i := 0; i < nInt; i++ {
		name := fmt.Sprintf("int_customer_metrics_%d", i)
		folder := fmt.Sprintf("models/intermediate/g%d", i/100)
		ephemeral := i%10 == 3
		var parents []string
		k := 1 + w.rng.Intn(3)
		for j := 0; j < k; j++ {
			if ephemeral || len(ints) == 0 || w.rng.Intn(2) == 0 {
				parents = append(parents, stg[w.rng.Intn(len(stg))])
			} else {
				// Prefer recent intermediates so the DAG is deep, but never an ephemeral one.
				p := ints[max(0, len(ints)-1-w.rng.Intn(min(len(ints), 50)))]
				parents = append(parents, p)
			}
		}
		parents = uniq(parents)
		mat := "view"
		if ephemeral {
			mat = "ephemeral"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "{{ config(materialized='%s') }}\n\n{%% set metrics = ['amount', 'quantity', 'discount'] %%}\n\n", mat)
		b.WriteString("with\n")
		for j, p := range parents {
			fmt.Fprintf(&b, "p%d as (\n    select * from {{ ref('%s') }}\n)", j, p)
			if j < len(parents)-1 {
				b.WriteString(",\n")
			}
		}
		b.WriteString("\n\nselect\n    p0.customer_id,\n")
		b.WriteString("    {{ surrogate_key(['p0.customer_id', 'p0.region']) }} as customer_region_key,\n")
		b.WriteString("    {%- for m in metrics %}\n    sum(p0.{{ m }}) as total_{{ m }},\n    avg(p0.{{ m }}) as avg_{{ m }}{{ ',' if not loop.last }}\n    {%- endfor %}\nfrom p0\n")
		for j := 1; j < len(parents); j++ {
			fmt.Fprintf(&b, "{%% if %s %%}\nleft join p%d using (customer_id)\n{%% endif %%}\n", pyBool(j%2 == 1), j)
		}
		b.WriteString("group by 1, 2\n")
		w.file(folder+"/"+name+".sql", b.String())
		if !ephemeral {
			ints = append(ints, name)
		}
		names = append(names, name)
		yml = append(yml, modelDoc{name: name, key: "customer_region_key", tests: !ephemeral})
		if (i+1)%100 == 0 || i == nInt-1 {
			flushTo(w, folder, &yml)
		}
		if i == nInt/2 {
			w.stats.EditFile = folder + "/" + name + ".sql"
		}
	}
	if len(ints) == 0 {
		ints = stg
	}

	// Marts: facts and dimensions over intermediates, some incremental.
	for i := 0; i < nMart; i++ {
		kind := "fct"
		if i%3 == 0 {
			kind = "dim"
		}
		name := fmt.Sprintf("%s_customers_%d", kind, i)
		folder := fmt.Sprintf("models/marts/g%d", i/100)
		a := ints[w.rng.Intn(len(ints))]
		bb := ints[w.rng.Intn(len(ints))]
		var b strings.Builder
		if i%5 == 0 {
			b.WriteString("{{ config(materialized='incremental', unique_key='customer_id', tags=['nightly']) }}\n\n")
		} else {
			fmt.Fprintf(&b, "{{ config(materialized='table', tags=['%s'], meta={'owner': 'team_%d'}) }}\n\n", kind, i%7)
		}
		fmt.Fprintf(&b, "select\n    a.customer_id,\n    {{ cents_to_dollars('a.total_amount * 100') }} as lifetime_value,\n    b.avg_quantity,\n    case\n    {%%- for tier, floor in [('gold', 1000), ('silver', 100), ('bronze', 0)] %%}\n        when a.total_amount >= {{ floor }} then '{{ tier }}'\n    {%%- endfor %%}\n    end as tier\nfrom {{ ref('%s') }} a\nleft join {{ ref('%s') }} b using (customer_id)\n", a, bb)
		if i%5 == 0 {
			b.WriteString("{% if is_incremental() %}\nwhere a.customer_id > (select max(customer_id) from {{ this }})\n{% endif %}\n")
		}
		w.file(folder+"/"+name+".sql", b.String())
		names = append(names, name)
		yml = append(yml, modelDoc{name: name, key: "customer_id", tests: true, rel: a})
		if (i+1)%100 == 0 || i == nMart-1 {
			flushTo(w, folder, &yml)
		}
	}
	w.stats.Models = len(names)
	w.stats.EditMacro = "macros/active_filter.sql" // called by every staging model
	if w.stats.EditFile == "" {
		w.stats.EditFile = "models/staging/sys0/" + stg[0] + ".sql"
	}
}

// modelDoc is one model's entry in a schema.yml.
type modelDoc struct {
	name, key, rel string
	tests          bool
}

// flushTo writes the pending model docs as one _schema_<first>.yml in folder.
func flushTo(w *writer, folder string, docs *[]modelDoc) {
	if len(*docs) == 0 {
		return
	}
	w.file(fmt.Sprintf("%s/_schema_%s.yml", folder, (*docs)[0].name), w.schemaYAML(*docs))
	w.stats.YAMLFiles++
	if w.stats.EditYAML == "" && strings.Contains(folder, "intermediate") {
		w.stats.EditYAML = fmt.Sprintf("%s/_schema_%s.yml", folder, (*docs)[0].name)
	}
	*docs = (*docs)[:0]
}

// schemaYAML renders a properties file: descriptions, columns and generic tests.
func (w *writer) schemaYAML(docs []modelDoc) string {
	var b strings.Builder
	b.WriteString("version: 2\n\nmodels:\n")
	for _, d := range docs {
		fmt.Fprintf(&b, "  - name: %s\n    description: %q\n    columns:\n", d.name, w.sentence(12))
		fmt.Fprintf(&b, "      - name: %s\n        description: %q\n", d.key, w.sentence(5))
		if d.tests {
			b.WriteString("        data_tests:\n          - unique\n          - not_null\n")
			w.stats.Tests += 2
			if d.rel != "" {
				fmt.Fprintf(&b, "          - relationships:\n              arguments:\n                to: ref('%s')\n                field: customer_id\n", d.rel)
				w.stats.Tests++
			}
		}
		for _, c := range []string{"status", "region"} {
			fmt.Fprintf(&b, "      - name: %s\n        description: %q\n", c, w.sentence(4))
		}
		if d.tests && strings.HasPrefix(d.name, "stg_") {
			b.WriteString("        data_tests:\n          - accepted_values:\n              arguments:\n                values: ['north', 'south', 'east', 'west']\n")
			w.stats.Tests++
		}
	}
	return b.String()
}

func pyBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
