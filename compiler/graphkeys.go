package compiler

import "github.com/gdbt-dev/gdbt/manifest"

// dbt's graph, model and source dicts hold every field of its node classes, None or empty
// when unset (dbt/artifacts/resources/v1/*.py: ParsedNode, ModelNode, SourceDefinition and
// their configs), and packages test them with `x != None` or read them without a default:
// dbt-project-evaluator reads node.freshness and node.config.freshness of every source.
// gdbt's manifest JSON leaves some of them out, so the template views add them here.

// nodeKeyDefaults are the top-level node fields dbt always has.
var nodeKeyDefaults = map[string]func() any{
	"group": nilValue, "patch_path": nilValue, "compiled_path": nilValue, "build_path": nilValue,
	"unrendered_config_call_dict": emptyMap, "doc_blocks": emptyList, "primary_key": emptyList,
	"constraints": emptyList, "metrics": emptyList, "functions": emptyList, "checksum": emptyMap,
	"relation_name": nilValue, "raw_code": emptyString, "extra_ctes": emptyList, "extra_ctes_injected": falseValue,
	"contract": func() any { return map[string]any{"enforced": false, "alias_types": true, "checksum": nil} },
}

// modelKeyDefaults are the fields of ModelNode on top of a node's.
var modelKeyDefaults = map[string]func() any{
	"access": func() any { return "protected" }, "version": nilValue, "latest_version": nilValue,
	"deprecation_date": nilValue, "time_spine": nilValue, "defer_relation": nilValue,
}

// nodeConfigDefaults are NodeConfig / TestConfig fields that are None when unset.
var nodeConfigDefaults = []string{"alias", "schema", "database", "group", "materialized", "incremental_strategy",
	"batch_size", "begin", "full_refresh", "unique_key", "event_time", "concurrent_batches", "freshness"}

// sourceKeyDefaults are SourceDefinition fields dbt always has.
var sourceKeyDefaults = map[string]func() any{
	"freshness": nilValue, "loaded_at_field": nilValue, "loaded_at_query": nilValue, "external": nilValue,
	"patch_path": nilValue, "unrendered_config": emptyMap, "unrendered_database": nilValue,
	"unrendered_schema": nilValue, "doc_blocks": emptyList, "event_time": nilValue, "source_meta": emptyMap,
	"quoting": func() any { return map[string]any{"database": nil, "schema": nil, "identifier": nil, "column": nil} },
}

// sourceConfigDefaults are SourceConfig fields.
var sourceConfigDefaults = []string{"event_time", "freshness", "loaded_at_field", "loaded_at_query"}

// columnKeyDefaults are ColumnInfo fields.
var columnKeyDefaults = map[string]func() any{
	"data_type": nilValue, "constraints": emptyList, "quote": nilValue, "tags": emptyList, "meta": emptyMap,
	"granularity": nilValue, "doc_blocks": emptyList, "description": emptyString,
	"config": func() any { return map[string]any{"meta": map[string]any{}, "tags": []any{}} },
}

func nilValue() any    { return nil }
func emptyMap() any    { return map[string]any{} }
func emptyList() any   { return []any{} }
func emptyString() any { return "" }
func falseValue() any  { return false }

func fillMissing(d map[string]any, defaults map[string]func() any) {
	for k, f := range defaults {
		if _, ok := d[k]; !ok {
			d[k] = f()
		}
	}
}

func fillColumns(d map[string]any) {
	cols, _ := d["columns"].(map[string]any)
	for _, c := range cols {
		if cm, ok := c.(map[string]any); ok {
			fillMissing(cm, columnKeyDefaults)
		}
	}
}

func fillConfig(d map[string]any, keys []string) {
	cfg, ok := d["config"].(map[string]any)
	if !ok {
		cfg = map[string]any{}
		d["config"] = cfg
	}
	for _, k := range keys {
		if _, ok := cfg[k]; !ok {
			cfg[k] = nil
		}
	}
}

// dbtNodeKeys adds to a node's template dict the fields dbt's node has that gdbt's manifest
// form leaves out.
func dbtNodeKeys(d map[string]any, n *manifest.Node) {
	fillMissing(d, nodeKeyDefaults)
	nodeLevelConfig(d)
	if n.ResourceType == manifest.Model {
		fillMissing(d, modelKeyDefaults)
	}
	fillConfig(d, nodeConfigDefaults)
	fillColumns(d)
}

// nodeLevelConfig copies the config's group, and a model's access, to the node, as
// dbt-core's parser/base.py update_parsed_node_config does ("If we have group in the config,
// copy to node level"; access only for models and only a valid AccessType), so graph.nodes
// reports a model configured `access: public` as public.
func nodeLevelConfig(d map[string]any) {
	cfg, _ := d["config"].(map[string]any)
	if cfg == nil {
		return
	}
	if g, ok := cfg["group"].(string); ok && g != "" {
		d["group"] = g
	}
	if d["resource_type"] == string(manifest.Model) {
		if a, ok := cfg["access"].(string); ok && validAccess(a) {
			d["access"] = a
		}
	}
}

// validAccess is dbt's AccessType.is_valid (dbt/artifacts/resources/types.py AccessType).
func validAccess(a string) bool { return a == "private" || a == "protected" || a == "public" }

// dbtSourceKeys adds a source's missing fields; its freshness is the config's when only
// that is set (dbt 1.10 keeps both, the top-level one merged from the config).
func dbtSourceKeys(d map[string]any) {
	fillMissing(d, sourceKeyDefaults)
	fillConfig(d, sourceConfigDefaults)
	if d["freshness"] == nil {
		if cfg, _ := d["config"].(map[string]any); cfg != nil && cfg["freshness"] != nil {
			d["freshness"] = cfg["freshness"]
		}
	}
	fillColumns(d)
}

// NodeView is a node as dbt's templates see it (its manifest JSON form with dbt's unset
// fields added): the runner hands it to on-run-end hooks as each result's node, so hooks
// written for dbt (result.node.depends_on.nodes, result.node.config.materialized…) work.
func NodeView(n *manifest.Node) map[string]any {
	m, ok := jsonTree(n).(map[string]any)
	if !ok {
		return map[string]any{"unique_id": n.UniqueID}
	}
	versionFields(m, n)
	dbtNodeKeys(m, n)
	return m
}
