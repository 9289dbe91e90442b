package jinja

// The grammar-based differential fuzzer: templates generated at random from a grammar of
// statements and expressions over small literal data are rendered by the engine and by
// Python's Jinja2 (testdata/oracle/render.py --serve, one long-lived process answering
// batches), and must agree on the output bytes and on error versus no error.
//
// A short fixed-seed run is part of go test. The long run is bench/jinja/fuzz.sh, or:
//
//	GDBT_JINJA_FUZZ=100000 GDBT_JINJA_FUZZ_SEED=7 go test ./compiler/jinja -run TestDiffFuzz -v
//
// which ends with "difffuzz seed S: N of N templates agree". GDBT_JINJA_FUZZ_OUT=file
// appends every differing template to file in the oracle case format (testdata/oracle/cases),
// and GDBT_JINJA_FUZZ_REPLAY=file renders the cases of such a file instead of generated
// ones, so a fix is checked against the differences a long run found.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// pyServer is one python3 process rendering batches of cases with Jinja2.
type pyServer struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func startPyServer() (*pyServer, error) {
	cmd := exec.Command("python3", oracleScript, "--serve")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &pyServer{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20)}, nil
}

// render sends one batch and reads its answers.
func (p *pyServer) render(cases []oracleCase) (oracleFile, error) {
	var res oracleFile
	req, err := json.Marshal(map[string]any{"cases": cases})
	if err != nil {
		return res, err
	}
	if _, err := p.in.Write(append(req, '\n')); err != nil {
		return res, fmt.Errorf("render.py --serve: %v", err)
	}
	line, err := p.out.ReadBytes('\n')
	if err != nil {
		return res, fmt.Errorf("render.py --serve: %v", err)
	}
	if err := json.Unmarshal(line, &res); err != nil {
		return res, fmt.Errorf("render.py --serve: bad answer: %v", err)
	}
	res.normAddrs()
	return res, nil
}

func (p *pyServer) close() {
	p.in.Close()
	p.cmd.Wait()
}

// TestDiffFuzz renders GDBT_JINJA_FUZZ generated templates (default 300) from seed
// GDBT_JINJA_FUZZ_SEED (default 1) with both engines. Every difference is an error; the
// first GDBT_JINJA_FUZZ_SHOW (default 20) are reported in full.
func TestDiffFuzz(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	if why := pythonUnavailable(); why != "" {
		t.Skipf("live Jinja2 oracle unavailable: %s", why)
	}
	seed, count := uint64(1), 300
	if v, err := strconv.ParseUint(os.Getenv("GDBT_JINJA_FUZZ_SEED"), 10, 64); err == nil {
		seed = v
	}
	if v, err := strconv.Atoi(os.Getenv("GDBT_JINJA_FUZZ")); err == nil && v > 0 {
		count = v
	}
	show := 20
	if v, err := strconv.Atoi(os.Getenv("GDBT_JINJA_FUZZ_SHOW")); err == nil {
		show = v
	}
	py, err := startPyServer()
	if err != nil {
		t.Fatal(err)
	}
	defer py.close()
	g := newTmplGen(seed)
	var replay []oracleCase
	if path := os.Getenv("GDBT_JINJA_FUZZ_REPLAY"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if replay, err = parseCaseFile(path, data); err != nil {
			t.Fatal(err)
		}
		count = len(replay)
	}
	var out *os.File
	if path := os.Getenv("GDBT_JINJA_FUZZ_OUT"); path != "" {
		if out, err = os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err != nil {
			t.Fatal(err)
		}
		defer out.Close()
	}
	const batch = 250
	agree, differ, timeouts := 0, 0, 0
	for done := 0; done < count; {
		n := min(batch, count-done)
		cases := make([]oracleCase, n)
		for i := range cases {
			if replay != nil {
				cases[i] = replay[done+i]
				continue
			}
			src, ctx := g.template()
			cases[i] = oracleCase{Name: fmt.Sprintf("fuzz/%d-%d", seed, done+i), Template: src, Context: ctx}
		}
		ans, err := py.render(cases)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			want := ans.Results[c.Name]
			if want.Error == "Timeout" {
				timeouts++
				continue
			}
			got := renderCase(c)
			if msg := compareCase(c, want, got); msg != "" {
				differ++
				if out != nil {
					writeCase(out, c)
				}
				if differ <= show {
					t.Errorf("%s: %s", c.Name, msg)
				}
			} else {
				agree++
			}
			if got.hung {
				t.Fatalf("%s: the engine hung; stopping", c.Name)
			}
		}
		done += n
		if done < count {
			// a long run can be stopped at any point and still say how far it got
			t.Logf("difffuzz seed %d: %d of %d templates agree so far (%d differ, %d skipped)", seed, agree, done, differ, timeouts)
		}
	}
	if differ > show {
		t.Errorf("… and %d more differences", differ-show)
	}
	t.Logf("difffuzz seed %d: %d of %d templates agree (%d differ, %d skipped: Python took over 5 s)",
		seed, agree, count, differ, timeouts)
}

