package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunResultsTimingAndHookResults checks that run_results.json has dbt's compile and
// execute timings for every node, and that on-run-end hooks see each result's full node
// (depends_on, fqn, config) and its timing, as dbt's results do.
func TestRunResultsTimingAndHookResults(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"dbt_project.yml":   "name: rk\nprofile: rk\non-run-end:\n  - \"{% for r in results if r.node.name == 'b' %}{{ log('HOOK ' ~ r.node.depends_on.nodes[0] ~ ' ' ~ (r.timing | length) ~ ' ' ~ r.node.config.materialized, info=true) }}{% endfor %}\"\n",
		"profiles.yml":      "rk:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/rk.duckdb\n",
		"seeds/s.csv":       "id\n1\n",
		"models/a.sql":      "select * from {{ ref('s') }}\n",
		"models/b.sql":      "select * from {{ ref('a') }}\n",
		"models/schema.yml": "version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        data_tests: [not_null]\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	r := rtMust(t, dir, 0, "build")
	if !strings.Contains(r.out+r.err, "HOOK model.rk.a 2 view") {
		t.Errorf("on-run-end did not see b's node and timing:\n%s", r)
	}
	b, err := os.ReadFile(filepath.Join(dir, "target", "run_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rr struct {
		Results []struct {
			UniqueID string `json:"unique_id"`
			Timing   []struct {
				Name string `json:"name"`
			} `json:"timing"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &rr); err != nil {
		t.Fatal(err)
	}
	if len(rr.Results) != 4 {
		t.Errorf("%d results, want 4", len(rr.Results))
	}
	for _, x := range rr.Results {
		if len(x.Timing) != 2 || x.Timing[0].Name != "compile" || x.Timing[1].Name != "execute" {
			t.Errorf("%s: timing %+v, want compile then execute", x.UniqueID, x.Timing)
		}
	}
}
