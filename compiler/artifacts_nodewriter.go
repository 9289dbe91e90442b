package compiler

import (
	"slices"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
)

// writeNode writes one entry of the manifest's nodes: the object manifest v12 asks of the
// node's resource type (Model, Seed, GenericTest, …), its keys sorted. It writes the fields
// straight from the node in key order, without building the sorted field list first: for
// 36,000 nodes that list (a boxed value per field, a map per node's columns, a sort per
// object) was about a fifth of a cold `gdbt parse`'s CPU and most of its garbage
// (bench/README.md §1). TestWriteNodeMatchesNodeObj checks the bytes against nodeObj, the
// field list kept in the tests as the readable statement of the schema.
func writeNode(w *jsonWriter, n *manifest.Node, createdAt float64) {
	w.buf = append(w.buf, '{')
	first := true
	for i := range nodeFields {
		f := &nodeFields[i]
		if f.has != nil && !f.has(n) {
			continue
		}
		w.key(f.key, first)
		first = false
		f.write(w, n, createdAt)
	}
	w.buf = append(w.buf, '}')
}

// nodeField is one key of a node object: whether the node has it (nil: every node) and how
// its value is written.
type nodeField struct {
	key   string
	has   func(n *manifest.Node) bool
	write func(w *jsonWriter, n *manifest.Node, createdAt float64)
}

func isSeed(n *manifest.Node) bool     { return n.ResourceType == manifest.Seed }
func notSeed(n *manifest.Node) bool    { return n.ResourceType != manifest.Seed }
func isModel(n *manifest.Node) bool    { return n.ResourceType == manifest.Model }
func isCompiled(n *manifest.Node) bool { return notSeed(n) && n.Compiled }
func hasTestMeta(n *manifest.Node) bool {
	return n.ResourceType == manifest.Test && n.TestMetadata != nil
}
func strField(get func(n *manifest.Node) string) func(*jsonWriter, *manifest.Node, float64) {
	return func(w *jsonWriter, n *manifest.Node, _ float64) { w.str(get(n)) }
}
func strOrNullField(get func(n *manifest.Node) string) func(*jsonWriter, *manifest.Node, float64) {
	return func(w *jsonWriter, n *manifest.Node, _ float64) { w.strOrNull(get(n)) }
}
func rawField(s string) func(*jsonWriter, *manifest.Node, float64) {
	return func(w *jsonWriter, _ *manifest.Node, _ float64) { w.raw(s) }
}
func mapField(get func(n *manifest.Node) map[string]any) func(*jsonWriter, *manifest.Node, float64) {
	return func(w *jsonWriter, n *manifest.Node, _ float64) { w.anyMap(get(n)) }
}

