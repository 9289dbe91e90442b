package compiler

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

// TestWriteNodeMatchesNodeObj checks that writeNode, which writes a node's JSON field by
// field, writes the same bytes as encoding nodeObj, the field list that states the schema:
// on every node of the compile test projects (parsed and compiled), the fixture manifest,
// and nodes with every field filled, of every resource type.
func TestWriteNodeMatchesNodeObj(t *testing.T) {
	var nodes []*manifest.Node
	compiled := 0
	for _, name := range []string{"basic", "features"} {
		p := loadCase(t, name, Options{})
		for _, n := range p.Manifest.Nodes {
			nodes = append(nodes, n)
		}
		for _, n := range p.Manifest.Nodes {
			c := *n
			if _, err := p.Compile(context.Background(), nil, &c); err == nil && c.Compiled {
				nodes = append(nodes, &c)
				compiled++
			}
		}
	}
	for _, n := range fixtureManifest().Nodes {
		nodes = append(nodes, n)
	}
	for _, rt := range []string{manifest.Model, manifest.Seed, manifest.Test, manifest.Snapshot, manifest.Analysis, "operation"} {
		var n manifest.Node
		fill(reflect.ValueOf(&n).Elem(), 0)
		n.ResourceType = rt
		n.Config = map[string]any{"materialized": "view", "pre_hook": "select 1", "tags": "t", "docs": map[string]any{"show": false, "node_color": "red"},
			"contract": map[string]any{"enforced": true}, "access": "public", "severity": "warn", "zzz_custom": []any{1, "x"}, "aaa_custom": nil}
		n.Docs = map[string]any{"show": false, "node_color": "#fff"}
		nodes = append(nodes, &n)
		empty := &manifest.Node{ResourceType: rt}
		nodes = append(nodes, empty)
	}
	if len(nodes) < 20 || compiled < 5 {
		t.Fatalf("only %d nodes to compare, %d compiled", len(nodes), compiled)
	}
	secrets := []string{"sModel"} // a value fill puts in strings: redacted the same way
	for _, n := range nodes {
		want := &jsonWriter{secrets: secrets}
		want.value(nodeObj(n, 1700000000.123456))
		got := &jsonWriter{secrets: secrets}
		writeNode(got, n, 1700000000.123456)
		if !bytes.Equal(got.buf, want.buf) {
			t.Errorf("%s (%s): writeNode differs from nodeObj\n got %s\nwant %s", n.UniqueID, n.ResourceType, got.buf, want.buf)
		}
	}
}

// nodeObj builds one entry of nodes.
func nodeObj(n *manifest.Node, createdAt float64) obj {
	o := obj{
		{"database", nullIfEmpty(n.Database)}, {"schema", n.Schema}, {"name", n.Name},
		{"resource_type", n.ResourceType}, {"package_name", n.PackageName}, {"path", n.Path},
		{"original_file_path", n.OriginalFilePath}, {"unique_id", n.UniqueID}, {"fqn", strs(n.FQN)},
		{"alias", n.Alias}, {"checksum", obj{{"name", orDefault(n.Checksum.Name, "sha256")}, {"checksum", n.Checksum.Checksum}}},
		{"config", configObj(n.ResourceType, n.Config)}, {"tags", strs(n.Tags)},
		{"description", n.Description}, {"columns", columnsObj(n.Columns)}, {"meta", anyMap(n.Meta)},
		{"group", configGroup(n.Config)}, {"docs", docsObj(n.Docs)}, {"patch_path", nullIfEmpty(n.PatchPath)},
		{"build_path", nil}, {"unrendered_config", anyMap(n.UnrenderedConfig)}, {"created_at", createdAt},
		{"config_call_dict", anyMap(n.ConfigCallDict)}, {"unrendered_config_call_dict", map[string]any{}},
		{"relation_name", nullIfEmpty(n.RelationName)}, {"raw_code", n.RawCode}, {"doc_blocks", []string{}},
	}
	if n.ResourceType == manifest.Seed {
		o = append(o, field{"root_path", nullIfEmpty(n.RootPath)}, field{"depends_on", dependsOnObj(n.DependsOn, false)})
		return o
	}
	lang := n.Language
	if lang == "" {
		lang = "sql"
	}
	o = append(o,
		field{"language", lang}, field{"refs", refsObj(n.Refs)}, field{"sources", sourcesList(n.Sources)},
		field{"metrics", [][]string{}}, field{"functions", [][]string{}},
		field{"depends_on", dependsOnObj(n.DependsOn, true)},
		field{"compiled", n.Compiled}, field{"extra_ctes_injected", n.Compiled}, field{"extra_ctes", []any{}},
		field{"contract", contractObj(n.Contract)},
	)
	if n.Compiled {
		o = append(o, field{"compiled_code", n.CompiledCode}, field{"compiled_path", nullIfEmpty(n.CompiledPath)})
	} else {
		o = append(o, field{"compiled_path", nullIfEmpty(n.CompiledPath)})
	}
	switch n.ResourceType {
	case manifest.Model:
		access := "protected"
		if s, ok := n.Config["access"].(string); ok && (s == "private" || s == "public") {
			access = s
		}
		o = append(o, field{"access", access}, field{"constraints", constraintsObj(n.Constraints, true)}, field{"version", n.Version},
			field{"latest_version", n.LatestVersion}, field{"deprecation_date", deprecationDate(n.DeprecationDate)}, field{"primary_key", []string{}},
			field{"time_spine", timeSpineObj(n.TimeSpine)})
	case manifest.Test:
		if n.TestMetadata != nil {
			o = append(o, field{"test_metadata", obj{{"name", n.TestMetadata.Name},
				{"kwargs", anyMap(n.TestMetadata.Kwargs)}, {"namespace", nullIfEmpty(n.TestMetadata.Namespace)}}})
			o = append(o, field{"column_name", nullIfEmpty(n.ColumnName)}, field{"file_key_name", nullIfEmpty(n.FileKeyName)},
				field{"attached_node", nullIfEmpty(n.AttachedNode)})
		}
	}
	return o
}

// contractObj is a node's contract as manifest v12 has it (dbt's Contract).
func contractObj(c *manifest.Contract) obj {
	if c == nil {
		return obj{{"enforced", false}, {"alias_types", true}, {"checksum", nil}}
	}
	var sum any
	if c.Checksum != nil {
		sum = *c.Checksum
	}
	return obj{{"enforced", c.Enforced}, {"alias_types", c.AliasTypes}, {"checksum", sum}}
}
