package compiler

import (
	"fmt"
	"github.com/gdbt-dev/gdbt/contract"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gdbt-dev/gdbt/manifest"
)

// This file turns the manifest contract types into the objects manifest v12 expects per
// resource type (the schema's node titles Model, Seed, GenericTest, SingularTest, Snapshot,
// Analysis, SqlOperation, and SourceDefinition, Macro, Documentation, Exposure), with the
// defaults the schema requires. Only properties the schema lists for the title are
// written: the schema forbids additional ones.

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func strs(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func anyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func stringListMap(m map[string][]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = strs(v)
	}
	return out
}

// docsObj keeps the two keys the schema allows in docs.
func docsObj(d map[string]any) obj {
	show := true
	if b, ok := d["show"].(bool); ok {
		show = b
	}
	var color any
	if s, ok := d["node_color"].(string); ok {
		color = s
	}
	return obj{{"show", show}, {"node_color", color}}
}

// hookList turns pre-hook/post-hook values (strings or {sql, transaction}) into the
// schema's Hook objects.
func hookList(v any) []obj {
	var out []obj
	for i, h := range listify(v) {
		o := obj{{"transaction", true}, {"index", nil}}
		switch x := h.(type) {
		case string:
			o = append(o, field{"sql", x})
		case map[string]any:
			sql, _ := x["sql"].(string)
			o = append(o, field{"sql", sql})
			if t, ok := x["transaction"].(bool); ok {
				o[0].v = t
			}
		default:
			o = append(o, field{"sql", fmt.Sprint(x)})
		}
		_ = i
		out = append(out, o)
	}
	if out == nil {
		out = []obj{}
	}
	return out
}

func stringList(v any) []string {
	out := []string{}
	for _, x := range listify(v) {
		if x != nil {
			out = append(out, fmt.Sprint(x))
		}
	}
	return out
}

// shapedDefaults caches, per resource type, dbt's default config already shaped for the
// schema and sorted by key (read-only; configObj copies it).
var shapedDefaults sync.Map // string → obj

// shapedDefault is dbt's default config for resourceType, shaped for the schema and sorted
// by key (cached in shapedDefaults; read-only).
func shapedDefault(resourceType string) obj {
	def, ok := shapedDefaults.Load(resourceType)
	if !ok {
		d := DefaultConfig(resourceType)
		if resourceType != "model" {
			delete(d, "access")
		}
		o := make(obj, 0, len(d))
		for _, k := range sortedKeys(d) {
			o = append(o, field{k, shapeConfigValue(k, d[k])})
		}
		presort(o) // shared by every node (and goroutine): never sorted again while written
		def, _ = shapedDefaults.LoadOrStore(resourceType, o)
	}
	return def.(obj)
}

// configObj is the node's resolved config over dbt's defaults, shaped to the schema.
func configObj(resourceType string, cfg map[string]any) obj {
	return appendConfig(nil, resourceType, cfg)
}

// appendConfig appends to o (empty; its capacity reused) the fields of configObj, the
// defaults' keys sorted and cfg's other keys after them (sorted when written).
func appendConfig(o obj, resourceType string, cfg map[string]any) obj {
	base := shapedDefault(resourceType)
	o = append(o[:0], base...)
	for k, v := range cfg {
		k = NormalizeConfigKey(k)
		v = shapeConfigValue(k, v)
		if i, found := slices.BinarySearchFunc(o[:len(base)], k, func(f field, k string) int { return strings.Compare(f.k, k) }); found {
			o[i].v = v
			continue
		}
		o = append(o, field{k, v})
	}
	return o
}

// presort sorts every obj nested in v in place.
func presort(v any) {
	switch x := v.(type) {
	case obj:
		slices.SortFunc(x, cmpField)
		for _, f := range x {
			presort(f.v)
		}
	case []obj:
		for _, o := range x {
			presort(o)
		}
	case []any:
		for _, e := range x {
			presort(e)
		}
	case map[string]any:
		for _, e := range x {
			presort(e)
		}
	}
}