// tmplGen generates templates from a grammar. Data stays small (short literals, loops of
// at most four items, repetition by small integers) so both engines stay fast; big integers,
// Unicode text and Markup values come in as literals and filter results.
type tmplGen struct {
	r     *rand.Rand
	vars  []string // names bound in the current scope
	depth int      // statement nesting
	loops int      // enclosing for loops in the current macro or template body
}

func newTmplGen(seed uint64) *tmplGen {
	return &tmplGen{r: rand.New(rand.NewPCG(seed, 0x6664757a7a000000))}
}

// fuzzContext is what every generated template sees.
const diffFuzzContext = `{"n": 3, "f": -2.5, "s": "Hello, Wörld", "u": "straße ǅ ΣΑΣ İx", "l": [3, 1, "a", null, 2],
 "d": {"k": 1, "b": [2, "x"], "z": null}, "rows": [{"a": 2, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2}],
 "e": [], "t": true, "ws": "  a\tb \n c  ", "html": "<b>A&amp;B</b> &lt;"}`

var (
	fzInts    = []string{"0", "1", "2", "3", "-1", "-7", "10", "255", "1_000"}
	fzBigInts = []string{"2**64", "2**63", "-(2**63)", "18446744073709551617", "10**20", "-(10**19)", "2**100 // 3", "9223372036854775807"}
	fzFloats  = []string{"0.5", "-2.5", "1.0", "0.1", "1e3", "2.675", "-0.0", "1e16", "3.14159", "1.5e-7", "1e22", "1e308", "1e400"}
	fzStrs    = []string{"'a'", "'Ab c'", "''", `"x'y"`, "'é'", "'12'", "' 3.5 '", "' pad '", "'a,b,,c'", "'ß'",
		"'ǅ'", "'ΣΑΣ'", "'İ'", "'ﬁ'", "'a\\tb'", "'x\\ny\\n'", "'<a href=\"x\">&amp;</a>'", "'%s-%d'", "'{}:{:>4}'",
		"'\\u00e9\\u0301'", "'😀'", "'word-wrap this long sentence, please'", "'\\u2028z\\x85w'", "'  \\u3000 t \\xa0'"}
	fzNames   = []string{"n", "f", "s", "u", "l", "d", "rows", "e", "t", "ws", "html", "nope"}
	fzBinops  = []string{"+", "-", "*", "/", "//", "%", "~", "==", "!=", "<", ">", "<=", ">=", "and", "or", "in", "not in"}
	fzFilters = []string{"abs", "string", "int", "float", "round", "round(1)", "round(0, 'floor')", "length", "list",
		"first", "last", "upper", "lower", "title", "capitalize", "trim", "reverse|list", "sort", "unique|list",
		"join(',')", "join", "sum", "min", "max", "tojson", "e", "safe", "forceescape", "striptags", "default('d')",
		"d('d', true)", "center(7)", "indent(2)", "indent(2, true)", "truncate(9)", "truncate(5, true, '..', 0)",
		"wordcount", "wordwrap(5)", "wordwrap(7, false)", "batch(2)|list", "slice(2)|list", "replace('a', 'b')",
		"dictsort", "items|list", "map('string')|list", "map('upper')|list", "select|list", "reject('odd')|list",
		"count", "format(1)", "int(7)", "float(1.5)", "sort(reverse=true)", "string|length", "pprint", "urlencode",
		"xmlattr", "title|lower", "filesizeformat", "int(0, 16)", "trim('a')", "attr('upper')",
		"map(attribute='a')|list", "select|first", "map('upper')|last", "reverse|first",
		"unique|length", "items|first", "batch(2)|first", "select|string|length", "reverse is sequence", "urlize", "urlize(4, true)", "urlize(target='_t', rel='x')", "selectattr('a')|list", "groupby('a')|list", "sort(attribute='a')",
		"unique(attribute='a')|list", "sum(attribute='a')", "min(attribute='a')", "rejectattr('a', 'odd')|list",
		"dictsort(by='value')", "tojson(indent=1)", "list|length", "escape|length", "e|upper", "safe|replace('a', '<')"}
	fzTests = []string{"defined", "undefined", "none", "number", "string", "integer", "float", "sequence",
		"mapping", "iterable", "odd", "even", "divisibleby 3", "lower", "upper", "true", "false", "boolean",
		"eq 1", "in 'abc'", "in [1, 2]", "callable", "sameas none", "escaped", "gt 1", "le 'b'", "filter", "test"}
	fzMethods = []string{"upper()", "lower()", "strip()", "split()", "split(',')", "replace('a', 'x')",
		"startswith('a')", "endswith('c')", "title()", "capitalize()", "casefold()", "swapcase()", "find('b')",
		"count('a')", "zfill(6)", "center(6, '*')", "isdigit()", "isascii()", "isprintable()", "isalpha()",
		"format(1, 2)", "format_map({'a': 1})", "rjust(4)", "lstrip('a')", "partition(',')", "splitlines()",
		"splitlines(true)", "expandtabs(4)", "join(['x', 'y'])", "get('k')", "get('k', 0)",
		"keys()|list", "values()|list", "items()|list", "index(1)", "count(1)", "striptags()", "unescape()",
		"encode()", "encode('latin-1', 'replace')", "encode().decode()", "encode().hex()"}
)

