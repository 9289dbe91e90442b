package compiler

import (
	"strings"
	"testing"
)

// TestRelationUniqueness: one relation built by two resources is an error naming both
// files; the same alias in another schema, or on a disabled model, is not.
func TestRelationUniqueness(t *testing.T) {
	isolateProfiles(t)
	ok := writeProject(t, map[string]string{
		"dbt_project.yml":  "name: u\n",
		"models/a.sql":     "{{ config(alias='x') }} select 1 as id",
		"models/b.sql":     "{{ config(alias='x', schema='other') }} select 1 as id",
		"models/c.sql":     "{{ config(alias='x', enabled=false) }} select 1 as id",
		"models/d.sql":     "{{ config(materialized='ephemeral') }} select 1 as id",
		"models/e/d_2.sql": "{{ config(alias='d2') }} select 1 as id",
	})
	if _, err := Load(Options{ProjectDir: ok}); err != nil {
		t.Fatalf("distinct relations rejected: %v", err)
	}
	bad := writeProject(t, map[string]string{
		"dbt_project.yml": "name: u\n",
		"models/a.sql":    "{{ config(alias='x') }} select 1 as id",
		"models/b.sql":    "{{ config(alias='x', materialized='ephemeral') }} select 1 as id",
		"snapshots/s.sql": "{% snapshot x %}{{ config(unique_key='id', strategy='check', check_cols='all', target_schema='main') }} select 1 as id{% endsnapshot %}",
	})
	_, err := Load(Options{ProjectDir: bad})
	if err == nil {
		t.Fatal("two resources on one relation were accepted")
	}
	msg := err.Error()
	for _, want := range []string{
		`models/b.sql:1:1: dbt found two resources with the database representation "main"."x"`,
		"- model.u.a (models/a.sql)\n- model.u.b (models/b.sql)",
		"- model.u.a (models/a.sql)\n- snapshot.u.x (snapshots/s.sql)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}
