package compiler

import "testing"

// TestGenericTestUniqueIDs checks that generic test ids are hashed as dbt hashes them (the id
// below is the one in dbt-core's own expected manifest for this test) and that two tests whose
// names sanitise alike but whose arguments differ are two tests, not a duplicate.
func TestGenericTestUniqueIDs(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, map[string]string{
		"dbt_project.yml":  "name: test\nprofile: test\n",
		"models/model.sql": "select 1 as id, 'a' as kind\n",
		"models/schema.yml": `version: 2
models:
  - name: model
    columns:
      - name: id
        data_tests: [not_null]
      - name: kind
        data_tests:
          - accepted_values:
              values: ["a b"]
          - accepted_values:
              values: ["a_b"]
`,
	})
	p, err := Load(Options{ProjectDir: dir})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if _, ok := p.Manifest.Nodes["test.test.not_null_model_id.d01cc630e6"]; !ok {
		var ids []string
		for id := range p.Manifest.Nodes {
			ids = append(ids, id)
		}
		t.Errorf("no test.test.not_null_model_id.d01cc630e6 (dbt's id); nodes: %v", ids)
	}
	n := 0
	for _, nd := range p.Manifest.Nodes {
		if nd.TestMetadata != nil && nd.TestMetadata.Name == "accepted_values" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d accepted_values tests, want 2", n)
	}
}