func (g *tmplGen) pick(l []string) string { return l[g.r.IntN(len(l))] }

func (g *tmplGen) chance(n int) bool { return g.r.IntN(n) == 0 }

// template returns one template and its context.
func (g *tmplGen) template() (string, string) {
	g.vars, g.depth, g.loops = nil, 0, 0
	if g.chance(4) {
		return "{{ " + g.expr(1+g.r.IntN(3)) + " }}", diffFuzzContext
	}
	return g.body(2), diffFuzzContext
}

// name returns a variable name: a context variable or one bound by the template.
func (g *tmplGen) name() string {
	if len(g.vars) > 0 && g.chance(2) {
		return g.vars[g.r.IntN(len(g.vars))]
	}
	return g.pick(fzNames)
}

func (g *tmplGen) expr(depth int) string {
	if depth <= 0 {
		return g.atom(0)
	}
	x := func() string { return g.expr(depth - 1) }
	switch g.r.IntN(16) {
	case 0, 1, 2:
		return g.atom(depth)
	case 3, 4:
		return "(" + x() + " " + g.pick(fzBinops) + " " + x() + ")"
	case 5:
		return "(" + x() + " * " + g.pick([]string{"0", "2", "3", "-1", "0.5", "true"}) + ")"
	case 6:
		return "(" + x() + " ** " + g.pick([]string{"0", "1", "2", "3", "-1", "0.5"}) + ")"
	case 7:
		return "(" + g.pick([]string{"-", "not ", "+"}) + x() + ")"
	case 8, 9:
		return "(" + x() + " | " + g.pick(fzFilters) + ")"
	case 10:
		return "(" + x() + " is " + g.pick([]string{"", "not "}) + g.pick(fzTests) + ")"
	case 11:
		if g.chance(3) {
			return "(" + x() + " if " + x() + ")"
		}
		return "(" + x() + " if " + x() + " else " + x() + ")"
	case 12:
		return x() + "[" + g.pick([]string{"0", "1", "-1", "'k'", "'a'", "5", "1:", ":2", "::-1", "-2:", "1:3:2"}) + "]"
	case 13:
		return x() + "." + g.pick(fzMethods)
	case 14:
		// String formatting, both styles, with random specs.
		spec := g.pick([]string{"", ":d", ":>6", ":_", ":,", ":#x", ":05", ":05s", ":.2f", ":+", ":^7.3", ":{w}", ":c", ":e", ":%", ":!<4", "!r", "!s", "!a"})
		if g.chance(2) {
			return "'[{" + spec + "}]'.format(" + x() + ", w=3)"
		}
		pct := g.pick([]string{"%s", "%r", "%a", "%d", "%5.1f", "%-4s|", "%x", "%c", "%*d", "%05d", "%+.2e", "%%%s", "%i"})
		if pct == "%*d" {
			return "('" + pct + "' % (3, " + x() + "))"
		}
		return "('" + pct + "' % " + x() + ")"
	default:
		// Cycler and Joiner objects print with their address: show what they give instead.
		switch fn := g.pick([]string{"range", "dict", "namespace", "cycler", "joiner", "lipsum"}); fn {
		case "lipsum": // random words: compare their count
			return "(lipsum(" + g.pick([]string{"1, false, 3, 4", "2, true, 5, 6", "0"}) + ") | wordcount)"
		case "cycler":
			return "cycler" + g.args(depth-1) + g.pick([]string{".next()", ".current", " is defined"})
		case "joiner":
			return "joiner" + g.args(depth-1) + "()"
		default:
			return fn + g.args(depth-1)
		}
	}
}

