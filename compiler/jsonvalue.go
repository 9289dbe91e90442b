package compiler

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
)

// jsonTree is v as the plain Go tree its JSON form decodes to, with JSON integers kept as
// int64: templates see manifest objects ({{ model }}, {{ graph }}) as dbt's dicts, where a
// config value of 3 is the int 3, not 3.0 (encoding/json's default float64 would render
// "3.0" and break macros that build names or LIMITs from such values). Nil on failure.
func jsonTree(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil
	}
	return plainNumbers(out)
}

// plainNumbers replaces every json.Number in a decoded tree by int64 or float64, in place.
func plainNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = plainNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = plainNumbers(e)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

// nodeDict is the node as templates see {{ model }}: its manifest JSON form.
func nodeDict(n *manifest.Node) jinja.Value {
	m, ok := jsonTree(n).(map[string]any)
	if !ok {
		return jinja.NewDict()
	}
	versionFields(m, n)
	dbtNodeKeys(m, n)
	d := jinja.FromGo(m)
	orderColumns(d, n)
	return d
}

// orderColumns puts {{ model.columns }} in property-file order, as dbt's dict is (JSON
// objects lose it): contracts create the table's columns in that order.
func orderColumns(d jinja.Value, n *manifest.Node) {
	dict, ok := d.(*jinja.Dict)
	if !ok || len(n.Columns) < 2 {
		return
	}
	colsV, _ := dict.Get("columns")
	cols, ok := colsV.(*jinja.Dict)
	if !ok {
		return
	}
	names := make([]string, 0, len(n.Columns))
	for name := range n.Columns {
		names = append(names, name)
	}
	sort.SliceStable(names, func(i, j int) bool {
		a, b := n.Columns[names[i]], n.Columns[names[j]]
		if a == nil || b == nil || a.Index == b.Index {
			return names[i] < names[j]
		}
		return a.Index < b.Index
	})
	ordered := jinja.NewDict()
	for _, name := range names {
		if v, ok := cols.Get(name); ok {
			ordered.Set(name, v)
		}
	}
	dict.Set("columns", ordered)
}
