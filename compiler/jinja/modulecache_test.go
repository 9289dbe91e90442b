package jinja

import "testing"

// TestBoundMacrosShareModule: macros of one template bound to one Context run the
// template's top level once between them (a materialization calls a dozen macros of one
// file per node); bound to another Context, it runs again, and the top-level names are seen
// by every macro of the file.
func TestBoundMacrosShareModule(t *testing.T) {
	env := NewEnv()
	tmpl, err := env.Parse("m.sql", `{% set top = tick() %}{% macro a() %}a{{ top }}{% endmacro %}{% macro b() %}b{{ top }}{{ a() }}{% endmacro %}`)
	if err != nil {
		t.Fatal(err)
	}
	ticks := 0
	tick := Func(func(*Call, []Value, []KeywordArg) (Value, error) { ticks++; return int64(ticks), nil })
	ms := tmpl.Macros()
	ctx := &Context{Vars: map[string]Value{"tick": tick}}
	for _, m := range ms {
		if _, err := m.Bind(env, ctx).CallJinja(nil, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if ticks != 1 {
		t.Errorf("the top level ran %d times for two macros bound to one context, want 1", ticks)
	}
	v, err := ms[1].Bind(env, ctx).CallJinja(nil, nil, nil)
	if err != nil || v != "b1a1" {
		t.Errorf("b() = %q, %v; want b1a1", v, err)
	}
	other := &Context{Vars: map[string]Value{"tick": tick}}
	if v, err := ms[0].Bind(env, other).CallJinja(nil, nil, nil); err != nil || v != "a2" || ticks != 2 {
		t.Errorf("in another context a() = %q, %v with %d ticks; want a2 and 2", v, err, ticks)
	}
}
