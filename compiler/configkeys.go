package compiler

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
	"gopkg.in/yaml.v3"
)

// Configs that do nothing must say so. dbt 1.10 reports a config key it does not know
// (a typo such as `materialised`, a custom key outside `meta`) through JSON-schema
// validation: validate_model_config for config() calls and jsonschema_validate for
// property YAML and dbt_project.yml (dbt-core core/dbt/jsonschemas/jsonschemas.py; the
// known keys are the *Config definitions of core/dbt/jsonschemas/resources/latest.json),
// as the CustomKeyInConfigDeprecation warning (core/dbt/events/types.py). dbt runs those
// checks only with DBT_ENV_PRIVATE_RUN_JSONSCHEMA_VALIDATIONS set and for four adapters
// (bigquery, databricks, redshift, snowflake); gdbt always warns, on every adapter, so a
// typo never builds the wrong thing silently. A key is known when dbt's schema lists it
// for the resource type, when a supported adapter gives it meaning (adapterConfigKeys),
// or when a macro of the project or its packages reads it with config.get/config.require
// (a custom materialization's own settings). Only the root project's files are checked:
// an installed package's configs are its authors' business.

// dbtCommonConfigKeys are the keys latest.json lists for models, seeds, snapshots, sources
// and data tests alike (mostly the four schema adapters' settings).
const dbtCommonConfigKeys = `as_columnstore auto_liquid_cluster auto_refresh automatic_clustering backup
base_location_root base_location_subpath bind buckets catalog cluster_by clustered_by compression
copy_grants databricks_compute databricks_tags description dist enable_refresh enabled external_volume
file_format grant_access_to hours_to_expiration include_full_name_in_path indexes initialize
kms_key_name labels labels_from_meta liquid_clustered_by location_root matched_condition
max_staleness merge_with_schema_evolution meta not_matched_by_source_action
not_matched_by_source_condition not_matched_condition partition_by partition_expiration_days
partitions query_tag quoting refresh_interval_minutes refresh_mode require_partition_filter
row_access_policy schedule secure skip_matched_step skip_not_matched_step snowflake_warehouse sort
sort_type source_alias table_tag table_type tags target_alias target_lag tblproperties
tmp_relation_type transient`

// dbtConfigKeys are each resource type's own keys in latest.json (ModelConfig,
// SeedConfig, SnapshotConfig, SourceConfig with TablesConfig, DataTestConfig,
// AnalysesConfig), hooks under both spellings.
var dbtConfigKeys = map[string]string{
	"model": `access alias batch_size begin catalog_name column_types concurrent_batches contract database
docs event_time freshness full_refresh grants group incremental_predicates incremental_strategy location
lookback materialized merge_exclude_columns merge_update_columns on_configuration_change
on_schema_change packages persist_docs post-hook pre-hook predicates schema sql_header static_analysis
table_format unique_key`,
	"seed": `alias column_types database delimiter docs event_time full_refresh grants group persist_docs
post-hook pre-hook quote_columns schema`,
	// target_schema and target_database: SnapshotConfig's legacy keys (core/dbt/artifacts/
	// resources/v1/snapshot.py), still honoured.
	"snapshot": `alias check_cols database dbt_valid_to_current docs event_time grants group hard_deletes
invalidate_hard_deletes materialized persist_docs post-hook pre-hook quote_columns schema
snapshot_meta_column_names static_analysis strategy unique_key updated_at target_schema target_database`,
	"source":   `event_time freshness loaded_at_field loaded_at_query static_analysis`,
	"test":     `alias database error_if fail_calc group limit schema severity static_analysis store_failures store_failures_as warn_if where materialized`,
	"analysis": `docs group`,
	"exposure": ``,
}

// adapterConfigKeys are settings of gdbt's adapters that dbt's schema does not list:
// dbt-duckdb's external materialization and sources (location, format, delimiter,
// options, glue_register, glue_database, plugin, external_location, formatter) and
// dbt-postgres' unlogged tables.
const adapterConfigKeys = `location format delimiter options glue_register glue_database plugin
external_location formatter unlogged`

var knownConfigKeys = func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for kind, own := range dbtConfigKeys {
		m := map[string]bool{}
		for _, k := range strings.Fields(dbtCommonConfigKeys + " " + own + " " + adapterConfigKeys) {
			m[k] = true
		}
		out[kind] = m
	}
	return out
}()

