package jinja

import (
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
