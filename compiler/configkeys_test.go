package compiler

import (
	"strings"
	"testing"
)

// TestUnknownConfigKeysWarn: a config key nothing gives meaning to is warned about at its
// file:line:col, in config() calls, property YAML and dbt_project.yml (dbt 1.10's
// CustomKeyInConfigDeprecation); dbt's keys, the adapters' keys, keys a macro reads and an
// installed package's configs are not.
func TestUnknownConfigKeysWarn(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": `name: ck
profile: ck
models:
  ck:
    +materialized: view
    +tag: nightly
    +transient: false
    staging:
      +schema: stg
      colour: blue
seeds:
  +quote_columns: true
  +column_type: {}
`,
		"macros/mat.sql":       "{% materialization fancy, default %}{% set s = config.get('sparkle', 1) %}{{ return({'relations': []}) }}{% endmaterialization %}\n",
		"models/a.sql":         "{{ config(materialised='table', sparkle=3, unlogged=true, on_schema_change='fail') }}\nselect 1 as x\n",
		"models/staging/b.sql": "select 1 as y\n",
		"models/schema.yml": `version: 2
models:
  - name: b
    config:
      materialzed: table
      meta: {owner: me}
      snowflake_warehouse: big
sources:
  - name: raw
    tables:
      - name: t
        config:
          loaded_at_field: ts
          event_tme: ts
`,
		"dbt_packages/pkg/dbt_project.yml": "name: pkg\nmodels:\n  pkg:\n    +whatever: 1\n",
		"dbt_packages/pkg/models/p.sql":    "{{ config(anything_goes=1) }}\nselect 1 as z\n",
	})
	var warns []string
	if _, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Warn: func(s string) { warns = append(warns, s) }}); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(warns, "\n")
	t.Log(all)
	for _, want := range []string{
		"dbt_project.yml:6:5: models: unknown config 'tag' does nothing",
		"did you mean 'tags'?",
		"dbt_project.yml:10:7: models: unknown config 'colour'",
		"dbt_project.yml:13:3: seeds: unknown config 'column_type'",
		"did you mean 'column_types'?",
		"models/a.sql:1:4: model a: unknown config 'materialised' does nothing (not a dbt config, an adapter's, nor read by any macro); did you mean 'materialized'?; custom keys belong under meta",
		"models/schema.yml:5:7: model b: unknown config 'materialzed'",
		"models/schema.yml:14:11: source raw.t: unknown config 'event_tme'",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no warning %q in:\n%s", want, all)
		}
	}
	for _, quiet := range []string{"'sparkle'", "'unlogged'", "'transient'", "'snowflake_warehouse'", "'meta'", "'loaded_at_field'", "'schema'",
		"'on_schema_change'", "'whatever'", "'anything_goes'", "'quote_columns'"} {
		if strings.Contains(all, quiet) {
			t.Errorf("warned about the known or package key %s:\n%s", quiet, all)
		}
	}
}

// TestProjectFlagsWarn: a flags: key dbt does not know, and a dbt behaviour flag gdbt does
// not implement, are warned about at their place; a flag gdbt honours is not.
func TestProjectFlagsWarn(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": "name: pf\nprofile: pf\nflags:\n  fail_fast: true\n  send_anonymus_usage_stats: false\n  require_explicit_package_overrides_for_builtin_materializations: false\n",
		"models/a.sql":    "select 1 as x\n",
	})
	var warns []string
	if _, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Warn: func(s string) { warns = append(warns, s) }}); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(warns, "\n")
	for _, want := range []string{
		`dbt_project.yml:5:3: unknown flag "send_anonymus_usage_stats" in flags: it does nothing; did you mean "send_anonymous_usage_stats"?`,
		"dbt_project.yml:6:3: flags: require_explicit_package_overrides_for_builtin_materializations is a dbt behaviour-change flag gdbt does not implement; it has no effect",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no warning %q in:\n%s", want, all)
		}
	}
	if strings.Contains(all, "fail_fast") {
		t.Errorf("warned about fail_fast, which gdbt honours:\n%s", all)
	}
}
