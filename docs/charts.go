package docs

import (
	"context"
	"fmt"
	"html/template"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// ChartSpec is one tile declared in a model's properties, under meta.chart (a mapping, or a
// list of them for several tiles of one model):
//
//	meta:
//	  dashboard: Reorder predictions        # or {name: …, order: 1}
//	  chart:
//	    type: bar                           # kpi, bar, line, histogram, table
//	    title: Aisles at risk
//	    x: aisle
//	    y: mean_reorder_probability         # a column, or a list of columns (lines)
//	    series: risk_band                   # line: one line per value; bar: colour per value
//	    sort: y                             # a column, "-" in front for descending
//	    limit: 20
//	    format: ".1%"                       # d3-style: ",d", ".3f", ".1%", ",.2f"
//	    colors: {red: "#d73027"}            # colour per series value
//	    bands: [{to: 0.08, color: "#d73027", label: red}, …]   # colour by value range
//	    thresholds: [{value: 0.5, color: "#555", label: cut-off}]  # reference lines
//	    order: 1                            # place on the dashboard
//	    from: instacart_model__history      # another relation of the model's schema
//
// The data is read at generate time with one query per tile.
type ChartSpec struct {
	Type, Title, X, Series, Sort, Format, From string
	Y                                          []string
	Columns                                    []string
	Limit                                      int
	Order                                      float64
	Colors                                     map[string]string
	Bands                                      []Band
	Thresholds                                 []Threshold
}

// Band colours values in [From, To): a KPI's number, a bar, a line chart's background.
type Band struct {
	From, To *float64
	Color    string
	Label    string
}

// Threshold is a reference line at Value.
type Threshold struct {
	Value float64
	Color string
	Label string
}

// Dashboard is the tiles of one meta.dashboard, in order.
type Dashboard struct {
	Name  string
	Slug  string
	Order float64
	Tiles []*Tile
}

// Tile is one chart with the rows it was drawn from.
type Tile struct {
	Model string // unique id of the model that declares it
	Spec  ChartSpec
	Table *warehouse.Table
	SVG   template.HTML
}

// chartTypes are the chart kinds gdbt draws.
var chartTypes = map[string]bool{"kpi": true, "bar": true, "line": true, "histogram": true, "table": true}

// ChartSpecs reads every enabled model's meta.chart. An invalid declaration is an error
// naming the model's property file and what to write instead.
func ChartSpecs(m *manifest.Manifest) (map[string][]ChartSpec, map[string]string, error) {
	specs := map[string][]ChartSpec{}
	dashOf := map[string]string{}
	var errs []string
	for id, n := range m.Nodes {
		if n.ResourceType != manifest.Model || !n.Enabled() {
			continue
		}
		meta := metaOf(n)
		raw, ok := meta["chart"]
		if !ok || raw == nil {
			continue
		}
		where := n.PatchPath
		if i := strings.Index(where, "://"); i >= 0 {
			where = where[i+3:]
		}
		if where == "" {
			where = n.OriginalFilePath
		}
		var list []any
		switch v := raw.(type) {
		case []any:
			list = v
		default:
			list = []any{v}
		}
		for i, x := range list {
			s, err := parseChart(x)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: model %s: meta.chart[%d]: %v", where, n.Name, i, err))
				continue
			}
			specs[id] = append(specs[id], s)
		}
		dashOf[id] = "Dashboard"
		if d, ok := meta["dashboard"]; ok {
			switch v := d.(type) {
			case string:
				dashOf[id] = v
			case map[string]any:
				if s, ok := v["name"].(string); ok {
					dashOf[id] = s
				}
			}
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return specs, dashOf, nil
}

func parseChart(x any) (ChartSpec, error) {
	m, ok := x.(map[string]any)
	if !ok {
		return ChartSpec{}, fmt.Errorf("must be a mapping (type, x, y, …), got %T", x)
	}
	var s ChartSpec
	known := map[string]bool{"type": true, "title": true, "x": true, "y": true, "series": true, "sort": true, "format": true,
		"from": true, "limit": true, "order": true, "colors": true, "bands": true, "thresholds": true, "columns": true}
	for k := range m {
		if !known[k] {
			return s, fmt.Errorf("unknown key %q (known: type, title, x, y, series, sort, limit, format, colors, bands, thresholds, columns, order, from)", k)
		}
	}
	str := func(k string) string {
		if v, ok := m[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	s.Type, s.Title, s.X, s.Series, s.Sort, s.Format, s.From = str("type"), str("title"), str("x"), str("series"), str("sort"), str("format"), str("from")
	if !chartTypes[s.Type] {
		return s, fmt.Errorf("type %q is not one of kpi, bar, line, histogram, table", s.Type)
	}
	s.Y = strList(m["y"])
	s.Columns = strList(m["columns"])
	if n, ok := num(m["limit"]); ok {
		s.Limit = int(n)
	}
	if n, ok := num(m["order"]); ok {
		s.Order = n
	}
	if c, ok := m["colors"].(map[string]any); ok {
		s.Colors = map[string]string{}
		for k, v := range c {
			s.Colors[k] = fmt.Sprint(v)
		}
	}
	if bl, ok := m["bands"].([]any); ok {
		for _, b := range bl {
			bm, ok := b.(map[string]any)
			if !ok {
				return s, fmt.Errorf("bands: each band is a mapping {from, to, color, label}")
			}
			var band Band
			if f, ok := num(bm["from"]); ok {
				band.From = &f
			}
			if t, ok := num(bm["to"]); ok {
				band.To = &t
			}
			band.Color, band.Label = fmt.Sprint(bm["color"]), fmt.Sprint(orEmpty(bm["label"]))
			s.Bands = append(s.Bands, band)
		}
	}
	if tl, ok := m["thresholds"].([]any); ok {
		for _, t := range tl {
			tm, ok := t.(map[string]any)
			v, okv := num(tm["value"])
			if !ok || !okv {
				return s, fmt.Errorf("thresholds: each threshold is a mapping {value: number, color, label}")
			}
			s.Thresholds = append(s.Thresholds, Threshold{Value: v, Color: fmt.Sprint(orEmpty(tm["color"])), Label: fmt.Sprint(orEmpty(tm["label"]))})
		}
	}
	switch s.Type {
	case "kpi":
		if len(s.Y) != 1 {
			return s, fmt.Errorf("a kpi needs y: one column")
		}
	case "bar", "line", "histogram":
		if s.X == "" || len(s.Y) == 0 {
			return s, fmt.Errorf("a %s chart needs x: and y:", s.Type)
		}
	}
	return s, nil
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func strList(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out
	default:
		return []string{fmt.Sprint(x)}
	}
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float32:
		return float64(x), true
	}
	return 0, false
}

// QueryDashboards reads the rows of every declared chart from the warehouse and draws it.
// A model that is not built, or a column that is not there, is an error naming the model.
func QueryDashboards(ctx context.Context, m *manifest.Manifest, a warehouse.Adapter) ([]*Dashboard, error) {
	specs, dashOf, err := ChartSpecs(m)
	if err != nil || len(specs) == 0 {
		return nil, err
	}
	if a == nil {
		return nil, fmt.Errorf("docs: charts need a warehouse connection")
	}
	ids := make([]string, 0, len(specs))
	for id := range specs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	dashes := map[string]*Dashboard{}
	var errs []string
	for _, id := range ids {
		n := m.Nodes[id]
		for _, s := range specs[id] {
			rel := n.RelationName // with the project's quoting, once compiled
			if rel == "" {
				ident := n.Alias
				if ident == "" {
					ident = n.Name
				}
				rel = a.Dialect().RelationSQL(warehouse.Relation{Database: n.Database, Schema: n.Schema, Identifier: ident})
			}
			if s.From != "" {
				rel = a.Dialect().RelationSQL(warehouse.Relation{Database: n.Database, Schema: n.Schema, Identifier: s.From})
			}
			q := "select * from " + rel
			if s.Limit > 0 && s.Sort == "" {
				q += fmt.Sprintf(" limit %d", s.Limit)
			}
			_, tab, err := a.Execute(ctx, q, true)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				errs = append(errs, fmt.Sprintf("chart %q of model %s: %v (build the model first: gdbt build -s %s)", s.Title, n.Name, err, n.Name))
				continue
			}
			t := &Tile{Model: id, Spec: s, Table: tab}
			if err := t.prepare(); err != nil {
				errs = append(errs, fmt.Sprintf("chart %q of model %s: %v", s.Title, n.Name, err))
				continue
			}
			t.SVG = drawTile(t)
			name := dashOf[id]
			d := dashes[name]
			if d == nil {
				d = &Dashboard{Name: name, Slug: slug(name), Order: 1e18}
				dashes[name] = d
			}
			if dm, ok := metaOf(n)["dashboard"].(map[string]any); ok {
				if o, ok := num(dm["order"]); ok {
					d.Order = min(d.Order, o)
				}
			}
			d.Tiles = append(d.Tiles, t)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	var out []*Dashboard
	for _, d := range dashes {
		sort.SliceStable(d.Tiles, func(i, j int) bool {
			a, b := d.Tiles[i], d.Tiles[j]
			if a.Spec.Order != b.Spec.Order {
				return a.Spec.Order < b.Spec.Order
			}
			return a.Model < b.Model
		})
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// col finds a column by name, case-insensitively (Snowflake folds unquoted names).
func (t *Tile) col(name string) (int, error) {
	for i, c := range t.Table.Columns {
		if strings.EqualFold(c.Name, name) {
			return i, nil
		}
	}
	var have []string
	for _, c := range t.Table.Columns {
		have = append(have, c.Name)
	}
	return -1, fmt.Errorf("no column %q (the relation has %s)", name, strings.Join(have, ", "))
}

// prepare checks the columns and applies sort and limit.
func (t *Tile) prepare() error {
	s := t.Spec
	need := append([]string{}, s.Y...)
	if s.X != "" {
		need = append(need, s.X)
	}
	if s.Series != "" {
		need = append(need, s.Series)
	}
	need = append(need, s.Columns...)
	for _, c := range need {
		if _, err := t.col(c); err != nil {
			return err
		}
	}
	if s.Sort != "" {
		desc := strings.HasPrefix(s.Sort, "-")
		k := strings.TrimPrefix(s.Sort, "-")
		switch k {
		case "x":
			k = s.X
		case "y":
			k = s.Y[0]
		}
		ci, err := t.col(k)
		if err != nil {
			return fmt.Errorf("sort: %w", err)
		}
		rows := t.Table.Rows
		sort.SliceStable(rows, func(i, j int) bool {
			if desc {
				return lessValue(rows[j][ci], rows[i][ci])
			}
			return lessValue(rows[i][ci], rows[j][ci])
		})
		if s.Limit > 0 && len(rows) > s.Limit {
			t.Table.Rows = rows[:s.Limit]
		}
	}
	return nil
}

func lessValue(a, b any) bool {
	fa, oka := toFloat(a)
	fb, okb := toFloat(b)
	if oka && okb {
		return fa < fb
	}
	return fmt.Sprint(a) < fmt.Sprint(b)
}

func sortStrings(s []string) { sort.Strings(s) }

// metaOf is a node's meta: the properties' meta with config.meta over it (dbt 1.10 moves
// meta under config; both spellings are read).
func metaOf(n *manifest.Node) map[string]any {
	out := map[string]any{}
	for k, v := range n.Meta {
		out[k] = v
	}
	if cm, ok := n.Config["meta"].(map[string]any); ok {
		for k, v := range cm {
			out[k] = v
		}
	}
	return out
}
