package compiler

import (
	"fmt"
	"strings"
	"testing"
)

// TestMacroPropertiesReachManifest checks that a `macros:` entry's description, arguments
// and meta land on the documented macro, and that an entry naming no macro only warns.
func TestMacroPropertiesReachManifest(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"dbt_project.yml":       "name: mp\nprofile: mp\n",
		"macros/cents.sql":      "{% macro cents_to_dollars(col, scale=2) %}({{ col }} / 100)::numeric(16, {{ scale }}){% endmacro %}\n",
		"macros/properties.yml": "version: 2\nmacros:\n  - name: cents_to_dollars\n    description: Converts cents.\n    meta: {owner: finance}\n    arguments:\n      - name: col\n        type: column\n        description: The amount in cents.\n      - name: scale\n        description: Decimal places.\n  - name: no_such_macro\n    description: Nothing.\n",
		"models/m.sql":          "select {{ cents_to_dollars('x') }} as y from (select 1 as x)\n",
	})
	var warns []string
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Warn: func(s string) { warns = append(warns, s) }})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Manifest.Macros["macro.mp.cents_to_dollars"]
	if m == nil {
		t.Fatal("macro missing from manifest")
	}
	if m.Description != "Converts cents." {
		t.Errorf("description = %q", m.Description)
	}
	if m.Meta["owner"] != "finance" {
		t.Errorf("meta = %v", m.Meta)
	}
	want := []MacroArg{{Name: "col", Type: "column", Description: "The amount in cents."}, {Name: "scale", Description: "Decimal places."}}
	if len(m.Arguments) != len(want) {
		t.Fatalf("arguments = %v", m.Arguments)
	}
	for i, a := range m.Arguments {
		if a != want[i] {
			t.Errorf("argument %d = %#v, want %#v", i, a, want[i])
		}
	}
	obj := macroObj(m, 0)
	if got := fmt.Sprintf("%v", obj); !strings.Contains(got, "The amount in cents.") || !strings.Contains(got, "column") {
		t.Errorf("manifest object lacks the arguments: %s", got)
	}
	if other := p.Manifest.Macros["macro.dbt.generate_schema_name"]; other != nil && other.Description != "" {
		t.Errorf("undocumented macro got description %q", other.Description)
	}
	found := false
	for _, w := range warns {
		if strings.Contains(w, "properties.yml:") && strings.Contains(w, "no_such_macro") {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning for the unknown macro, warnings: %q", warns)
	}
}
