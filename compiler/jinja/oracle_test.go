package jinja

// The differential ("oracle") test: every case under testdata/oracle/cases is rendered by
// this engine and by Python's Jinja2 3.1.6, and the outputs must be byte-identical; where
// Jinja2 raises, the engine must return an error too. The oracle is Python itself, run at
// test time (one python3 process renders every case). Its answers are also checked in as
// testdata/oracle/expected.json (rewritten with -update) so that the test still runs where
// python3 or jinja2 is missing, and the test fails when that file is stale.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// update rewrites checked-in expectations (testdata/oracle/expected.json) from the live
// oracle. It is the package's -update flag: other golden tests in this package share it.
var update = flag.Bool("update", false, "rewrite golden files under testdata/ (needs python3 with jinja2 3.1.6 for the oracle)")

// oracleVersion is the Jinja2 release the engine is held to.
const oracleVersion = "3.1.6"

const (
	oracleCaseDir  = "testdata/oracle/cases"
	oracleExpected = "testdata/oracle/expected.json"
	oracleScript   = "testdata/oracle/render.py"
	// caseTimeout bounds one case's parse+render, so an engine hang fails one case
	// instead of the whole test binary.
	caseTimeout = 5 * time.Second
)

// oracleCase is one template with its context, as read from a case file.
type oracleCase struct {
	Name     string            `json:"name"`
	Template string            `json:"template"`
	Context  string            `json:"context"`         // a JSON object, "{}" when the case has none
	Files    map[string]string `json:"files,omitempty"` // templates for include and import
	File     string            `json:"-"`
	Line     int               `json:"-"`
}

// inputHash identifies a case's inputs, so a stale expectation is noticed without Python.
func (c oracleCase) inputHash() string {
	h := sha256.New()
	h.Write([]byte(c.Template + "\x00" + c.Context))
	names := make([]string, 0, len(c.Files))
	for name := range c.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		h.Write([]byte("\x00" + name + "\x00" + c.Files[name]))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// oracleResult is Jinja2's answer for one case: an output, or the exception it raised.
type oracleResult struct {
	Input   string  `json:"input,omitempty"` // inputHash of the case it answers
	Out     *string `json:"out,omitempty"`
	Error   string  `json:"error,omitempty"` // Python exception type, e.g. TemplateSyntaxError
	Phase   string  `json:"phase,omitempty"` // "parse" or "render"
	Message string  `json:"message,omitempty"`
}

// normAddrs replaces the object addresses in every output (normAddr), so answers compare
// and record the same from one python3 process to the next.
func (f *oracleFile) normAddrs() {
	for name, r := range f.Results {
		if r.Out == nil {
			continue
		}
		if s := normAddr(*r.Out); s != *r.Out {
			r.Out = &s
			f.Results[name] = r
		}
	}
}

// oracleFile is the layout of expected.json and of render.py's output.
type oracleFile struct {
	Jinja2Version string                  `json:"jinja2_version"`
	Results       map[string]oracleResult `json:"results"`
}

// parseCaseFile reads the case format:
//
//	=== name            starts a case (anything after the name is a comment)
//	--- context         optional: the following lines are a JSON object
//	--- template        the following lines, up to the next section, are the template
//	--- file NAME       optional: another template, loadable by include / import as NAME
//
// The newline that ends a section's last line belongs to the file layout, not to the
// template; a template that ends in a newline is written with an extra empty line. Lines
// before the first "=== " are comments.
func parseCaseFile(path string, data []byte) ([]oracleCase, error) {
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	var cases []oracleCase
	var cur *oracleCase
	section, hasTemplate := "", false
	var body []string
	// finish stores the section being read into the current case.
	finish := func() {
		text := strings.Join(body, "\n")
		switch {
		case section == "context":
			cur.Context = strings.TrimSpace(text)
		case section == "template":
			cur.Template = text
		case strings.HasPrefix(section, "file "):
			if cur.Files == nil {
				cur.Files = map[string]string{}
			}
			cur.Files[strings.TrimPrefix(section, "file ")] = text
		}
		section, body = "", nil
	}
	// closeCase ends the current case, which must have had a template.
	closeCase := func() error {
		if cur == nil {
			return nil
		}
		finish()
		if !hasTemplate {
			return fmt.Errorf("%s:%d: case %q has no --- template section", path, cur.Line, cur.Name)
		}
		cases = append(cases, *cur)
		return nil
	}
	lines := strings.Split(string(data), "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1] // the file's final newline
	}
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "=== "):
			if err := closeCase(); err != nil {
				return nil, err
			}
			fields := strings.Fields(line[4:])
			if len(fields) == 0 {
				return nil, fmt.Errorf("%s:%d: case without a name", path, i+1)
			}
			cur = &oracleCase{Name: stem + "/" + fields[0], Context: "{}", File: path, Line: i + 1}
			hasTemplate = false
		case cur != nil && (line == "--- context" || line == "--- template" ||
			strings.HasPrefix(line, "--- file ") && len(line) > len("--- file ")):
			finish()
			section = strings.TrimPrefix(line, "--- ")
			hasTemplate = hasTemplate || section == "template"
		case cur != nil && section != "":
			body = append(body, line)
		case cur != nil && strings.TrimSpace(line) != "":
			return nil, fmt.Errorf("%s:%d: text outside a section in case %q", path, i+1, cur.Name)
		}
	}
	if err := closeCase(); err != nil {
		return nil, err
	}
	return cases, nil
}

