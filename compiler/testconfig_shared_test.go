package compiler

import (
	"reflect"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
)

// TestSharedTestConfigStaysIsolated: generic tests without config of their own share one
// config map (testConfig), and that sharing never leaks: a test whose macro calls
// config() at parse time (captureTestConfigs) and a test with YAML config each get their
// own values, while the plain tests keep dbt's defaults.
func TestSharedTestConfigStaysIsolated(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": "name: shop\nprofile: shop\n",
		"models/a.sql":    "select 1 as id\n",
		"models/b.sql":    "select 2 as id\n",
		"models/schema.yml": "version: 2\nmodels:\n" +
			"  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null, unique]\n    data_tests: [rowdiff]\n" +
			"  - name: b\n    columns:\n      - name: id\n        data_tests:\n          - not_null:\n              config:\n                severity: warn\n",
		"macros/rowdiff.sql": "{% test rowdiff(model) %}{{ config(fail_calc='sum(diff)', tags=['macro_tag']) }}select 0 as diff{% endtest %}\n",
	})
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Which: "build"})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*manifest.Node{}
	for _, n := range p.Manifest.Nodes {
		if n.ResourceType == manifest.Test {
			byName[n.Name] = n
		}
	}
	plainA, uniqueA, rowdiff, warnB := byName["not_null_a_id"], byName["unique_a_id"], byName["rowdiff_a_"], byName["not_null_b_id"]
	if plainA == nil || uniqueA == nil || warnB == nil || rowdiff == nil {
		t.Fatalf("tests found: %v", testNodeNames(byName))
	}
	if reflect.ValueOf(plainA.Config).UnsafePointer() != reflect.ValueOf(uniqueA.Config).UnsafePointer() {
		t.Error("two tests without config of their own do not share their config map")
	}
	for _, n := range []*manifest.Node{plainA, uniqueA} {
		if n.Config["fail_calc"] != "count(*)" || n.Config["severity"] != "ERROR" || len(n.Tags) != 0 {
			t.Errorf("%s: fail_calc %v, severity %v, tags %v: want dbt's defaults (another test's config leaked)", n.Name, n.Config["fail_calc"], n.Config["severity"], n.Tags)
		}
	}
	if rowdiff.Config["fail_calc"] != "sum(diff)" || len(rowdiff.Tags) != 1 {
		t.Errorf("rowdiff: fail_calc %v, tags %v: want the macro's config() call", rowdiff.Config["fail_calc"], rowdiff.Tags)
	}
	if warnB.Config["severity"] != "warn" {
		t.Errorf("not_null_b_id: severity %v, want the YAML's warn", warnB.Config["severity"])
	}
}

func testNodeNames(m map[string]*manifest.Node) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
