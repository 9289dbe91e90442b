package compiler

import (
	"strings"
	"testing"
)

// TestGenericTestOnMissingModelWarns: a generic test whose model does not exist is dropped
// with a positioned warning, as dbt does, instead of failing the whole parse.
func TestGenericTestOnMissingModelWarns(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"dbt_project.yml":   "name: shop\nprofile: shop\n",
		"models/orders.sql": "select 1 as id\n",
		"models/schema.yml": "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        data_tests: [unique]\n" +
			"  - name: gone\n    data_tests:\n      - not_null:\n          column_name: id\n",
	})
	var warns []string
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Warn: func(s string) { warns = append(warns, s) }})
	if err != nil {
		t.Fatalf("a test on a missing model must not fail the parse: %v", err)
	}
	// As dbt: the test's warning, and the entry's own (NoNodeForYamlKey, schemas.py).
	want := `models/schema.yml:9:9: test not_null is defined on model "gone", which was not found; the test is skipped`
	entry := `models/schema.yml:7:5: Did not find matching node for patch with name 'gone' in the 'models' section`
	if len(warns) != 2 || !strings.Contains(strings.Join(warns, "\n"), want) || !strings.Contains(strings.Join(warns, "\n"), entry) {
		t.Errorf("warnings %q, want one containing %q and one %q", warns, want, entry)
	}
	tests := 0
	for _, n := range p.Manifest.Nodes {
		if n.ResourceType == "test" {
			tests++
		}
	}
	if tests != 1 {
		t.Errorf("%d test nodes, want 1 (unique on orders.id)", tests)
	}
}