// args returns a call's argument list for a global.
func (g *tmplGen) args(depth int) string {
	switch g.r.IntN(6) {
	case 0:
		return "(" + g.pick([]string{"3", "1, 4", "5, 0, -2", "2**64, 2**64 + 2", "-2", "0"}) + ")"
	case 1:
		return "(a=" + g.expr(depth) + ", b=2)"
	case 2:
		return "()"
	case 3:
		return "(" + g.expr(depth) + ")"
	default:
		return "(" + g.expr(depth) + ", " + g.expr(depth) + ")"
	}
}

func (g *tmplGen) atom(depth int) string {
	switch g.r.IntN(10) {
	case 0:
		return g.pick(fzInts)
	case 1:
		return g.pick(fzBigInts)
	case 2:
		return g.pick(fzFloats)
	case 3, 4:
		return g.pick(fzStrs)
	case 5, 6:
		return g.name()
	case 7:
		if depth > 0 {
			return "[" + g.expr(depth-1) + ", " + g.atom(0) + "]"
		}
		return g.pick([]string{"[]", "[1, 2]", "['b', 'A', 'c']", "[none, 0, '']"})
	case 8:
		if depth > 0 {
			return "{" + g.pick(fzStrs) + ": " + g.expr(depth-1) + ", 'x': " + g.atom(0) + "}"
		}
		return g.pick([]string{"{}", "{'a': 1}", "{'b': 2, 'a': none}"})
	default:
		return g.pick([]string{"none", "true", "false", "(1, 'a')", "()", "('x',)", "'<i>'|safe", "'<i>'|e", "{'a': '<'}|tojson"})
	}
}

// body returns a sequence of text and statements.
func (g *tmplGen) body(depth int) string {
	var b []byte
	for n := 1 + g.r.IntN(4); n > 0; n-- {
		b = append(b, g.pick([]string{"", " ", "\n", "x", " \t\n  ", "é\n", "\u3000"})...)
		b = append(b, g.stmt(depth)...)
	}
	return string(b)
}

// open and close add random whitespace control.
func (g *tmplGen) open(kind string) string {
	if g.chance(4) {
		return kind + "-"
	}
	return kind
}

func (g *tmplGen) close(kind string) string {
	if g.chance(4) {
		return "-" + kind
	}
	return kind
}

func (g *tmplGen) tag(s string) string { return g.open("{%") + " " + s + " " + g.close("%}") }

func (g *tmplGen) out(e string) string { return g.open("{{") + " " + e + " " + g.close("}}") }

// bind adds a name to the scope.
func (g *tmplGen) bind(name string) string {
	g.vars = append(g.vars, name)
	return name
}

func (g *tmplGen) inner(depth int) string {
	if depth <= 0 {
		return g.out(g.expr(1))
	}
	return g.body(depth - 1)
}

