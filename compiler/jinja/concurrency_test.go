package jinja

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentRender: one parsed template renders from many goroutines (run with -race).
func TestConcurrentRender(t *testing.T) {
	env := NewEnv()
	tmpl, err := env.Parse("t.sql", "{% macro m(x) %}{% set l = [] %}{% for i in range(x) %}{% do l.append(i * 2) %}{% endfor %}{{ l|join(',') }}{% endmacro %}{{ m(n) }}|{{ {'a': n}|tojson }}")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				out, err := tmpl.Render(env, &Context{Vars: map[string]Value{"n": int64(g)}})
				if err != nil {
					t.Error(err)
					return
				}
				want := ""
				for j := 0; j < g; j++ {
					if j > 0 {
						want += ","
					}
					want += itoa(j * 2)
				}
				want += `|{"a": ` + itoa(g) + `}`
				if out != want {
					t.Errorf("goroutine %d: got %q want %q", g, out, want)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

// fileLoader serves in-memory templates to include and import.
type fileLoader map[string]string

// Load implements Loader.
func (f fileLoader) Load(name string) (string, string, error) {
	src, ok := f[name]
	if !ok {
		return "", "", errors.New("template " + name + " not found")
	}
	return src, name, nil
}

// TestConcurrentBoundRender mirrors the compiler: one Env and one parsed library and model,
// rendered from many goroutines, each with its own Context whose macros are Bind()s of the
// shared library (top-level sets cached per binding), plus include, import, call blocks,
// loops, namespaces and host Returns. Run with -race.
func TestConcurrentBoundRender(t *testing.T) {
	env := hostEnv()
	env.Loader = fileLoader{
		"inc.sql":    "[inc {{ n }}{% set hidden = 1 %}]",
		"helper.sql": "{% set base = 100 %}{% macro plus(x) %}{{ x + base }}{% endmacro %}",
	}
	lib, err := env.Parse("lib.sql", `{% set suffix = '_' ~ 'x' %}
{% macro name_of(i) %}{{ return('col' ~ i ~ suffix) }}{% endmacro %}
{% macro cols(n) %}{% for i in range(n) %}{{ name_of(i) }}{{ caller(i) if caller is defined }}{{ ', ' if not loop.last }}{% endfor %}{% endmacro %}`)
	if err != nil {
		t.Fatal(err)
	}
	model, err := env.Parse("model.sql", `{% import 'helper.sql' as h %}{% set ns = namespace(total=0) %}
{%- for i in range(n) %}{% set ns.total = ns.total + i %}{% endfor -%}
select {% call(i) cols(n) %}:{{ i * n }}{% endcall %} {{ ns.total }} {{ h.plus(n) }} {% include 'inc.sql' %} {{ {'n': n, 'l': [n] * 2}|tojson }}`)
	if err != nil {
		t.Fatal(err)
	}
	render := func(n int) (string, error) {
		ctx := &Context{Vars: map[string]Value{"n": int64(n)}}
		for _, m := range lib.Macros() {
			ctx.Vars[m.Name] = m.Bind(env, ctx)
		}
		return model.Render(env, ctx)
	}
	want := make([]string, 6)
	for n := range want {
		out, err := render(n)
		if err != nil {
			t.Fatal(err)
		}
		want[n] = out
	}
	if !strings.Contains(want[2], "select col0_x:0, col1_x:2 1 102 [inc 2]") {
		t.Fatalf("unexpected sequential output %q", want[2])
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				n := (g + i) % len(want)
				out, err := render(n)
				if err != nil {
					t.Error(err)
					return
				}
				if out != want[n] {
					t.Errorf("n=%d: got %q want %q", n, out, want[n])
					return
				}
			}
		}()
	}
	wg.Wait()
}