// configKind maps a resource type or project-file block to the key set it is checked
// against ("" when gdbt does not check it).
func configKind(kind string) string {
	switch kind {
	case "model", "models":
		return "model"
	case "seed", "seeds":
		return "seed"
	case "snapshot", "snapshots":
		return "snapshot"
	case "source", "sources":
		return "source"
	case "test", "tests", "data_tests", "data test":
		return "test"
	case "analysis", "analyses":
		return "analysis"
	case "exposure", "exposures":
		return "exposure"
	}
	return ""
}

// configReadRE finds the keys a macro reads: config.get('key') and config.require("key").
var configReadRE = regexp.MustCompile(`config\s*\.\s*(?:get|require)\s*\(\s*['"]([A-Za-z0-9_+-]+)['"]`)

// macroConfigKeys are the keys the macros of every package read (config.get/require).
func macroConfigKeys(srcs []macroFile) map[string]bool {
	out := map[string]bool{}
	for _, f := range srcs {
		if !strings.Contains(f.src, "config") {
			continue
		}
		for _, m := range configReadRE.FindAllStringSubmatch(f.src, -1) {
			out[NormalizeConfigKey(m[1])] = true
		}
	}
	return out
}

// unknownConfig returns, for a config key of a resource kind that nothing gives meaning
// to, the warning's text after "file:line:col: "; "" when the key is known or the kind
// is not checked.
func (p *projectImpl) unknownConfig(kind, what, key string) string {
	kind = configKind(kind)
	k := NormalizeConfigKey(key)
	if kind == "" || knownConfigKeys[kind][k] || p.cfgReadKeys[k] {
		return ""
	}
	hint := ""
	if near := nearestKey(k, knownConfigKeys[kind]); near != "" {
		hint = fmt.Sprintf("; did you mean '%s'?", near)
	}
	return fmt.Sprintf("%s: unknown config '%s' does nothing (not a dbt config, an adapter's, nor read by any macro)%s; custom keys belong under meta",
		what, k, hint)
}

// nearestKey is the known key closest to k (graphctx.go's suggest).
func nearestKey(k string, known map[string]bool) string {
	keys := make([]string, 0, len(known))
	for c := range known {
		keys = append(keys, c)
	}
	return suggest(k, keys)
}

// anyKnownConfig reports whether some resource type knows k (the parse records the
// others; configWarnings checks them against the node's type and the macros).
func anyKnownConfig(k string) bool {
	k = NormalizeConfigKey(k)
	for _, m := range knownConfigKeys {
		if m[k] {
			return true
		}
	}
	return false
}

// configWarnings are the warnings, at each config() call, for the keys of n's config()
// calls that nothing gives meaning to (root project nodes only).
func (p *projectImpl) configWarnings(issues []configIssue, n *manifest.Node, display, src string) []string {
	var out []string
	if n.PackageName != p.root {
		return nil
	}
	for _, is := range issues {
		if !is.unknown {
			continue
		}
		msg := p.unknownConfig(n.ResourceType, fmt.Sprintf("%s %s", n.ResourceType, n.Name), is.key)
		if msg == "" {
			continue
		}
		text := src
		if is.file != display {
			if s, ok := p.fileSrc(is.file); ok {
				text = s
			}
		}
		l, c := lineCol(text, is.pos)
		out = append(out, Errorf(is.file, l, c, "%s", msg).Error())
	}
	return out
}

// configKeyUse is one key of a property file's `config:` mapping and where it is written.
type configKeyUse struct {
	kind, what, key, at string
}

// noteConfigKeys records the keys of a `config:` mapping for the unknown-key check.
func (p *propParser) noteConfigKeys(v *yaml.Node, kind, name string) {
	for _, e := range mappingPairs(v) {
		if ck := configKind(kind); ck != "" && !knownConfigKeys[ck][NormalizeConfigKey(e.Key.Value)] {
			p.props.configKeys = append(p.props.configKeys, configKeyUse{kind: kind, what: kind + " " + name, key: e.Key.Value,
				at: fmt.Sprintf("%s:%d:%d", p.file, e.Key.Line, e.Key.Column)})
		}
	}
}

// warnUnknownConfigs warns about the root project's config keys that nothing gives
// meaning to: those of its project file (project), then of its property files, file by
// file.
func (p *projectImpl) warnUnknownConfigs(project []configKeyUse, props []*Properties) {
	uses := project
	for _, pr := range props {
		if pr != nil && pr.File != nil && pr.File.Package != nil && pr.File.Package.Name == p.root {
			uses = append(uses, pr.configKeys...)
		}
	}
	for _, u := range uses {
		if msg := p.unknownConfig(u.kind, u.what, u.key); msg != "" {
			p.warn(u.at + ": " + msg)
		}
	}
}
