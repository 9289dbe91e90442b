package projgen

import (
	"fmt"
	"sort"
)

// trivial writes n tiny models in layers of 100: the first layer are 10-row tables computed
// from DuckDB's range(), every later model reads one model of the layer before; one model in
// five is a table, the rest views. Nothing needs data, so the runner benchmark measures
// orchestration and not the warehouse.
func (w *writer) trivial(n int) {
	w.projectFile("bench_trivial", map[string]string{})
	const width = 100
	var docs []modelDoc
	for i := 0; i < n; i++ {
		layer := i / width
		name := fmt.Sprintf("m%05d", i)
		var body string
		switch {
		case layer == 0:
			body = fmt.Sprintf("{{ config(materialized='table') }}\nselect range as id, range %% 7 + %d as v from range(10)\n", i)
		default:
			parent := fmt.Sprintf("m%05d", (layer-1)*width+w.rng.Intn(width))
			mat := "view"
			if i%5 == 0 {
				mat = "table"
			}
			body = fmt.Sprintf("{{ config(materialized='%s') }}\nselect id, v + 1 as v from {{ ref('%s') }}\n", mat, parent)
		}
		w.file(fmt.Sprintf("models/l%03d/%s.sql", layer, name), body)
		docs = append(docs, modelDoc{name: name, key: "id"})
		if (i+1)%width == 0 || i == n-1 {
			flushTo(w, fmt.Sprintf("models/l%03d", layer), &docs)
		}
	}
	w.stats.Models = n
	w.stats.EditFile = fmt.Sprintf("models/l%03d/m%05d.sql", (n-1)/width, n-1)
}

// sortedKeys returns m's keys in order, so files are written deterministically.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
