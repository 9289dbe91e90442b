package compiler

import (
	"context"
	"strings"
	"testing"
)

// TestMacroSeesNodeNamespace checks that a macro's unprefixed names resolve in the rendered
// node's namespace, never in the macro's own file or package: dbt compiles each macro from
// its own text (dbt-core clients/jinja.py MacroGenerator.get_template) and runs it with the
// node's context, whose namespace searches the node's package, the root project, package
// names, then the internal macros (dbt-core context/macros.py MacroNamespace._search_order).
func TestMacroSeesNodeNamespace(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": "name: ms\nprofile: ms\n",
		// A root override of a non-dispatched built-in wins over the built-in that the
		// built-in default__get_create_table_as_sql calls.
		"macros/over.sql": "{% macro create_table_as(temporary, relation, compiled_code, language='sql') %}root-cta{% endmacro %}\n" +
			"{% macro helper() %}root-helper{% endmacro %}\n",
		"models/m.sql":                    "select '{{ get_create_table_as_sql(False, this, 'select 1') }}' as a, '{{ pk.outer() }}' as b\n",
		"dbt_packages/pk/dbt_project.yml": "name: pk\n",
		"dbt_packages/pk/models/pm.sql":   "select '{{ pk.outer() }}' as b, '{{ pk.solo() }}' as c\n",
		// outer calls helper unprefixed: the root's from a root model, the package's
		// from a package model (dbt: local namespace first, then the root project).
		"dbt_packages/pk/macros/m.sql": `{% set file_level = 'file-level' %}
{% macro outer() %}{{ helper() }}{% endmacro %}
{% macro helper() %}pk-helper{% endmacro %}
{% macro solo() %}{{ sibling_only() }}{% endmacro %}
{% macro sibling_only() %}pk-sibling{% endmacro %}
{% macro top() %}{{ file_level }}{% endmacro %}
`,
	})
	p, err := Load(Options{ProjectDir: dir})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	for id, want := range map[string]string{
		"model.ms.m":  "select 'root-cta' as a, 'root-helper' as b",
		"model.pk.pm": "select 'pk-helper' as b, 'pk-sibling' as c",
	} {
		sql, err := p.Compile(context.Background(), nil, p.Manifest.Nodes[id])
		if err != nil {
			t.Fatalf("compile %s: %v", id, err)
		}
		if strings.TrimSpace(sql) != want {
			t.Errorf("%s: got  %q\nwant %q", id, strings.TrimSpace(sql), want)
		}
	}
	// From a root node the package's sibling macro is not in the namespace: dbt fails
	// with 'sibling_only' is undefined, and so does gdbt, instead of finding it in the file.
	if _, err := p.CompileInline(context.Background(), nil, "{{ pk.solo() }}"); err == nil || !strings.Contains(err.Error(), "'sibling_only' is undefined") {
		t.Errorf("root caller of pk.solo: err = %v", err)
	}
	// A macro file's top-level set is not part of any macro (dbt keeps only macro_sql).
	out, err := p.CompileInline(context.Background(), nil, "[{{ pk.top() }}]")
	if err != nil || strings.TrimSpace(out) != "[]" {
		t.Errorf("pk.top(): %q, %v; want [] (file_level undefined)", out, err)
	}
}

// TestRunOperationNamespace checks run-operation's namespace as dbt builds it: the search
// package is the one named before the dot, or none for an unprefixed name (dbt-core
// task/run_operation.py _get_macro_parts passes package_name=None, and
// context/macros.py MacroNamespaceBuilder then has no local namespace: the root project's
// macros come first), never the package the macro was found in.
func TestRunOperationNamespace(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, map[string]string{
		"dbt_project.yml":                 "name: ro\nprofile: ro\n",
		"macros/over.sql":                 "{% macro helper() %}root-helper{% endmacro %}\n",
		"dbt_packages/pk/dbt_project.yml": "name: pk\n",
		"dbt_packages/pk/macros/m.sql": `{% macro outer() %}{{ helper() }}{% endmacro %}
{% macro helper() %}pk-helper{% endmacro %}
{% macro solo() %}{{ sibling_only() }}{% endmacro %}
{% macro sibling_only() %}pk-sibling{% endmacro %}
`,
	})
	p, err := Load(Options{ProjectDir: dir})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	for macro, want := range map[string]string{
		"outer":    "root-helper", // found in pk, but the root project's helper wins
		"pk.outer": "pk-helper",   // pk is the search package: its own helper first
		"pk.solo":  "pk-sibling",
	} {
		v, err := p.RunOperation(context.Background(), nil, macro, nil)
		if got, _ := v.(string); err != nil || strings.TrimSpace(got) != want {
			t.Errorf("run-operation %s: %q, %v; want %q", macro, v, err, want)
		}
	}
	// The macro's unique id, which run_results.json records for the operation.
	for macro, want := range map[string]string{"outer": "macro.pk.outer", "helper": "macro.ro.helper", "pk.helper": "macro.pk.helper",
		"generate_schema_name": "macro.dbt.generate_schema_name", "no_such": ""} {
		if got, ok := p.OperationMacroID(macro); got != want || ok != (want != "") {
			t.Errorf("OperationMacroID(%s) = %q, %v; want %q", macro, got, ok, want)
		}
	}
	if _, err := p.RunOperation(context.Background(), nil, "solo", nil); err == nil || !strings.Contains(err.Error(), "'sibling_only' is undefined") {
		t.Errorf("run-operation solo: err = %v; want 'sibling_only' is undefined, as dbt", err)
	}
}
