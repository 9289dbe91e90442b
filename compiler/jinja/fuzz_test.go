package jinja

// Fuzz targets for the lexer/parser and for the evaluator, and the robustness checks that
// go with them: bad input must produce an error with a position inside the source, never a
// panic, a hang or a crash. Run briefly, e.g.:
//
//	go test ./compiler/jinja -run '^$' -fuzz FuzzParse -fuzztime 60s
//	go test ./compiler/jinja -run '^$' -fuzz FuzzRender -fuzztime 60s
//
// Crashers are saved by Go under testdata/fuzz/<Target>/ and then run as regression cases
// by a plain go test.

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	// fuzzMaxParse bounds FuzzParse inputs: long enough for real macros.
	fuzzMaxParse = 4096
	// fuzzMaxRender bounds FuzzRender inputs; with the filters in renderable, a template
	// this short cannot ask for more than about 10^6 loop iterations or bytes.
	fuzzMaxRender = 256
	// fuzzRenderTimeout is far more than any accepted input needs, even on a loaded machine.
	fuzzRenderTimeout = 5 * time.Second
)

// fuzzSeeds are the oracle templates plus some dbt-shaped and broken snippets.
func fuzzSeeds(f *testing.F) []string {
	var seeds []string
	for _, c := range loadOracleCases(f) {
		seeds = append(seeds, c.Template)
	}
	seeds = append(seeds,
		"{% materialization table, adapter='duckdb' %}{{ return(1) }}{% endmaterialization %}",
		"{% test not_null(model, column_name) %}select * from {{ model }} where {{ column_name }} is null{% endtest %}",
		"{% docs orders %}# Orders{% enddocs %}",
		"{% snapshot s %}{{ config(unique_key='id') }} select 1{% endsnapshot %}",
		"{{ ref('a') }}{{ source('s', 't') }}{{ config(materialized='table') }}",
		"{% if x %}", "{{", "{%", "{#", "}}", "{{ 'a", "{{ (((( }}", "{% for %}", "\x00{{\xff}}",
		"{%- raw -%}{{ x }}", "{% set a, = 1 %}", "{{ a[::] }}", "{{ x is not }}",
		"{% macro m(a=1, *args) %}{% endmacro %}", "{{ f(**{}, *[]) }}", "{{ -7 // 0 }}",
	)
	return seeds
}

// checkErrorPositions fails t unless err is a *Error or an ErrorList whose positions lie
// inside the source of the file they name (line 1.., column 1..len(line)+1). srcs maps the
// file names the error may name to their text.
func checkErrorPositions(t *testing.T, srcs map[string]string, err error) {
	t.Helper()
	var list ErrorList
	var one *Error
	switch {
	case errors.As(err, &list):
		if len(list) == 0 {
			t.Fatalf("empty ErrorList returned as an error")
		}
	case errors.As(err, &one):
		list = ErrorList{one}
	default:
		t.Fatalf("error is %T, not *Error or ErrorList (no position): %v", err, err)
	}
	for _, e := range list {
		if e == nil {
			t.Fatalf("nil *Error in an ErrorList")
		}
		src, ok := srcs[e.File]
		if !ok {
			t.Fatalf("error names file %q, not one of the templates: %v", e.File, e)
		}
		lines := strings.Split(src, "\n")
		if e.Line < 1 || e.Line > len(lines) {
			t.Fatalf("error line %d outside the source's %d lines: %v\nsource: %q", e.Line, len(lines), e, src)
		}
		if max := len(lines[e.Line-1]) + 1; e.Col < 1 || e.Col > max {
			t.Fatalf("error column %d outside line %d (1..%d): %v\nsource: %q", e.Col, e.Line, max, e, src)
		}
		if e.Msg == "" {
			t.Errorf("error without a message at %s:%d:%d", e.File, e.Line, e.Col)
		}
		if want := fmt.Sprintf("%s:%d:%d: ", e.File, e.Line, e.Col); !strings.HasPrefix(e.Error(), want) {
			t.Errorf("error text %q does not start with %q", e.Error(), want)
		}
	}
}

// TestErrorPositions: wherever Jinja2 rejects an oracle case and the engine does too, the
// engine's error names a file, line and column inside the template (checked-in answers,
// so it runs without Python).
func TestErrorPositions(t *testing.T) {
	expected := readExpected(t)
	for _, c := range loadOracleCases(t) {
		want, ok := expected.Results[c.Name]
		if !ok || want.Out != nil || want.Input != c.inputHash() {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			got := renderCase(c)
			if got.err == nil {
				t.Skip("the engine accepts this case (TestOracle reports it)")
			}
			srcs := map[string]string{c.Name: c.Template}
			for name, src := range c.Files {
				srcs[name] = src
			}
			checkErrorPositions(t, srcs, got.err)
		})
	}
}

