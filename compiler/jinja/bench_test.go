package jinja

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The benchmark template and context live in bench/jinja, shared with bench.py, which
// times Python's Jinja2 on the same input (see bench/jinja/README.md).
const benchDir = "../../bench/jinja/"

func benchInput(tb testing.TB) (string, *Context) {
	tb.Helper()
	src, err := os.ReadFile(benchDir + "template.sql")
	if err != nil {
		tb.Skip("bench template missing: ", err)
	}
	ctxJSON, err := os.ReadFile(benchDir + "context.json")
	if err != nil {
		tb.Skip("bench context missing: ", err)
	}
	return string(src), &Context{Vars: varsOf(decodeJSON(tb, string(ctxJSON)))}
}

// TestBenchTemplateMatchesPython keeps the benchmark honest: the template it times must
// render byte-identical to Jinja2.
func TestBenchTemplateMatchesPython(t *testing.T) {
	src, ctx := benchInput(t)
	if err := exec.Command("python3", "-c", "import jinja2").Run(); err != nil {
		t.Skip("python3 with jinja2 not available")
	}
	want, err := exec.Command("python3", benchDir+"bench.py", "--print").Output()
	if err != nil {
		t.Fatal(err)
	}
	env := NewEnv()
	tmpl, err := env.Parse("template.sql", src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tmpl.Render(env, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("bench template differs from Jinja2:\n got %q\nwant %q", got, want)
	}
}

func BenchmarkParse(b *testing.B) {
	src, _ := benchInput(b)
	env := NewEnv()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := env.Parse("template.sql", src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	src, ctx := benchInput(b)
	env := NewEnv()
	tmpl, err := env.Parse("template.sql", src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tmpl.Render(env, ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRender(b *testing.B) {
	src, ctx := benchInput(b)
	env := NewEnv()
	b.ReportAllocs()
	for b.Loop() {
		tmpl, err := env.Parse("template.sql", src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tmpl.Render(env, ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderLargeFile calls a macro defined at the end of a large macro file (dbt's
// adapter macro files run to tens of kilobytes) from a loop: the cost of a call must not
// grow with the file's size.
func BenchmarkRenderLargeFile(b *testing.B) {
	var src strings.Builder
	for i := range 2000 {
		src.WriteString("{% macro filler" + itoa(i) + "(x) %}select {{ x }} from t{% endmacro %}\n")
	}
	src.WriteString("{% macro q(x) %}\"{{ x }}\"{% endmacro %}{% for i in range(200) %}{{ q(i) }},{% endfor %}")
	env := NewEnv()
	tmpl, err := env.Parse("macros.sql", src.String())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tmpl.Render(env, nil); err != nil {
			b.Fatal(err)
		}
	}
}
