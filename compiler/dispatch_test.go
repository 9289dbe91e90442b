package compiler

import (
	"context"
	"strings"
	"testing"
)

// TestDispatchNamespaceNotAPackage checks dbt's rule for adapter.dispatch with a
// macro_namespace that names no package and has no dispatch: config: the namespace is
// ignored and the flat macro namespace is searched: the rendered node's package first, then
// the root project, then the built-ins (core/dbt/context/providers.py _get_search_packages,
// core/dbt/context/macros.py MacroNamespace). A package namespace still searches the root
// project before the package.
func TestDispatchNamespaceNotAPackage(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, map[string]string{
		"dbt_project.yml":                 "name: dn\nprofile: dn\n",
		"models/m.sql":                    "select '{{ pk.whisper() }}' as b\n",
		"dbt_packages/pk/models/pm.sql":   "select '{{ pk.shout() }}' as a, '{{ pk.whisper() }}' as b\n",
		"macros/root.sql":                 "{% macro default__whisper() %}root-whisper{% endmacro %}\n",
		"dbt_packages/pk/dbt_project.yml": "name: pk\n",
		"dbt_packages/pk/macros/m.sql": `{% macro shout() %}{{ adapter.dispatch('shout', 'pk_helpers')() }}{% endmacro %}
{% macro default__shout() %}pk-shout{% endmacro %}
{% macro whisper() %}{{ adapter.dispatch('whisper', 'pk')() }}{% endmacro %}
{% macro default__whisper() %}pk-whisper{% endmacro %}
`,
	})
	p, err := Load(Options{ProjectDir: dir})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	for id, want := range map[string]string{
		"model.pk.pm": "select 'pk-shout' as a, 'root-whisper' as b",
		"model.dn.m":  "select 'root-whisper' as b",
	} {
		sql, err := p.Compile(context.Background(), nil, p.Manifest.Nodes[id])
		if err != nil {
			t.Fatalf("compile %s: %v", id, err)
		}
		if strings.TrimSpace(sql) != want {
			t.Errorf("%s: got  %q\nwant %q", id, strings.TrimSpace(sql), want)
		}
	}
	// From a root model the package's default__shout is not in the flat namespace: dbt fails.
	_, err = p.CompileInline(context.Background(), nil, "{{ pk.shout() }}")
	if err == nil || !strings.Contains(err.Error(), "No macro named 'shout' found within namespace: 'pk_helpers'") {
		t.Errorf("root caller: err = %v", err)
	}
	_, err = p.CompileInline(context.Background(), nil, "{{ adapter.dispatch('nowhere', 'no_pkg')() }}")
	if err == nil || !strings.Contains(err.Error(), "No macro named 'nowhere' found within namespace: 'no_pkg'") {
		t.Errorf("missing macro: err = %v", err)
	}
}

// TestDispatchRefusals checks the two calls dbt's dispatch refuses: a dotted macro name and
// the deprecated packages argument (core/dbt/context/providers.py dispatch).
func TestDispatchRefusals(t *testing.T) {
	p := loadCase(t, "features", Options{})
	expectInlineErrors(t, p, []inlineCase{
		{"{{ adapter.dispatch('util.greet')() }}", "Did you mean `adapter.dispatch(\"greet\", macro_namespace=\"util\")`?"},
		{"{{ adapter.dispatch('greet', packages=['util'])() }}", "\"packages\" argument of adapter.dispatch() has been deprecated"},
	})
}
