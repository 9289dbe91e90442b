package compiler

import (
	"strings"
)

// Config merge behaviour follows dbt's: list configs accumulate from the least to the most
// specific place, dict configs merge key by key, everything else is replaced by the more
// specific value. The layers, least specific first, are: the package's own project file
// (top level, then each folder level down to the node), the root project file for package
// nodes, property YAML config:, then the node's config() call.

// appendConfigs accumulate: a deeper level adds to what a shallower level set.
var appendConfigs = map[string]bool{"tags": true, "pre-hook": true, "post-hook": true, "packages": true}

// dictConfigs merge key by key.
var dictConfigs = map[string]bool{
	"meta": true, "persist_docs": true, "docs": true, "quoting": true, "column_types": true,
	"contract": true, "grants": true,
}

// NormalizeConfigKey maps the spellings dbt accepts to the canonical key: a leading + is
// dropped and pre_hook/post_hook become pre-hook/post-hook.
func NormalizeConfigKey(k string) string {
	k = strings.TrimSpace(strings.TrimPrefix(k, "+"))
	switch k {
	case "pre_hook":
		return "pre-hook"
	case "post_hook":
		return "post-hook"
	}
	return k
}

// MergeConfig layers src over dst in place with dbt's merge rules (see appendConfigs and
// dictConfigs); keys are normalised with NormalizeConfigKey. src is not modified and dst
// shares no list or map with it afterwards.
func MergeConfig(dst, src map[string]any) {
	for rawKey, v := range src {
		k := NormalizeConfigKey(rawKey)
		switch {
		case appendConfigs[k]:
			add := listify(v)
			if k == "tags" {
				dst[k] = appendUnique(listify(dst[k]), add)
			} else {
				dst[k] = append(listify(dst[k]), add...)
			}
		case k == "grants":
			dst[k] = mergeGrants(asMap(dst[k]), asMap(v))
		case dictConfigs[k]:
			m, ok := v.(map[string]any)
			if !ok {
				dst[k] = copyValue(v)
				continue
			}
			merged := map[string]any{}
			for mk, mv := range asMap(dst[k]) {
				merged[mk] = mv
			}
			for mk, mv := range m {
				merged[mk] = copyValue(mv)
			}
			dst[k] = merged
		default:
			dst[k] = copyValue(v)
		}
	}
}

// mergeGrants is dbt's grants merge: a privilege written with a leading + adds grantees to
// what a less specific level granted, without it replaces them.
func mergeGrants(dst, src map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range dst {
		out[k] = v
	}
	for k, v := range src {
		if strings.HasPrefix(k, "+") {
			k = strings.TrimPrefix(k, "+")
			out[k] = appendUnique(listify(out[k]), listify(v))
			continue
		}
		out[k] = listify(v)
	}
	return out
}

// listify makes a list config from a single value or a list (nil for nothing). Each call
// returns a fresh slice.
func listify(v any) []any {
	switch x := v.(type) {
	case nil:
		return []any{}
	case []any:
		return append([]any{}, x...)
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return []any{v}
}

func appendUnique(a, b []any) []any {
	seen := map[any]bool{}
	out := make([]any, 0, len(a)+len(b))
	for _, l := range [][]any{a, b} {
		for _, v := range l {
			key := v
			switch v.(type) {
			case map[string]any, []any:
				out = append(out, v)
				continue
			}
			if !seen[key] {
				seen[key] = true
				out = append(out, v)
			}
		}
	}
	return out
}

func asMap(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	return map[string]any{}
}

// copyValue deep-copies maps and lists so merged configs never alias their sources.
func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = copyValue(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = copyValue(e)
		}
		return l
	}
	return v
}

