package compiler

import (
	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"gopkg.in/yaml.v3"
)

// propRender renders one property value holding Jinja, natively (nativerender.go), with the
// parse-time context of the file's package (var with --vars and package vars, env_var,
// target).
type propRender func(s string) (jinja.Value, error)

// propertySections are the entry lists of a property file that dbt renders before reading
// them (SchemaParser with SchemaYamlRenderer, dbt/parser/schemas.py).
var propertySections = map[string]bool{
	"models": true, "seeds": true, "snapshots": true, "analyses": true, "sources": true,
	"macros": true, "exposures": true, "groups": true,
}

// lateRenderedKeys are rendered later or never: descriptions (docs processing), tests and
// their arguments (rendered natively when the test is built and compiled), loaded_at_query.
var lateRenderedKeys = map[string]bool{"tests": true, "data_tests": true, "description": true, "loaded_at_query": true}

// skipPropertyKeypath is dbt's SchemaYamlRenderer.should_render_keypath
// (dbt/parser/schema_renderer.py), negated, over key paths inside one entry (list indexes are
// left out of gdbt's paths): descriptions, tests and loaded_at_query are skipped at any depth
// (columns, source tables, macro arguments, versions), and so are the config hooks.
func skipPropertyKeypath(path []string) bool {
	for _, k := range path {
		if lateRenderedKeys[k] {
			return true
		}
	}
	if len(path) >= 2 && path[0] == "config" {
		switch path[1] {
		case "pre_hook", "post_hook", "pre-hook", "post-hook", "loaded_at_query":
			return true
		}
	}
	return false
}

// renderProperties renders, in place, the Jinja in every entry of the file's sections, so
// that a model's config (schema, materialized, enabled, column_types…), meta, tags, a
// source's database and schema, … all hold dbt's rendered, natively typed values.
func renderProperties(file string, root *yaml.Node, render propRender) Errors {
	var errs Errors
	for _, sec := range mappingPairs(root) {
		if sec.Key.Value == "unit_tests" && sec.Value.Kind == yaml.SequenceNode {
			// dbt renders a unit test's config only (UnitTestParser._build_unit_test_config);
			// fixture rows are rendered, if at all, when the test is compiled.
			for _, item := range sec.Value.Content {
				for _, e := range mappingPairs(item) {
					if e.Key.Value == "config" {
						errs = append(errs, renderYAMLTree(file, e.Value, nil, skipPropertyKeypath, render)...)
					}
				}
			}
			continue
		}
		if !propertySections[sec.Key.Value] || sec.Value.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range sec.Value.Content {
			if item.Kind == yaml.MappingNode {
				errs = append(errs, renderYAMLTree(file, item, nil, skipPropertyKeypath, render)...)
			}
		}
	}
	return errs
}