// FuzzParse: any input parses or fails with positioned errors; it never panics or hangs.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > fuzzMaxParse {
			t.Skip()
		}
		env := NewEnv()
		env.Tags = dbtTags()
		dbtFilters(env)
		var tmpl *Template
		var err error
		finished := within(fuzzRenderTimeout, func() { tmpl, err = env.Parse("fuzz.sql", src) })
		if !finished {
			t.Fatalf("Parse did not finish in %v: %q", fuzzRenderTimeout, src)
		}
		if err != nil {
			checkErrorPositions(t, map[string]string{"fuzz.sql": src}, err)
			return
		}
		if tmpl == nil {
			t.Fatalf("Parse returned neither a template nor an error for %q", src)
		}
		// The read-only API over the AST must not panic either.
		n := 0
		Walk(tmpl.Root(), func(any) bool { n++; return true })
		tmpl.Macros()
		tmpl.Blocks()
	})
}

// within runs fn in a goroutine and reports whether it returned within d. A panic in fn is
// re-raised here, so the fuzzer records it. On a timeout the goroutine is abandoned: the
// caller fails the test, which ends the process.
func within(d time.Duration, fn func()) bool {
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		fn()
	}()
	select {
	case p := <-done:
		if p != nil {
			panic(p)
		}
		return true
	case <-time.After(d):
		return false
	}
}

// renderable rejects inputs that could legitimately run for a long time or allocate
// without bound (range(10**9), 'x' * 999 * 999 * 999, deeply nested loops): Jinja2 would
// do the same, so they are not engine bugs. What stays still exercises every construct.
func renderable(src string) bool {
	if len(src) > fuzzMaxRender || strings.Count(src, "*") > 2 || strings.Count(src, "for") > 2 ||
		strings.Count(src, "macro") > 2 || strings.Count(src, "recursive") > 0 || strings.Count(src, "loop(") > 0 {
		return false
	}
	digits := 0
	for i := 0; i < len(src); i++ {
		if src[i] >= '0' && src[i] <= '9' {
			digits++
			if digits > 3 {
				return false
			}
		} else {
			digits = 0
		}
	}
	return true
}

// fuzzContext is the fixed context FuzzRender renders with.
const fuzzContext = `{"n": 3, "f": 1.5, "s": "str", "b": true, "z": null, "l": [1, "two", [3]],
 "d": {"a": 1, "b": [1, 2], "c": {"x": "y"}}, "cols": [{"name": "id"}, {"name": "amount"}]}`

// FuzzRender: parse and render with a small fixed context; any outcome but a panic, a
// crash or a hang is fine.
func FuzzRender(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		if renderable(s) {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		if !renderable(src) {
			t.Skip()
		}
		env := NewEnv()
		env.Tags = dbtTags()
		dbtFilters(env)
		var tmpl *Template
		var err error
		if !within(fuzzRenderTimeout, func() { tmpl, err = env.Parse("fuzz.sql", src) }) {
			t.Fatalf("Parse did not finish in %v: %q", fuzzRenderTimeout, src)
		}
		if err != nil {
			return
		}
		// Render twice, each time with a fresh context (templates may mutate it): the
		// output must not depend on map order or leftover state.
		var outs [2]string
		var errs [2]error
		for i := range outs {
			vars, err := contextVars(fuzzContext)
			if err != nil {
				t.Fatal(err)
			}
			var panicked any
			finished := within(fuzzRenderTimeout, func() {
				defer func() { panicked = recover() }()
				outs[i], errs[i] = tmpl.Render(env, &Context{Vars: vars})
			})
			if !finished {
				t.Fatalf("Render did not finish in %v (no render limit?): %q", fuzzRenderTimeout, src)
			}
			if panicked != nil {
				t.Fatalf("Render panicked: %v\nsource: %q", panicked, src)
			}
		}
		if outs[0] != outs[1] || (errs[0] == nil) != (errs[1] == nil) {
			t.Fatalf("two renders differ: %q (%v) then %q (%v)\nsource: %q", outs[0], errs[0], outs[1], errs[1], src)
		}
	})
}

// recursionChildEnv marks the child process of TestMacroRecursionLimit.
const recursionChildEnv = "GDBT_JINJA_RECURSION_CHILD"