// nodeFields lists every key a node object can have, sorted (nodeObj in
// artifacts_nodes_test.go states the same per resource type).
var nodeFields = func() []nodeField {
	fs := []nodeField{
		{"database", nil, strOrNullField(func(n *manifest.Node) string { return n.Database })},
		{"schema", nil, strField(func(n *manifest.Node) string { return n.Schema })},
		{"name", nil, strField(func(n *manifest.Node) string { return n.Name })},
		{"resource_type", nil, strField(func(n *manifest.Node) string { return n.ResourceType })},
		{"package_name", nil, strField(func(n *manifest.Node) string { return n.PackageName })},
		{"path", nil, strField(func(n *manifest.Node) string { return n.Path })},
		{"original_file_path", nil, strField(func(n *manifest.Node) string { return n.OriginalFilePath })},
		{"unique_id", nil, strField(func(n *manifest.Node) string { return n.UniqueID })},
		{"fqn", nil, func(w *jsonWriter, n *manifest.Node, _ float64) { w.strList(n.FQN) }},
		{"alias", nil, strField(func(n *manifest.Node) string { return n.Alias })},
		{"checksum", nil, func(w *jsonWriter, n *manifest.Node, _ float64) {
			w.raw(`{"checksum":`)
			w.str(n.Checksum.Checksum)
			w.raw(`,"name":`)
			w.str(orDefault(n.Checksum.Name, "sha256"))
			w.raw("}")
		}},
		{"config", nil, func(w *jsonWriter, n *manifest.Node, _ float64) { w.config(n.ResourceType, n.Config) }},
		{"tags", nil, func(w *jsonWriter, n *manifest.Node, _ float64) { w.strList(n.Tags) }},
		{"description", nil, strField(func(n *manifest.Node) string { return n.Description })},
		{"columns", nil, func(w *jsonWriter, n *manifest.Node, _ float64) { w.columns(n.Columns) }},
		{"meta", nil, mapField(func(n *manifest.Node) map[string]any { return n.Meta })},
		{"group", nil, func(w *jsonWriter, n *manifest.Node, _ float64) { w.value(configGroup(n.Config)) }},
		{"docs", nil, func(w *jsonWriter, n *manifest.Node, _ float64) { w.docs(n.Docs) }},
		{"patch_path", nil, strOrNullField(func(n *manifest.Node) string { return n.PatchPath })},
		{"build_path", nil, rawField("null")},
		{"unrendered_config", nil, mapField(func(n *manifest.Node) map[string]any { return n.UnrenderedConfig })},
		{"created_at", nil, func(w *jsonWriter, _ *manifest.Node, createdAt float64) { w.float(createdAt) }},
		{"config_call_dict", nil, mapField(func(n *manifest.Node) map[string]any { return n.ConfigCallDict })},
		{"unrendered_config_call_dict", nil, rawField("{}")},
		{"relation_name", nil, strOrNullField(func(n *manifest.Node) string { return n.RelationName })},
		{"raw_code", nil, strField(func(n *manifest.Node) string { return n.RawCode })},
		{"doc_blocks", nil, rawField("[]")},
		// Seeds.
		{"root_path", isSeed, strOrNullField(func(n *manifest.Node) string { return n.RootPath })},
		{"depends_on", nil, func(w *jsonWriter, n *manifest.Node, _ float64) {
			w.raw(`{"macros":`)
			w.strList(n.DependsOn.Macros)
			if notSeed(n) {
				w.raw(`,"nodes":`)
				w.strList(n.DependsOn.Nodes)
			}
			w.raw("}")
		}},
		// Everything but seeds.
		{"language", notSeed, strField(func(n *manifest.Node) string { return orDefault(n.Language, "sql") })},
		{"refs", notSeed, func(w *jsonWriter, n *manifest.Node, _ float64) { w.refs(n.Refs) }},
		{"sources", notSeed, func(w *jsonWriter, n *manifest.Node, _ float64) {
			writeList(w, n.Sources, w.strList)
		}},
		{"metrics", notSeed, rawField("[]")},
		{"functions", notSeed, rawField("[]")},
		{"compiled", notSeed, func(w *jsonWriter, n *manifest.Node, _ float64) { w.bool(n.Compiled) }},
		{"extra_ctes_injected", notSeed, func(w *jsonWriter, n *manifest.Node, _ float64) { w.bool(n.Compiled) }},
		{"extra_ctes", notSeed, rawField("[]")},
		{"contract", notSeed, func(w *jsonWriter, n *manifest.Node, _ float64) { w.contract(n.Contract) }},
		{"compiled_code", isCompiled, strField(func(n *manifest.Node) string { return n.CompiledCode })},
		{"compiled_path", notSeed, strOrNullField(func(n *manifest.Node) string { return n.CompiledPath })},
		// Models.
		{"access", isModel, func(w *jsonWriter, n *manifest.Node, _ float64) {
			access := "protected"
			if s, ok := n.Config["access"].(string); ok && (s == "private" || s == "public") {
				access = s
			}
			w.str(access)
		}},
		{"constraints", isModel, func(w *jsonWriter, n *manifest.Node, _ float64) {
			if len(n.Constraints) == 0 {
				w.raw("[]")
				return
			}
			w.value(constraintsObj(n.Constraints, true))
		}},
		{"version", isModel, func(w *jsonWriter, n *manifest.Node, _ float64) { w.value(n.Version) }},
		{"latest_version", isModel, func(w *jsonWriter, n *manifest.Node, _ float64) { w.value(n.LatestVersion) }},
		{"deprecation_date", isModel, func(w *jsonWriter, n *manifest.Node, _ float64) { w.value(deprecationDate(n.DeprecationDate)) }},
		{"primary_key", isModel, rawField("[]")},
		{"time_spine", isModel, func(w *jsonWriter, n *manifest.Node, _ float64) { w.value(timeSpineObj(n.TimeSpine)) }},
		// Generic tests.
		{"test_metadata", hasTestMeta, func(w *jsonWriter, n *manifest.Node, _ float64) {
			w.raw(`{"kwargs":`)
			w.anyMap(n.TestMetadata.Kwargs)
			w.raw(`,"name":`)
			w.str(n.TestMetadata.Name)
			w.raw(`,"namespace":`)
			w.strOrNull(n.TestMetadata.Namespace)
			w.raw("}")
		}},
		{"column_name", hasTestMeta, strOrNullField(func(n *manifest.Node) string { return n.ColumnName })},
		{"file_key_name", hasTestMeta, strOrNullField(func(n *manifest.Node) string { return n.FileKeyName })},
		{"attached_node", hasTestMeta, strOrNullField(func(n *manifest.Node) string { return n.AttachedNode })},
	}
	slices.SortFunc(fs, func(a, b nodeField) int { return strings.Compare(a.key, b.key) })
	return fs
}()