// shapeConfigValue converts one config value to the type the schema expects for its key.
func shapeConfigValue(k string, v any) any {
	switch k {
	case "pre-hook", "post-hook":
		return hookList(v)
	case "tags", "packages":
		return stringList(v)
	case "docs":
		return docsObj(asMap(v))
	case "contract":
		m := asMap(v)
		enforced, _ := m["enforced"].(bool)
		alias := true
		if b, ok := m["alias_types"].(bool); ok {
			alias = b
		}
		return obj{{"alias_types", alias}, {"enforced", enforced}}
	case "meta", "persist_docs", "quoting", "column_types", "grants":
		return anyMap(asMap(v))
	case "severity":
		if s, ok := v.(string); ok {
			return strings.ToUpper(s)
		}
	case "alias", "schema", "database", "group":
		if v != nil {
			return fmt.Sprint(v)
		}
	}
	return v
}

// constraintsObj writes constraints as dbt-common's ColumnLevelConstraint /
// ModelLevelConstraint to_dict() does, every field present.
func constraintsObj(raws []any, modelLevel bool) []any {
	out := []any{}
	for _, raw := range raws {
		c, err := contract.Parse(raw, modelLevel)
		if err != nil {
			continue // refused at parse time (contract.Check); nothing to write
		}
		o := obj{{"type", c.Type}, {"name", strPtr(c.Name)}, {"expression", strPtr(c.Expression)},
			{"warn_unenforced", c.WarnUnenforced}, {"warn_unsupported", c.WarnUnsupported},
			{"to", strPtr(c.To)}, {"to_columns", strs(c.ToColumns)}}
		if modelLevel {
			o = append(o, field{"columns", strs(c.Columns)})
		}
		out = append(out, o)
	}
	return out
}