// runawayTemplates recurse without end; Jinja2 raises RecursionError for each. A Go engine
// without a depth limit overflows its stack, which kills the process (it cannot be
// recovered), so they run in a child process.
var runawayTemplates = []string{
	"{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
	"{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
	"{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}",
	"{% macro f() %}{% call f() %}x{% endcall %}{% endmacro %}{{ f() }}",
	"{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
}

// hugeTemplates ask for more memory than exists (10^15 items, beyond what Go can even
// request, so nothing is really allocated); Jinja2 raises MemoryError or OverflowError. The
// engine must return an error, not panic or die.
var hugeTemplates = []string{
	"{{ 'x' * 10 ** 15 }}",
	"{{ [0] * 10 ** 15 }}",
	"{{ 'x'.center(10 ** 15) }}",
	"{{ 'ab' | center(10 ** 15) }}",
	"{{ '%*d' % (10 ** 15, 1) }}",
	"{{ '{:>1000000000000000}'.format(1) }}",
	"{{ 'x' | indent(10 ** 15) }}",
}

// TestHugeAllocations: see hugeTemplates. Runs in a child process, since an engine that
// tries the allocation dies with a fatal, unrecoverable error.
func TestHugeAllocations(t *testing.T) {
	if os.Getenv(recursionChildEnv) == "huge" {
		for i, src := range hugeTemplates {
			env := NewEnv()
			tmpl, err := env.Parse("huge.sql", src)
			if err != nil {
				continue // rejecting it early is fine too
			}
			out, err := func() (out string, err error) {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
						t.Errorf("case %d: %s panics: %v", i, src, r)
					}
				}()
				return tmpl.Render(env, nil)
			}()
			if err == nil {
				t.Errorf("case %d: %s rendered %d bytes without error", i, src, len(out))
			}
		}
		return
	}
	runChild(t, "TestHugeAllocations", "huge", "templates asking for 10^15 items are not reported as errors (Jinja2 raises MemoryError)")
}

// runChild reruns the test binary for one test with recursionChildEnv=mode, and fails t
// with what with the child's output if the child fails or crashes.
func runChild(t *testing.T, test, mode, what string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a child process")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(exe, "-test.run=^"+test+"$", "-test.v")
	cmd.Env = append(os.Environ(), recursionChildEnv+"="+mode)
	out, err := cmd.CombinedOutput()
	if err != nil {
		report := string(out)
		if i := strings.Index(report, "\ngoroutine "); i > 0 {
			report = report[:i] + "\n[goroutine dump cut]"
		}
		if len(report) > 4000 {
			report = report[:4000] + "…"
		}
		t.Errorf("%s: %v\n%s", what, err, report)
	}
}

// TestMacroRecursionLimit: endless macro recursion is an error, as Jinja2's RecursionError,
// not a crash of the host process.
func TestMacroRecursionLimit(t *testing.T) {
	if os.Getenv(recursionChildEnv) == "recursion" {
		// Bound the damage of an unbounded recursion: a stack overflow at 256 MB instead of
		// Go's default 1 GB. A depth limit like Jinja2's needs far less.
		debug.SetMaxStack(256 << 20)
		for i, src := range runawayTemplates {
			env := NewEnv()
			tmpl, err := env.Parse("runaway.sql", src)
			if err != nil {
				t.Fatalf("case %d: parse: %v", i, err)
			}
			if _, err := tmpl.Render(env, nil); err == nil {
				t.Errorf("case %d: endless recursion rendered without error: %s", i, src)
			}
		}
		return
	}
	runChild(t, "TestMacroRecursionLimit", "recursion", "endless macro recursion is not reported as an error (Jinja2 raises RecursionError)")
}

// exprGen builds random Jinja expressions from a fixed grammar: literals of every type,
// operators, filters, tests, conditionals, subscripts and str methods. The growth of values
// is bounded (repetition and powers only by small literals, small depth) so that Python
// stays fast on every expression.
type exprGen struct{ r *rand.Rand }