// loadOracleCases reads every case file, in name order, and rejects duplicate names and
// contexts that are not JSON objects.
func loadOracleCases(t testing.TB) []oracleCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(oracleCaseDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	var all []oracleCase
	seen := map[string]string{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		cases, err := parseCaseFile(p, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			where := fmt.Sprintf("%s:%d", c.File, c.Line)
			if prev, dup := seen[c.Name]; dup {
				t.Fatalf("%s: duplicate case name %q (first at %s)", where, c.Name, prev)
			}
			seen[c.Name] = where
			if _, err := decodeContext(c.Context); err != nil {
				t.Fatalf("%s: case %q: bad context: %v", where, c.Name, err)
			}
			all = append(all, c)
		}
	}
	if len(all) == 0 {
		t.Fatalf("no oracle cases under %s", oracleCaseDir)
	}
	return all
}

var (
	pythonOnce    sync.Once
	pythonAnswer  oracleFile
	pythonMissing string // why the live oracle cannot run, "" when it can
	pythonErr     error  // render.py failed
)

// pythonUnavailable says why python3 with jinja2 3.1.6 cannot serve as the oracle here,
// or "" when it can.
func pythonUnavailable() string {
	out, err := exec.Command("python3", "-c", "import jinja2; print(jinja2.__version__)").CombinedOutput()
	if err != nil {
		return fmt.Sprintf("python3 -c 'import jinja2' failed (%v: %s)", err, strings.TrimSpace(string(out)))
	}
	if v := strings.TrimSpace(string(out)); v != oracleVersion {
		return fmt.Sprintf("python3 has jinja2 %s, the oracle is jinja2 %s", v, oracleVersion)
	}
	return ""
}

// runPython renders cases with render.py in one python3 process.
func runPython(cases []oracleCase) (oracleFile, error) {
	var res oracleFile
	req, err := json.Marshal(map[string]any{"cases": cases})
	if err != nil {
		return res, err
	}
	cmd := exec.Command("python3", oracleScript)
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return res, fmt.Errorf("%s failed: %v\n%s", oracleScript, err, stderr.String())
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return res, fmt.Errorf("%s: bad output: %v", oracleScript, err)
	}
	res.normAddrs()
	for _, c := range cases {
		r, ok := res.Results[c.Name]
		if !ok {
			return res, fmt.Errorf("%s gave no result for %s", oracleScript, c.Name)
		}
		r.Input = c.inputHash()
		res.Results[c.Name] = r
	}
	return res, nil
}