func strPtr(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// columnsObj writes documented columns as ColumnInfo objects.
func columnsObj(cols map[string]*manifest.Column) map[string]any {
	out := make(map[string]any, len(cols))
	for name, c := range cols {
		if c == nil {
			continue
		}
		var quote any
		if c.Quote != nil {
			quote = *c.Quote
		}
		out[name] = obj{
			{"name", c.Name}, {"description", c.Description}, {"meta", anyMap(c.Meta)},
			{"data_type", nullIfEmpty(c.DataType)}, {"constraints", constraintsObj(c.Constraints, false)}, {"quote", quote},
			{"tags", strs(c.Tags)}, {"config", obj{{"meta", anyMap(c.Meta)}, {"tags", strs(c.Tags)}}},
			{"granularity", nil}, {"doc_blocks", []string{}},
		}
	}
	return out
}

func refsObj(refs []manifest.RefArgs) []obj {
	out := make([]obj, 0, len(refs))
	for _, r := range refs {
		out = append(out, obj{{"name", r.Name}, {"package", nullIfEmpty(r.Package)}, {"version", r.Version}})
	}
	return out
}

func sourcesList(s [][]string) [][]string {
	if s == nil {
		return [][]string{}
	}
	return s
}

func dependsOnObj(d manifest.DependsOn, withNodes bool) obj {
	o := obj{{"macros", strs(d.Macros)}}
	if withNodes {
		o = append(o, field{"nodes", strs(d.Nodes)})
	}
	return o
}

// timeSpineObj is a model's time_spine, null when unset.
func timeSpineObj(ts map[string]any) any {
	if ts == nil {
		return nil
	}
	return ts
}

// configGroup is the node-level group: the config's, copied as dbt-core's
// parser/base.py update_parsed_node_config does; null when unset.
func configGroup(cfg map[string]any) any {
	if g, ok := cfg["group"].(string); ok && g != "" {
		return g
	}
	return nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// freshnessObj shapes a freshness block (warn_after/error_after {count, period}, filter).
func freshnessObj(f map[string]any) any {
	if f == nil {
		return nil
	}
	after := func(v any) any {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		return obj{{"count", m["count"]}, {"period", m["period"]}}
	}
	var filter any
	if s, ok := f["filter"].(string); ok {
		filter = s
	}
	return obj{{"warn_after", after(f["warn_after"])}, {"error_after", after(f["error_after"])}, {"filter", filter}}
}

// sourceObj builds one entry of sources.
func sourceObj(s *manifest.Source, createdAt float64) obj {
	cfg := map[string]any{"enabled": true}
	for k, v := range s.Config {
		cfg[k] = v
	}
	if f, ok := cfg["freshness"].(map[string]any); ok {
		cfg["freshness"] = freshnessObj(f)
	}
	return obj{
		{"database", nullIfEmpty(s.Database)}, {"schema", s.Schema}, {"name", s.Name},
		{"resource_type", "source"}, {"package_name", s.PackageName}, {"path", s.Path},
		{"original_file_path", s.OriginalFilePath}, {"unique_id", s.UniqueID}, {"fqn", strs(s.FQN)},
		{"source_name", s.SourceName}, {"source_description", s.SourceDescription}, {"loader", s.Loader},
		{"identifier", s.Identifier},
		{"quoting", obj{{"database", nil}, {"schema", nil}, {"identifier", nil}, {"column", nil}}},
		{"loaded_at_field", nullIfEmpty(s.LoadedAtField)}, {"loaded_at_query", nil},
		{"freshness", freshnessObj(s.Freshness)}, {"external", nil}, {"description", s.Description},
		{"columns", columnsObj(s.Columns)}, {"meta", anyMap(s.Meta)}, {"source_meta", anyMap(s.SourceMeta)},
		{"tags", strs(s.Tags)}, {"config", cfg}, {"patch_path", nil}, {"unrendered_config", map[string]any{}},
		{"relation_name", nullIfEmpty(s.RelationName)}, {"created_at", createdAt},
		{"unrendered_database", nil}, {"unrendered_schema", nil}, {"doc_blocks", []string{}},
	}
}

// macroObj builds one entry of macros.
func macroObj(m *manifest.Macro, createdAt float64) obj {
	args := []obj{}
	for _, a := range m.Arguments {
		switch x := a.(type) {
		case map[string]any:
			name, _ := x["name"].(string)
			desc, _ := x["description"].(string)
			var typ any
			if t, ok := x["type"].(string); ok {
				typ = t
			}
			args = append(args, obj{{"name", name}, {"type", typ}, {"description", desc}})
		case MacroArg:
			args = append(args, obj{{"name", x.Name}, {"type", nullIfEmpty(x.Type)}, {"description", x.Description}})
		case string:
			args = append(args, obj{{"name", x}, {"type", nil}, {"description", ""}})
		}
	}
	return obj{
		{"name", m.Name}, {"resource_type", "macro"}, {"package_name", m.PackageName}, {"path", m.Path},
		{"original_file_path", m.OriginalFilePath}, {"unique_id", m.UniqueID}, {"macro_sql", m.MacroSQL},
		{"depends_on", dependsOnObj(m.DependsOn, false)}, {"description", m.Description},
		{"meta", anyMap(m.Meta)}, {"docs", docsObj(nil)}, {"patch_path", nil}, {"arguments", args},
		{"created_at", createdAt}, {"supported_languages", nil},
	}
}

// docObj builds one entry of docs.
func docObj(d *manifest.Doc) obj {
	return obj{
		{"name", d.Name}, {"resource_type", "doc"}, {"package_name", d.PackageName}, {"path", d.Path},
		{"original_file_path", d.OriginalFilePath}, {"unique_id", d.UniqueID}, {"block_contents", d.BlockContents},
	}
}

// exposureObj builds one entry of exposures.
func exposureObj(x *manifest.Exposure, createdAt float64) obj {
	owner := map[string]any{}
	for k, v := range x.Owner {
		owner[k] = v
	}
	for _, k := range []string{"email", "name"} {
		if _, ok := owner[k]; !ok {
			owner[k] = nil
		}
	}
	cfg := map[string]any{"enabled": true, "tags": []string{}, "meta": map[string]any{}}
	for k, v := range x.Config {
		cfg[k] = v
	}
	cfg["tags"] = stringList(cfg["tags"])
	var maturity any
	switch x.Maturity {
	case "low", "medium", "high":
		maturity = x.Maturity
	}
	return obj{
		{"name", x.Name}, {"resource_type", "exposure"}, {"package_name", x.PackageName}, {"path", x.Path},
		{"original_file_path", x.OriginalFilePath}, {"unique_id", x.UniqueID}, {"fqn", strs(x.FQN)},
		{"type", x.Type}, {"owner", owner}, {"description", x.Description}, {"label", nil},
		{"maturity", maturity}, {"meta", anyMap(x.Meta)}, {"tags", strs(x.Tags)}, {"config", cfg},
		{"unrendered_config", map[string]any{}}, {"url", nullIfEmpty(x.URL)},
		{"depends_on", dependsOnObj(x.DependsOn, true)}, {"refs", refsObj(x.Refs)},
		{"sources", sourcesList(x.Sources)}, {"metrics", [][]string{}}, {"created_at", createdAt},
	}
}

var _ = sort.Strings