var (
	genInts    = []string{"-7", "-2", "-1", "0", "1", "2", "3", "7", "10", "255"}
	genFloats  = []string{"0.5", "-2.5", "1.0", "0.1", "1e3", "2.675", "-0.0", "1e16", "3.14159"}
	genStrings = []string{"'a'", "'Ab c'", "''", `"x'y"`, "'é'", "'12'", "'3.5'", "' pad '", "'a,b'", "'ß'"}
	genConsts  = []string{"none", "true", "false", "nope", "l", "d", "s", "n", "f"}
	genBinops  = []string{"+", "-", "/", "//", "%", "~", "==", "!=", "<", ">", "<=", ">=", "and", "or", "in", "not in"}
	genFilters = []string{"abs", "string", "int", "float", "round", "round(1)", "length", "list", "first", "last",
		"upper", "lower", "title", "capitalize", "trim", "reverse | list", "sort", "unique | list", "join(',')",
		"sum", "min", "max", "tojson", "e", "default('d')", "d('d', true)", "center(5)", "indent(2)",
		"truncate(5)", "wordcount", "batch(2) | list", "slice(2) | list", "replace('a', 'b')", "dictsort",
		"items | list", "map('string') | list", "select | list", "reject('odd') | list", "count",
		"format(1)", "int(7)", "float(1.5)", "join('-', attribute='x')", "sort(reverse=true)", "string | length"}
	genTests = []string{"defined", "undefined", "none", "number", "string", "integer", "float", "sequence",
		"mapping", "iterable", "odd", "even", "divisibleby 3", "lower", "upper", "true", "false", "boolean",
		"eq 1", "in 'abc'", "callable", "sameas none"}
	genMethods = []string{"upper()", "lower()", "strip()", "split()", "split(',')", "replace('a', 'x')",
		"startswith('a')", "endswith('c')", "title()", "capitalize()", "find('b')", "count('a')",
		"zfill(4)", "center(6, '*')", "isdigit()", "format(1, 2)", "rjust(4)", "lstrip('a')", "partition(',')",
		"get('k')", "get('k', 0)", "keys() | list", "items() | list", "index(1)", "count(1)"}
)

// genContext is the context random expressions see (l, d, s, n, f; nope stays undefined).
const genContext = `{"l": [3, 1, "a", null], "d": {"k": 1, "b": [2]}, "s": "Hello, World", "n": 42, "f": -0.5}`

func (g *exprGen) pick(l []string) string { return l[g.r.IntN(len(l))] }

func (g *exprGen) expr(depth int) string {
	if depth <= 0 {
		return g.atom(0)
	}
	switch g.r.IntN(12) {
	case 0, 1:
		return g.atom(depth)
	case 2, 3:
		return "(" + g.expr(depth-1) + " " + g.pick(genBinops) + " " + g.expr(depth-1) + ")"
	case 4:
		return "(" + g.expr(depth-1) + " * " + g.pick([]string{"0", "1", "2", "3", "-1", "0.5", "true"}) + ")"
	case 5:
		return "(" + g.expr(depth-1) + " ** " + g.pick([]string{"0", "1", "2", "3", "-1"}) + ")"
	case 6:
		return "(" + g.pick([]string{"-", "not ", "+"}) + g.expr(depth-1) + ")"
	case 7, 8:
		return "(" + g.expr(depth-1) + " | " + g.pick(genFilters) + ")"
	case 9:
		neg := g.pick([]string{"", "not "})
		return "(" + g.expr(depth-1) + " is " + neg + g.pick(genTests) + ")"
	case 10:
		if g.r.IntN(3) == 0 {
			return "(" + g.expr(depth-1) + " if " + g.expr(depth-1) + ")"
		}
		return "(" + g.expr(depth-1) + " if " + g.expr(depth-1) + " else " + g.expr(depth-1) + ")"
	default:
		x := g.expr(depth - 1)
		switch g.r.IntN(3) {
		case 0:
			return x + "[" + g.pick([]string{"0", "1", "-1", "'k'", "5"}) + "]"
		case 1:
			return x + "[" + g.pick([]string{"1:", ":2", "::-1", "-2:", "1:3:2", "::2"}) + "]"
		default:
			return x + "." + g.pick(genMethods)
		}
	}
}

func (g *exprGen) atom(depth int) string {
	switch g.r.IntN(7) {
	case 0:
		return g.pick(genInts)
	case 1:
		return g.pick(genFloats)
	case 2:
		return g.pick(genStrings)
	case 3:
		return g.pick(genConsts)
	case 4:
		if depth > 0 {
			return "[" + g.expr(depth-1) + ", " + g.atom(0) + "]"
		}
		return "[]"
	case 5:
		if depth > 0 {
			return "{'k': " + g.expr(depth-1) + ", 'x': " + g.atom(0) + "}"
		}
		return "{}"
	default:
		return "(" + g.atom(0) + ", " + g.atom(0) + ")"
	}
}

// wsText are the text pieces between tags in random whitespace templates.
var wsText = []string{"", " ", "\n", "  \n  ", "x", "\t\n", " y \n\n", "\n\n  z", "a b"}

// open and close return a tag's delimiters with random whitespace control: "-" on either
// side, "+" on the left of statement tags (a no-op without lstrip_blocks, still parsed).
func (g *exprGen) open(kind string) string {
	switch g.r.IntN(4) {
	case 0:
		return kind + "-"
	case 1:
		if kind == "{%" {
			return kind + "+"
		}
	}
	return kind
}

