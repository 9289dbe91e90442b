package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse/snowflake/fakesf"
)

// rtSFProfile starts the loopback Snowflake server for one test and writes dir's
// profiles.yml for project profile pointing at it (schema PUBLIC-free: one of its own).
func rtSFProfile(t *testing.T, dir, profile, schema string) {
	t.Helper()
	srv, err := fakesf.Start("GDBT_DB")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	f := srv.Fields(schema)
	rtWrite(t, dir, "profiles.yml", fmt.Sprintf("%s:\n  target: sf\n  outputs:\n    sf:\n      type: snowflake\n"+
		"      account: %v\n      user: %v\n      password: %v\n      database: %v\n      warehouse: %v\n"+
		"      schema: %v\n      host: %v\n      port: %v\n      protocol: %v\n      threads: 2\n",
		profile, f["account"], f["user"], f["password"], f["database"], f["warehouse"], f["schema"], f["host"], f["port"], f["protocol"]))
}

// sfRows runs q through gdbt show on the fake, {{ target.schema }} spelled out (show
// --inline renders refs but the hook_log table is no node), cells lower-cased: Snowflake
// folds unquoted names and its booleans print as true/false either way.
func sfRows(t *testing.T, dir, schema, q string) []string {
	t.Helper()
	out := rtShowRows(t, dir, strings.ReplaceAll(q, "{{ target.schema }}", schema))
	for i := range out {
		out[i] = strings.ToLower(strings.ReplaceAll(out[i], " 00:00:00", ""))
	}
	return out
}

// TestYAMLSnapshotsSnowflake builds the dbt 1.9 YAML snapshot project on the loopback
// Snowflake server: the same histories as on DuckDB and PostgreSQL (hard_deletes
// invalidate and new_record, dbt_valid_to_current), through dbt-snowflake's snapshot
// merge as gdbt emits it for Snowflake.
func TestYAMLSnapshotsSnowflake(t *testing.T) {
	dir := rtProject(t, "yaml_snapshots.txtar")
	rtSFProfile(t, dir, "ysnap", "ysnap")
	checkYAMLSnapshots(t, dir, func(q string) []string { return sfRows(t, dir, "ysnap", q) })
}

// TestMicrobatchSnowflake builds the microbatch project on the loopback Snowflake server
// (dbt-snowflake's microbatch strategy: delete the batch's window, insert its rows), three
// times with late-arriving rows, and checks it holds what a full rebuild holds.
func TestMicrobatchSnowflake(t *testing.T) {
	dir := rtProject(t, "microbatch.txtar")
	rtSFProfile(t, dir, "mb", "mb")
	checkMicrobatch(t, dir, func(q string) []string { return sfRows(t, dir, "mb", q) })
}