// configTrees returns the project-file trees that configure resourceType.
func configTrees(pc *ProjectConfig, resourceType string) []map[string]any {
	switch resourceType {
	case "seed":
		return []map[string]any{pc.Seeds}
	case "snapshot":
		return []map[string]any{pc.Snapshots}
	case "test":
		return []map[string]any{pc.Tests, pc.DataTests}
	case "source":
		return []map[string]any{pc.Sources}
	case "exposure":
		return []map[string]any{pc.Exposures}
	case "unit_test":
		return []map[string]any{pc.UnitTests}
	}
	// Models, analyses and operations are configured under models:, as dbt does.
	return []map[string]any{pc.Models}
}

// ResolveProjectConfig is the config the project files give a node with this fqn
// ([package, folder..., name]): the package's own tree walked from the top down to the
// node's level, then, for a package node, the root project's tree, which overrides it. At
// each level, keys starting with + are configs, and so are keys without + whose value is
// not a mapping (a mapping without + is a sub-folder, a package or a node name), as dbt
// reads them. Defaults are not included (see DefaultConfig).
func ResolveProjectConfig(root, pkg *ProjectConfig, resourceType string, fqn []string) map[string]any {
	out := map[string]any{}
	apply := func(pc *ProjectConfig) {
		if pc == nil {
			return
		}
		for _, tree := range configTrees(pc, resourceType) {
			level := tree
			if level == nil {
				continue
			}
			MergeConfig(out, levelConfigs(level))
			for _, part := range fqn {
				next, ok := level[part].(map[string]any)
				if !ok {
					break
				}
				level = next
				MergeConfig(out, levelConfigs(level))
			}
		}
	}
	apply(pkg)
	if root != nil && root != pkg && (pkg == nil || root.Name != pkg.Name) {
		apply(root)
	}
	return out
}

// levelConfigs picks the configs out of one level of a project-file tree.
func levelConfigs(level map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range level {
		if strings.HasPrefix(k, "+") {
			out[k] = v
			continue
		}
		if _, isMap := v.(map[string]any); !isMap {
			out[k] = v
		}
	}
	return out
}

// DefaultConfig is dbt's default config for a resource type, the base every resolved
// config starts from (materialized view for models, seed for seeds, test for tests, …).
func DefaultConfig(resourceType string) map[string]any {
	c := map[string]any{
		"enabled":      true,
		"tags":         []any{},
		"meta":         map[string]any{},
		"alias":        nil,
		"schema":       nil,
		"database":     nil,
		"group":        nil,
		"pre-hook":     []any{},
		"post-hook":    []any{},
		"persist_docs": map[string]any{},
		"quoting":      map[string]any{},
		"column_types": map[string]any{},
		"full_refresh": nil,
		"unique_key":   nil,
		"grants":       map[string]any{},
		"packages":     []any{},
		"docs":         map[string]any{"show": true, "node_color": nil},
		"contract":     map[string]any{"enforced": false, "alias_types": true},

		"on_schema_change":        "ignore",
		"on_configuration_change": "apply",
		"incremental_strategy":    nil,
	}
	switch resourceType {
	case "model", "analysis", "operation":
		c["materialized"] = "view"
		c["access"] = "protected"
	case "seed":
		c["materialized"] = "seed"
		c["delimiter"] = ","
		c["quote_columns"] = nil
	case "snapshot":
		c["materialized"] = "snapshot"
		c["strategy"] = nil
		c["target_schema"] = nil
		c["target_database"] = nil
		c["check_cols"] = nil
		c["updated_at"] = nil
		c["snapshot_meta_column_names"] = map[string]any{}
	case "test":
		return map[string]any{
			"enabled":        true,
			"alias":          nil,
			"schema":         "dbt_test__audit",
			"database":       nil,
			"tags":           []any{},
			"meta":           map[string]any{},
			"group":          nil,
			"materialized":   "test",
			"severity":       "ERROR",
			"store_failures": nil,
			"where":          nil,
			"limit":          nil,
			"fail_calc":      "count(*)",
			"warn_if":        "!= 0",
			"error_if":       "!= 0",
		}
	case "source":
		return map[string]any{"enabled": true}
	case "exposure":
		return map[string]any{"enabled": true}
	}
	return c
}