func (g *exprGen) close(kind string) string {
	if g.r.IntN(3) == 0 {
		return "-" + kind
	}
	return kind
}

// stmt returns random template text: text and tags with random whitespace control around
// blocks, loops, macros, calls, comments and raw blocks.
func (g *exprGen) stmt(depth int) string {
	var b strings.Builder
	for n := 1 + g.r.IntN(4); n > 0; n-- {
		b.WriteString(g.pick(wsText))
		tag := func(body string) string { return g.open("{%") + " " + body + " " + g.close("%}") }
		inner := func() string {
			if depth > 0 {
				return g.stmt(depth - 1)
			}
			return g.pick(wsText)
		}
		switch g.r.IntN(9) {
		case 0:
			b.WriteString(g.open("{{") + " " + g.pick([]string{"1", "'v'", "none", "loop.index", "nope"}) + " " + g.close("}}"))
		case 1:
			b.WriteString(tag("if "+g.pick([]string{"true", "false", "nope"})) + inner())
			if g.r.IntN(2) == 0 {
				b.WriteString(tag("else") + inner())
			}
			b.WriteString(tag("endif"))
		case 2:
			b.WriteString(tag("for i in [1, 2]") + inner())
			if g.r.IntN(3) == 0 {
				b.WriteString(tag("if not loop.last") + "," + tag("endif"))
			}
			b.WriteString(tag("endfor"))
		case 3:
			b.WriteString(g.open("{#") + " c\n " + g.close("#}"))
		case 4:
			b.WriteString(tag("set v = 1"))
		case 5:
			b.WriteString(tag("set blk") + inner() + tag("endset") + "[" + g.open("{{") + " blk " + g.close("}}") + "]")
		case 6:
			b.WriteString(tag("raw") + " {{ r }} \n" + tag("endraw"))
		case 7:
			b.WriteString(tag("macro m()") + inner() + tag("endmacro") + g.open("{{") + " m() " + g.close("}}"))
		default:
			b.WriteString(tag("macro w()") + "<" + g.open("{{") + " caller() " + g.close("}}") + ">" + tag("endmacro"))
			b.WriteString(tag("call w()") + inner() + tag("endcall"))
		}
	}
	b.WriteString(g.pick(wsText))
	return b.String()
}

// TestOracleRandom is a differential test over random expressions and random templates
// mixing text, tags and whitespace control: each is rendered by live Python Jinja2 and by
// the engine, and must agree like a TestOracle case. The seed is
// fixed (GDBT_ORACLE_SEED overrides it, GDBT_ORACLE_RANDOM sets the count), so a failure
// reproduces; nothing is checked in, so it needs python3 with jinja2.
func TestOracleRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	if why := pythonUnavailable(); why != "" {
		t.Skipf("live Jinja2 oracle unavailable: %s", why)
	}
	seed, count := uint64(1), 150
	if v, err := strconv.ParseUint(os.Getenv("GDBT_ORACLE_SEED"), 10, 64); err == nil {
		seed = v
	}
	if v, err := strconv.Atoi(os.Getenv("GDBT_ORACLE_RANDOM")); err == nil && v > 0 {
		count = v
	}
	g := &exprGen{r: rand.New(rand.NewPCG(seed, 0x6764627400000000))}
	cases := make([]oracleCase, 2*count)
	for i := range cases {
		tmpl := "{{ " + g.expr(1+g.r.IntN(3)) + " }}"
		if i%2 == 1 {
			tmpl = g.stmt(2)
		}
		cases[i] = oracleCase{
			Name:     fmt.Sprintf("random/%d-%d", seed, i),
			Template: tmpl,
			Context:  genContext,
			File:     "random",
			Line:     i,
		}
	}
	oracle, err := runPython(cases)
	if err != nil {
		t.Fatal(err)
	}
	differ := 0
	for i, c := range cases {
		if testing.Verbose() && i < 6 {
			if r := oracle.Results[c.Name]; r.Out != nil {
				t.Logf("sample %s: %q -> %q", c.Name, c.Template, *r.Out)
			} else {
				t.Logf("sample %s: %q -> %s: %s", c.Name, c.Template, r.Error, r.Message)
			}
		}
		got := renderCase(c)
		if msg := compareCase(c, oracle.Results[c.Name], got); msg != "" {
			differ++
			t.Errorf("%s: %s", c.Name, msg)
		}
		if got.hung {
			t.Fatal("the engine hung; stopping")
		}
	}
	t.Logf("random expressions and whitespace templates (seed %d): %d cases, %d differ", seed, len(cases), differ)
}