// livePython renders the case files with Python's Jinja2, once per test binary. It returns
// the answers, or a reason why Python cannot serve as the oracle here.
func livePython(t testing.TB, cases []oracleCase) (oracleFile, string) {
	t.Helper()
	pythonOnce.Do(func() {
		if pythonMissing = pythonUnavailable(); pythonMissing != "" {
			return
		}
		pythonAnswer, pythonErr = runPython(cases)
	})
	if pythonErr != nil {
		t.Fatal(pythonErr)
	}
	return pythonAnswer, pythonMissing
}

// readExpected loads the checked-in answers.
func readExpected(t testing.TB) oracleFile {
	t.Helper()
	var f oracleFile
	data, err := os.ReadFile(oracleExpected)
	if os.IsNotExist(err) {
		return oracleFile{Results: map[string]oracleResult{}}
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", oracleExpected, err)
	}
	return f
}

// marshalExpected renders answers deterministically (encoding/json sorts map keys).
func marshalExpected(f oracleFile) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(f); err != nil {
		panic(err) // only plain strings inside: cannot fail
	}
	return buf.Bytes()
}

// TestOracleExpectedFresh checks that testdata/oracle/expected.json is what Python's
// Jinja2 answers today for today's cases; -update rewrites it.
func TestOracleExpectedFresh(t *testing.T) {
	cases := loadOracleCases(t)
	live, missing := livePython(t, cases)
	if missing != "" {
		t.Skipf("live Jinja2 oracle unavailable: %s; TestOracle uses the checked-in %s instead", missing, oracleExpected)
	}
	want := marshalExpected(live)
	if *update {
		if err := os.WriteFile(oracleExpected, want, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d cases)", oracleExpected, len(live.Results))
		return
	}
	got, err := os.ReadFile(oracleExpected)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		old := readExpected(t)
		var stale []string
		for name, r := range live.Results {
			if o, ok := old.Results[name]; !ok || !sameResult(o, r) || o.Input != r.Input {
				stale = append(stale, name)
			}
		}
		for name := range old.Results {
			if _, ok := live.Results[name]; !ok {
				stale = append(stale, name+" (removed)")
			}
		}
		sort.Strings(stale)
		t.Errorf("%s is stale (%d cases differ: %s); run: go test ./compiler/jinja -run TestOracleExpectedFresh -update",
			oracleExpected, len(stale), strings.Join(stale, ", "))
	}
}

func sameResult(a, b oracleResult) bool {
	if (a.Out == nil) != (b.Out == nil) {
		return false
	}
	if a.Out != nil {
		return *a.Out == *b.Out
	}
	return a.Error == b.Error && a.Phase == b.Phase && a.Message == b.Message
}

// TestOracle renders every case with this engine and compares with Jinja2: live Python
// when available, else the checked-in expectations.
func TestOracle(t *testing.T) {
	cases := loadOracleCases(t)
	oracle, missing := livePython(t, cases)
	source := "live python3 jinja2 " + oracle.Jinja2Version
	if missing != "" {
		oracle = readExpected(t)
		source = oracleExpected
		t.Logf("live Jinja2 oracle unavailable (%s): comparing against %s", missing, oracleExpected)
	}
	hung := false
	agree, differ := 0, 0
	defer func() {
		t.Logf("oracle (%s): %d cases, %d agree, %d differ", source, len(cases), agree, differ)
	}()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if hung {
				t.Skip("skipped: an earlier case hung the engine")
			}
			want, ok := oracle.Results[c.Name]
			if !ok || want.Input != c.inputHash() {
				t.Skipf("%s has no up-to-date answer for this case; run with python3+jinja2 and -update", source)
			}
			got := renderCase(c)
			if got.hung {
				hung = true
			}
			if msg := compareCase(c, want, got); msg != "" {
				differ++
				t.Errorf("%s:%d: %s\n(oracle: %s)", c.File, c.Line, msg, source)
			} else {
				agree++
			}
		})
	}
}

