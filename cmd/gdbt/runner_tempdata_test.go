package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestRunnerNodeKeepsItsConnection builds twelve models at --threads 4 whose pre-hook makes
// a temporary table that the model's SQL reads: a node's statements must share one
// connection (as in dbt), or the temp table is missing whenever a worker's statements land
// on different pooled connections.
func TestRunnerNodeKeepsItsConnection(t *testing.T) {
	dir := t.TempDir()
	rtWrite(t, dir, "dbt_project.yml", "name: tmpdata\nprofile: tmpdata\n")
	rtWrite(t, dir, "profiles.yml", "tmpdata:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: tmp.duckdb\n      threads: 4\n")
	if err := os.MkdirAll(filepath.Join(dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		rtWrite(t, dir, fmt.Sprintf("models/m%02d.sql", i), fmt.Sprintf(
			"{{ config(materialized='table', pre_hook=\"create or replace temp table scratch_%d as select range as x from range(%d)\") }}\nselect count(*) as n from scratch_%d\n", i, i+1, i))
	}
	rtMust(t, dir, 0, "run")
	for i := range 12 {
		got := rtQueryFile(t, filepath.Join(dir, "tmp.duckdb"), fmt.Sprintf("select n from main.m%02d", i))
		if len(got) != 1 || got[0] != fmt.Sprint(i+1) {
			t.Errorf("m%02d = %v, want %d", i, got, i+1)
		}
	}
}