func (g *tmplGen) stmt(depth int) string {
	e := func() string { return g.expr(1 + g.r.IntN(2)) }
	switch g.r.IntN(16) {
	case 0, 1, 2:
		return g.out(e())
	case 3:
		s := g.tag("if "+e()) + g.inner(depth)
		if g.chance(2) {
			s += g.tag("elif "+e()) + g.inner(depth)
		}
		if g.chance(2) {
			s += g.tag("else") + g.inner(depth)
		}
		return s + g.tag("endif")
	case 4, 5:
		return g.forLoop(depth)
	case 6:
		v := "v" + strconv.Itoa(g.r.IntN(3))
		switch g.r.IntN(4) {
		case 0:
			return g.tag("set "+v+" = "+e()) + g.out(g.bind(v))
		case 1:
			g.bind("p")
			g.bind("q")
			return g.tag("set p, q = "+g.pick([]string{"1, 2", "'ab'", "[3, 'x']", "(none, l)", "d.items()|first", "'abc'"})) + g.out("p ~ q")
		case 2:
			return g.tag("set "+v) + g.inner(depth) + g.tag("endset") + "[" + g.out(g.bind(v)) + "]"
		default:
			return g.tag("set "+v+" | "+g.pick([]string{"upper", "trim", "e", "replace('a', 'b')", "wordcount", "length", "center(9)"})) +
				g.inner(depth) + g.tag("endset") + "[" + g.out(g.bind(v)) + "]"
		}
	case 7:
		s := g.tag("set ns = namespace(c=0, s='')")
		g.bind("ns")
		s += g.tag("set ns.c = ns.c + " + g.pick([]string{"1", "2**64", "0.5", "n"}))
		return s + g.inner(depth) + g.out("ns.c ~ ns.s")
	case 8:
		s := g.tag("with w = " + e() + ", w2 = " + g.pick([]string{"1", "w", "'x'"}))
		g.bind("w")
		return s + g.inner(depth) + g.tag("endwith") + g.out("w is defined")
	case 9:
		return g.tag("filter "+g.pick([]string{"upper", "trim", "e", "striptags", "wordwrap(6)", "indent(3)", "title", "center(11)", "replace('x', 'y')", "length", "tojson"})) +
			g.inner(depth) + g.tag("endfilter")
	case 10:
		return g.macro(depth)
	case 11:
		s := g.tag("set acc = []")
		g.bind("acc")
		return s + g.tag("do acc.append("+e()+")") + g.inner(depth) + g.out("acc")
	case 12:
		if g.loops > 0 {
			return g.tag("if "+e()) + g.tag(g.pick([]string{"break", "continue"})) + g.tag("endif")
		}
		return g.out(e())
	case 13:
		if g.loops > 0 {
			return g.out("loop." + g.pick([]string{"index", "index0", "revindex", "first", "last", "length", "depth",
				"previtem", "nextitem", "cycle('a', 'b')", "changed(1)", "revindex0"}))
		}
		return g.out(g.name())
	case 14:
		return g.pick([]string{"{# c #}", "{#- c -#}", "{% raw %} {{ r }} {% endraw %}", "\n  ", "{{ '}}' }}"})
	default:
		return g.out(g.name() + " ~ " + e())
	}
}

func (g *tmplGen) forLoop(depth int) string {
	iter := g.pick([]string{"[1, 2, 3]", "l", "'ab'", "range(3)", "rows", "e", "d", "d.items()", "u", "[2**64, -1]", "range(4)|reverse",
		"nope", "n", "(1, 1, 2)"})
	target := "x"
	if iter == "d.items()" {
		target = "k, x"
	}
	s := "for " + target + " in " + iter
	if g.chance(4) {
		s += " if " + g.pick([]string{"x", "x is number", "not loop", "x != 1"})
	}
	saved := len(g.vars)
	g.bind("x")
	g.loops++
	body := g.tag(s) + g.inner(depth)
	if g.chance(3) {
		body += g.tag("if "+g.pick([]string{"x == 1", "loop.first", "loop.last", "x is string", "true"})) + g.tag(g.pick([]string{"break", "continue"})) + g.tag("endif")
		body += g.inner(0)
	}
	g.loops--
	g.vars = g.vars[:saved]
	if g.chance(3) {
		body += g.tag("else") + g.inner(depth)
	}
	return body + g.tag("endfor")
}

func (g *tmplGen) macro(depth int) string {
	params := g.pick([]string{"", "a", "a, b=2", "a=none, b='x'", "a, b=a", "a=[]", "a=2**64"})
	saved, loops := len(g.vars), g.loops
	g.loops = 0
	for _, p := range []string{"a", "b"} {
		if len(params) > 0 && (params[0:1] == p || len(params) > 3 && (params[3:4] == p || params[len(params)-3:len(params)-2] == p)) {
			g.bind(p)
		}
	}
	body := g.inner(depth)
	if g.chance(3) {
		body += g.out(g.pick([]string{"varargs", "kwargs", "caller()", "caller(1)", "m.name", "m.arguments", "m.catch_kwargs", "caller is defined"}))
	}
	g.vars, g.loops = g.vars[:saved], loops
	s := g.tag("macro m("+params+")") + body + g.tag("endmacro")
	call := g.pick([]string{"m()", "m(1)", "m(1, 2)", "m(b=3, a='<')", "m(*[1, 2])", "m(1, 2, 3)", "m(z=1)", "m(**{'a': 5})", "m"})
	if g.chance(3) {
		return s + g.tag("call"+g.pick([]string{"", "(y)", "(y=0)"})+" "+call) + g.inner(0) + g.tag("endcall")
	}
	return s + g.out(call)
}

// writeCase appends c to w in the oracle case-file format parseCaseFile reads. A template
// with a line that would start a new section cannot be written that way and is skipped.
func writeCase(w io.Writer, c oracleCase) {
	for _, line := range strings.Split(c.Template, "\n") {
		if strings.HasPrefix(line, "=== ") || strings.HasPrefix(line, "--- ") {
			return
		}
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(c.Name)
	fmt.Fprintf(w, "=== %s\n--- context\n%s\n--- template\n%s\n", name, c.Context, c.Template)
}
