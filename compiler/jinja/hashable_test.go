package jinja

import (
	"strings"
	"testing"
)

// named is a host object that hashes by value (its name), like a Relation with Hasher.
type named struct{ n string }

func (v *named) Attr(string) (Value, bool) { return nil, false }
func (v *named) JinjaString() string       { return v.n }
func (v *named) JinjaHash() any            { return v.n }
func (v *named) JinjaBinary(op string, other Value, _ bool) (Value, bool, error) {
	if o, ok := other.(*named); ok && op == "==" {
		return v.n == o.n, true, nil
	}
	return nil, false, nil
}

// badHash returns an uncomparable hash value, which must be unhashable, not a panic.
type badHash struct{}

func (badHash) Attr(string) (Value, bool) { return nil, false }
func (badHash) JinjaHash() any            { return []int{1} }

// TestHashHostObjects: identity hashing for plain pointer host objects, value hashing
// through Hasher, and host keys kept apart from the str of the same text.
func TestHashHostObjects(t *testing.T) {
	r1 := &relation{"s", "a"}
	r2 := &relation{"s", "a"} // same text, distinct object: a different key (identity)
	vars := map[string]Value{
		"r1": r1, "r2": r2, "r1again": r1,
		"n1": &named{"x"}, "n2": &named{"x"}, "n3": &named{"y"},
	}
	for _, c := range []struct{ src, want string }{
		{"{% set d = {} %}{% do d.update({r1: [1]}) %}{% do d.update({r2: [2]}) %}{{ d | length }}|{{ d[r1again] }}|{{ d[r2] }}", "2|[1]|[2]"},
		{"{% set d = {r1: 1} %}{{ r1 in d }}/{{ r2 in d }}/{{ 's.a' in d }}", "True/False/False"},
		{"{% set d = {n1: 'first'} %}{% do d.update({n2: 'second'}) %}{{ d | length }}|{{ d[n1] }}|{{ n3 in d }}|{{ 'x' in d }}", "1|second|False|False"},
		{"{% set d = {(r1, 1): 'a', (r2, 1): 'b'} %}{{ d | length }}|{{ d[(r1again, 1)] }}", "2|a"},
		{"{% set d = {(n1, 1): 'a'} %}{{ d[(n2, 1)] }}", "a"},
		{"{{ [r1, r2, r1again] | unique | list | length }}", "2"},
		{"{% set d = {r1: 1, r2: 2} %}{% do d.pop(r1) %}{{ d | length }}|{{ d[r2] }}", "1|2"},
	} {
		got, err := renderVars(t, c.src, vars)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s\n got %q\nwant %q", c.src, got, c.want)
		}
	}
	for _, src := range []string{"{{ {b: 1} }}", "{{ b in {} }}"} {
		_, err := renderVars(t, src, map[string]Value{"b": badHash{}})
		if err == nil || !strings.Contains(err.Error(), "unhashable type") {
			t.Errorf("%s: error %v, want unhashable type", src, err)
		}
	}
}

func renderVars(t *testing.T, src string, vars map[string]Value) (string, error) {
	t.Helper()
	env := NewEnv()
	tpl, err := env.Parse("t", src)
	if err != nil {
		t.Fatalf("%s: parse: %v", src, err)
	}
	return tpl.Render(env, &Context{Vars: vars})
}
