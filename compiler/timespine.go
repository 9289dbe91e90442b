package compiler

import "gopkg.in/yaml.v3"

// timeSpine decodes a model's `time_spine:` property into dbt's TimeSpine shape
// (dbt/artifacts/resources/v1/model.py TimeSpine: standard_granularity_column required,
// custom_granularities a list of {name, column_name=None}); dbt-core's
// parser/schemas.py patch_time_spine puts it on the node as written. Packages read it from
// graph.nodes: dbt-project-evaluator leaves models whose time_spine is not none out of its
// root-model and naming checks.
func (p *propParser) timeSpine(v *yaml.Node, model string) map[string]any {
	if isNull(v) {
		return nil
	}
	m := p.mapping(v)
	if m == nil {
		return nil
	}
	std, _ := m["standard_granularity_column"].(string)
	if std == "" {
		p.fail(v, "model %s: time_spine needs standard_granularity_column (the column of the spine's standard grain)", model)
		return nil
	}
	out := map[string]any{"standard_granularity_column": std, "custom_granularities": []any{}}
	if cg, ok := m["custom_granularities"].([]any); ok {
		list := make([]any, 0, len(cg))
		for _, g := range cg {
			gm, _ := g.(map[string]any)
			name, _ := gm["name"].(string)
			if name == "" {
				p.fail(v, "model %s: each time_spine custom_granularities entry needs a name", model)
				continue
			}
			list = append(list, map[string]any{"name": name, "column_name": gm["column_name"]})
		}
		out["custom_granularities"] = list
	}
	return out
}