func (w *jsonWriter) bool(b bool) {
	if b {
		w.raw("true")
	} else {
		w.raw("false")
	}
}

// strOrNull writes s, or null when it is empty (nullIfEmpty).
func (w *jsonWriter) strOrNull(s string) {
	if s == "" {
		w.raw("null")
		return
	}
	w.str(s)
}

// strList writes a string list, [] when nil (strs).
func (w *jsonWriter) strList(l []string) { writeList(w, l, w.str) }

// anyMap writes a map, {} when nil (anyMap).
func (w *jsonWriter) anyMap(m map[string]any) {
	if len(m) == 0 {
		w.raw("{}")
		return
	}
	w.value(m)
}

// docs writes docsObj(d).
func (w *jsonWriter) docs(d map[string]any) {
	show := true
	if b, ok := d["show"].(bool); ok {
		show = b
	}
	w.raw(`{"node_color":`)
	if s, ok := d["node_color"].(string); ok {
		w.str(s)
	} else {
		w.raw("null")
	}
	w.raw(`,"show":`)
	w.bool(show)
	w.raw("}")
}

// contract writes contractObj(c).
func (w *jsonWriter) contract(c *manifest.Contract) {
	if c == nil {
		w.raw(`{"alias_types":true,"checksum":null,"enforced":false}`)
		return
	}
	w.raw(`{"alias_types":`)
	w.bool(c.AliasTypes)
	w.raw(`,"checksum":`)
	if c.Checksum != nil {
		w.str(*c.Checksum)
	} else {
		w.raw("null")
	}
	w.raw(`,"enforced":`)
	w.bool(c.Enforced)
	w.raw("}")
}

// refs writes refsObj(refs).
func (w *jsonWriter) refs(refs []manifest.RefArgs) {
	w.buf = append(w.buf, '[')
	for i, r := range refs {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.raw(`{"name":`)
		w.str(r.Name)
		w.raw(`,"package":`)
		w.strOrNull(r.Package)
		w.raw(`,"version":`)
		w.value(r.Version)
		w.raw("}")
	}
	w.buf = append(w.buf, ']')
}

// columns writes columnsObj(cols): documented columns as ColumnInfo objects, by name.
func (w *jsonWriter) columns(cols map[string]*manifest.Column) {
	w.buf = append(w.buf, '{')
	first := true
	for _, name := range sortedKeys(cols) {
		c := cols[name]
		if c == nil {
			continue
		}
		w.key(name, first)
		first = false
		w.raw(`{"config":{"meta":`)
		w.anyMap(c.Meta)
		w.raw(`,"tags":`)
		w.strList(c.Tags)
		w.raw(`},"constraints":`)
		if len(c.Constraints) == 0 {
			w.raw("[]")
		} else {
			w.value(constraintsObj(c.Constraints, false))
		}
		w.raw(`,"data_type":`)
		w.strOrNull(c.DataType)
		w.raw(`,"description":`)
		w.str(c.Description)
		w.raw(`,"doc_blocks":[],"granularity":null,"meta":`)
		w.anyMap(c.Meta)
		w.raw(`,"name":`)
		w.str(c.Name)
		w.raw(`,"quote":`)
		if c.Quote != nil {
			w.bool(*c.Quote)
		} else {
			w.raw("null")
		}
		w.raw(`,"tags":`)
		w.strList(c.Tags)
		w.raw("}")
	}
	w.buf = append(w.buf, '}')
}

// config writes configObj(resourceType, cfg), building it in the writer's scratch field
// list instead of a new one per node.
func (w *jsonWriter) config(resourceType string, cfg map[string]any) {
	o := appendConfig(w.scratch, resourceType, cfg)
	w.value(o) // sorts the keys cfg added, as configObj's obj is sorted when written
	clear(o)   // drop the references until the next node
	w.scratch = o[:0]
}