// caseOutcome is what the engine did with one case.
type caseOutcome struct {
	out    string
	err    error
	phase  string // "parse" or "render" when err != nil
	panics string // a recovered panic, with its stack
	hung   bool
}

// renderCase parses and renders one case in a fresh Env, recovering panics and bounding
// the time taken.
func renderCase(c oracleCase) caseOutcome {
	done := make(chan caseOutcome, 1)
	go func() {
		var res caseOutcome
		defer func() {
			if r := recover(); r != nil {
				res.panics = fmt.Sprintf("%v\n%s", r, firstFrames(12))
			}
			done <- res
		}()
		vars, err := contextVars(c.Context)
		if err != nil {
			res.err, res.phase = err, "context"
			return
		}
		env := NewEnv()
		if c.Files != nil {
			env.Loader = mapLoader(c.Files)
		}
		res.phase = "parse"
		tmpl, err := env.Parse(c.Name, c.Template)
		if err != nil {
			res.err = err
			return
		}
		res.phase = "render"
		res.out, res.err = tmpl.Render(env, &Context{Vars: vars})
	}()
	select {
	case res := <-done:
		return res
	case <-time.After(caseTimeout):
		return caseOutcome{hung: true}
	}
}

// mapLoader serves a case's "--- file" sections to include and import.
type mapLoader map[string]string

// Load implements Loader.
func (m mapLoader) Load(name string) (string, string, error) {
	src, ok := m[name]
	if !ok {
		return "", "", fmt.Errorf("template %q not found", name)
	}
	return src, name, nil
}

// compareCase returns "" when the engine agrees with Jinja2, else a report with the
// template, the expected and the actual result.
func compareCase(c oracleCase, want oracleResult, got caseOutcome) string {
	var b strings.Builder
	head := func(what string) {
		fmt.Fprintf(&b, "%s\n--- template:\n%s\n--- context: %s\n", what, c.Template, c.Context)
	}
	switch {
	case got.hung:
		head(fmt.Sprintf("engine did not finish within %v", caseTimeout))
	case got.panics != "":
		head("engine panicked: " + got.panics)
	case want.Out == nil && got.err == nil:
		head(fmt.Sprintf("Jinja2 raises %s at %s time (%s), the engine succeeded", want.Error, want.Phase, want.Message))
		fmt.Fprintf(&b, "--- got output: %q", got.out)
	case want.Out == nil:
		return "" // both fail; the error texts are the engine's own
	case got.err != nil:
		head(fmt.Sprintf("engine failed at %s time: %v", got.phase, got.err))
		fmt.Fprintf(&b, "--- want: %q", *want.Out)
	case normAddr(got.out) != normAddr(*want.Out):
		head("output differs from Jinja2")
		fmt.Fprintf(&b, "--- want: %q\n--- got:  %q\n--- first difference at byte %d", *want.Out, got.out, firstDiff(*want.Out, got.out))
	default:
		return ""
	}
	return b.String()
}

// addrRe matches the object addresses in CPython reprs ("<built-in method upper of str
// object at 0x7f5ba976adf0>"), which differ between any two processes, also after a filter
// changed what follows them (tojson's \u003e, escape's &gt;) or their case (upper).
var addrRe = regexp.MustCompile(`(?i) at 0x[0-9a-f]+| with id=[0-9]+`)

// normAddr replaces every object address in s by one placeholder.
func normAddr(s string) string {
	return addrRe.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, " with") {
			return " with id=…" // pprint's "<Recursion on list with id=…>"
		}
		return " at 0x…"
	})
}

// firstFrames returns the top of the current goroutine's stack, enough to locate a panic.
func firstFrames(n int) string {
	lines := strings.Split(string(debug.Stack()), "\n")
	if len(lines) > 2*n+1 {
		lines = lines[:2*n+1]
	}
	return strings.Join(lines, "\n")
}

