package compiler

import (
	"gopkg.in/yaml.v3"
)

// ProjectFlags are the keys of dbt_project.yml's `flags:` block dbt-core 1.10 knows
// (ProjectFlags in core/dbt/contracts/project.py), true for those gdbt honours (cmd/gdbt's
// flag table reads them, with dbt's precedence). The false ones are dbt's behaviour-change
// flags (docs/guides/behavior-change-flags.md), which gdbt does not read: setting one warns
// that it has no effect, and a key dbt does not know warns as unknown, so no flag is
// ignored silently.
var ProjectFlags = map[string]bool{
	"cache_selected_only": true, "debug": true, "fail_fast": true, "indirect_selection": true,
	"log_format": true, "log_format_file": true, "log_level": true, "log_level_file": true,
	"partial_parse": true, "populate_cache": true, "printer_width": true,
	"send_anonymous_usage_stats": true, "static_parser": true, "use_colors": true,
	"use_colors_file": true, "use_experimental_parser": true, "version_check": true,
	"warn_error": true, "warn_error_options": true, "write_json": true,

	"require_batched_execution_for_custom_microbatch_strategy":        false,
	"require_event_names_in_deprecations":                             false,
	"require_explicit_package_overrides_for_builtin_materializations": false,
	"require_resource_names_without_spaces":                           false,
	"source_freshness_run_project_hooks":                              false,
	"skip_nodes_if_on_run_start_fails":                                false,
	"state_modified_compare_more_unrendered_values":                   false,
	"state_modified_compare_vars":                                     false,
	"require_yaml_configuration_for_mf_time_spines":                   false,
	"require_nested_cumulative_type_params":                           false,
	"validate_macro_args":                                             false,
	"require_all_warnings_handled_by_warn_error":                      false,
	"require_generic_test_arguments_property":                         false,
}

// checkProjectFlags warns, at each key of the `flags:` mapping v, about flags dbt does not
// know and dbt behaviour flags gdbt does not read.
func checkProjectFlags(file string, v *yaml.Node) []string {
	var out []string
	for _, e := range mappingPairs(v) {
		k := e.Key.Value
		honoured, known := ProjectFlags[k]
		switch {
		case !known:
			if near := suggest(k, projectFlagNames()); near != "" {
				out = append(out, nodeErr(file, e.Key, "unknown flag %q in flags: it does nothing; did you mean %q?", k, near).Error())
			} else {
				out = append(out, nodeErr(file, e.Key, "unknown flag %q in flags: it does nothing (dbt's project flags are those of ProjectFlags)", k).Error())
			}
		case !honoured:
			out = append(out, nodeErr(file, e.Key, "flags: %s is a dbt behaviour-change flag gdbt does not implement; it has no effect", k).Error())
		}
	}
	return out
}

func projectFlagNames() []string {
	out := make([]string, 0, len(ProjectFlags))
	for k := range ProjectFlags {
		out = append(out, k)
	}
	return out
}
