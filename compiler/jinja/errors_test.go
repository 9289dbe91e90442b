package jinja

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrorsCollected(t *testing.T) {
	src := "{% macro a() %}{{ 1 + }}{% endmacro %}\n" +
		"{% macro b() %}{% if %}{% endif %}{% endmacro %}\n" +
		"{% macro c() %}ok{% endmacro %}\n" +
		"{% macro d() %}{% for x in %}{% endfor %}{% endmacro %}\n"
	_, err := NewEnv().Parse("macros/m.sql", src)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("want ErrorList, got %T %v", err, err)
	}
	var pos []string
	for _, e := range list {
		pos = append(pos, e.File+":"+itoa(e.Line)+":"+itoa(e.Col))
	}
	if got := strings.Join(pos, " "); got != "macros/m.sql:1:23 macros/m.sql:2:22 macros/m.sql:4:28" {
		t.Errorf("error positions %q\n%v", got, err)
	}
	if !strings.HasPrefix(err.Error(), "macros/m.sql:1:23: ") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestParseErrorMessages(t *testing.T) {
	tests := []struct{ src, want string }{
		{"{% if true %}x", "t.sql:1:15: unexpected end of template, expected 'elif' or 'else' or 'endif'; the innermost block that needs to be closed is 'if'"},
		{"{% for x in y %}{% endif %}", "t.sql:1:20: encountered unknown tag 'endif'"},
		{"{% frob %}", "t.sql:1:4: encountered unknown tag 'frob'"},
		{"{{ x", "t.sql:1:1: unexpected end of template, expected end of print statement"},
		{"a\n{{ 'x' | nosuch }}", "t.sql:2:10: no filter named 'nosuch'"},
		{"{% break %}", "t.sql:1:4: 'break' outside loop"},
		{"{% set 1 = 2 %}", "t.sql:1:8: can't assign to 'const'"},
		{"{{ (1 }}", "t.sql:1:7: unexpected '}'"},
		{"{# open", "t.sql:1:1: missing end of comment tag"},
		{"{% macro m(a=1, b) %}{% endmacro %}", "t.sql:1:17: non-default argument follows default argument"},
	}
	for _, tc := range tests {
		_, err := NewEnv().Parse("t.sql", tc.src)
		if err == nil {
			t.Errorf("%q: no error", tc.src)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q:\n got %q\nwant %q", tc.src, err.Error(), tc.want)
		}
	}
}

func TestRuntimeErrorMessages(t *testing.T) {
	tests := []struct{ src, want string }{
		{"{{ x.y }}", "t.sql:1:4: 'x' is undefined"},
		{"{{ {}.a.b }}", "t.sql:1:4: 'dict object' has no attribute 'a'"},
		{"{{ 1 + 'a' }}", "t.sql:1:6: unsupported operand type(s) for +: 'int' and 'str'"},
		{"{{ 'a' + 1 }}", "t.sql:1:8: can only concatenate str (not \"int\") to str"},
		{"\n {{ 1 // 0 }}", "t.sql:2:7: integer division or modulo by zero"},
		{"{{ nope() }}", "t.sql:1:4: 'nope' is undefined"},
		{"{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}", "t.sql:1:34: macro 'm' takes not more than 1 argument(s)"},
		{"{% macro m() %}{% endmacro %}{{ m(k=1) }}", "t.sql:1:33: macro 'm' takes no keyword argument 'k'"},
		{"{{ [1, 'a']|sort }}", "t.sql:1:13: '<' not supported between instances of 'str' and 'int'"},
		{"{% for a, b in [1] %}{% endfor %}", "t.sql:1:8: cannot unpack non-iterable int object"},
		{"{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "t.sql:1:19: maximum recursion depth exceeded"},
		{"{% macro inner() %}{{ 1 / 0 }}{% endmacro %}{% macro outer() %}\n{{ inner() }}{% endmacro %}{{ outer() }}",
			"t.sql:1:25: division by zero\n  in macro inner (t.sql:1:1) called from t.sql:2:4\n  in macro outer (t.sql:1:45) called from t.sql:2:31"},
	}
	for _, tc := range tests {
		env := NewEnv()
		tmpl, err := env.Parse("t.sql", tc.src)
		if err != nil {
			t.Errorf("%q: parse: %v", tc.src, err)
			continue
		}
		_, err = tmpl.Render(env, nil)
		if err == nil {
			t.Errorf("%q: no error", tc.src)
			continue
		}
		got := err.Error()
		if i := strings.Index(got, "\n  in macro f"); i >= 0 {
			got = got[:i] // the recursion case has 300 frames
		}
		if got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

func TestUndefinedErrorsWrap(t *testing.T) {
	env := NewEnv()
	tmpl, _ := env.Parse("t.sql", "{{ missing.attr }}")
	_, err := tmpl.Render(env, nil)
	if !errors.Is(err, ErrUndefined) {
		t.Errorf("errors.Is(err, ErrUndefined) = false for %v", err)
	}
}

// TestNoPanicOnHostPanic: a host function that panics is reported as an error.
func TestNoPanicOnHostPanic(t *testing.T) {
	env := NewEnv()
	env.Globals["bad"] = Func(func(*Call, []Value, []KeywordArg) (Value, error) {
		var m map[string]int
		m["x"] = 1
		return nil, nil
	})
	tmpl, _ := env.Parse("t.sql", "a\n{{ bad() }}")
	_, err := tmpl.Render(env, nil)
	if err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Errorf("want internal error, got %v", err)
	}
}