func firstDiff(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// contextVars decodes a case context, keeping JSON object key order (Python's json does,
// so dict iteration order must agree): objects become *Dict, arrays *List, integral
// numbers int64 and the others float64, as json.loads does on the Python side.
func contextVars(src string) (map[string]Value, error) {
	d, err := decodeContext(src)
	if err != nil {
		return nil, err
	}
	vars := make(map[string]Value, len(d.keys))
	for i, k := range d.keys {
		vars[k] = toValue(d.vals[i])
	}
	return vars, nil
}

// decodeContext decodes a context without the engine's help: one JSON object.
func decodeContext(src string) (*orderedObject, error) {
	dec := json.NewDecoder(strings.NewReader(src))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("text after the context object")
	}
	d, ok := v.(*orderedObject)
	if !ok {
		return nil, fmt.Errorf("context is not a JSON object")
	}
	return d, nil
}

// orderedObject is a decoded JSON object with its key order; it is converted to an engine
// *Dict only in toValue, after decoding, so decoding works without the engine.
type orderedObject struct {
	keys []string
	vals []any
}

func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		switch tok {
		case '{':
			o := &orderedObject{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				o.keys = append(o.keys, kt.(string))
				o.vals = append(o.vals, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			var items []any
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				items = append(items, v)
			}
			_, err := dec.Token()
			return items, err
		}
		return nil, fmt.Errorf("unexpected %v", tok)
	case json.Number:
		if strings.ContainsAny(string(tok), ".eE") {
			return tok.Float64()
		}
		return tok.Int64()
	default:
		return tok, nil // string, bool, nil
	}
}

func toValue(v any) Value {
	switch v := v.(type) {
	case *orderedObject:
		d := NewDict()
		for i, k := range v.keys {
			d.Set(k, toValue(v.vals[i]))
		}
		return d
	case []any:
		items := make([]Value, len(v))
		for i, x := range v {
			items[i] = toValue(x)
		}
		return &List{Items: items}
	default:
		return FromGo(v)
	}
}

// TestParseCaseFile pins the case format, since every oracle case depends on it.
func TestParseCaseFile(t *testing.T) {
	tests := []struct {
		name, in string
		want     []oracleCase
		err      bool
	}{
		{"minimal", "comment\n=== a\n--- template\nx\n",
			[]oracleCase{{Name: "f/a", Template: "x", Context: "{}"}}, false},
		{"trailing newline kept by an empty line", "=== a\n--- template\nx\n\n=== b  # note\n--- context\n{\"k\": 1}\n--- template\ny",
			[]oracleCase{{Name: "f/a", Template: "x\n", Context: "{}"}, {Name: "f/b", Template: "y", Context: `{"k": 1}`}}, false},
		{"files", "=== a\n--- file m.sql\n{% macro m() %}{% endmacro %}\n--- template\n{% import 'm.sql' as m %}\n",
			[]oracleCase{{Name: "f/a", Template: "{% import 'm.sql' as m %}", Context: "{}", Files: map[string]string{"m.sql": "{% macro m() %}{% endmacro %}"}}}, false},
		{"no template", "=== a\n--- context\n{}\n=== b\n--- template\nx\n", nil, true},
		{"stray text", "=== a\nstray\n--- template\nx\n", nil, true},
		{"no name", "=== \n--- template\nx\n", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseCaseFile("dir/f.txt", []byte(tc.in))
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error: %v", err, tc.err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d cases, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Name != w.Name || g.Template != w.Template || g.Context != w.Context || len(g.Files) != len(w.Files) {
					t.Errorf("case %d = %+v, want %+v", i, g, w)
				}
				for k, v := range w.Files {
					if g.Files[k] != v {
						t.Errorf("case %d file %s = %q, want %q", i, k, g.Files[k], v)
					}
				}
			}
		})
	}
}
