package jinja

// The corpus parse test: every .sql file of real dbt code (the dbt global project,
// dbt-utils, dbt-duckdb, jaffle_shop_duckdb, or any directory you point it at) must parse
// with dbt's block tags registered. The directories come from GDBT_JINJA_CORPUS
// (colon-separated); testdata/corpus/fetch-corpus.sh checks the repositories out and prints
// the value. Where python3 with jinja2 is available, the same files are parsed by Jinja2
// too (testdata/corpus/parse.py), so a file that Jinja2 itself rejects is reported but not
// held against the engine.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusEnvVar names the directories the corpus test walks.
const corpusEnvVar = "GDBT_JINJA_CORPUS"

// dbtTags are the block tags dbt registers on top of Jinja2, with the header form each
// takes: {% materialization table, adapter='duckdb' %}, {% docs name %}, {% snapshot s %}
// take expressions; {% test not_null(model, column_name) %} is a macro signature.
func dbtTags() map[string]TagKind {
	return map[string]TagKind{
		"materialization": TagArgs,
		"docs":            TagArgs,
		"snapshot":        TagArgs,
		"test":            TagMacroLike,
		"data_test":       TagMacroLike,
	}
}

// dbtFilters are the filters dbt adds to Jinja2's (as_bool, as_native, as_number,
// as_text). Parsing checks that filters exist, as Jinja2's compiler does, so the corpus test
// registers them; for parsing, identity is enough.
func dbtFilters(env *Env) {
	identity := Func(func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		if len(args) == 0 {
			return nil, nil
		}
		return args[0], nil
	})
	for _, name := range []string{"as_bool", "as_native", "as_number", "as_text"} {
		env.Filters[name] = identity
	}
}

// corpusFiles lists the .sql files under dirs, sorted, skipping dbt's build folders.
func corpusFiles(t *testing.T, dirs []string) []string {
	t.Helper()
	var files []string
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != dir && (d.Name() == "target" || d.Name() == "dbt_packages" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(path, ".sql") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", corpusEnvVar, err)
		}
	}
	sort.Strings(files)
	return files
}

// jinja2Parse is what Jinja2 makes of the corpus: the files it rejects (with its message)
// and, for the others, the top-level macros as name and parameter names.
type jinja2Parse struct {
	Failures map[string]string        `json:"failures"`
	Macros   map[string][]jinja2Macro `json:"macros"`
	Renders  map[string]struct {
		Out   *string `json:"out"`
		Error string  `json:"error"`
	} `json:"renders"`
}

// jinja2Macro is [name, [params...]] as parse.py writes it.
type jinja2Macro [2]json.RawMessage

func (m jinja2Macro) String() string {
	return string(m[0]) + "(" + strings.Trim(string(m[1]), "[]") + ")"
}

// jinja2ParseCorpus asks Python's Jinja2 to parse files too. It returns nil when python3
// with jinja2 is not available.
func jinja2ParseCorpus(t *testing.T, files []string) *jinja2Parse {
	t.Helper()
	if err := exec.Command("python3", "-c", "import jinja2").Run(); err != nil {
		t.Logf("python3 with jinja2 unavailable (%v): not cross-checking failures with Jinja2", err)
		return nil
	}
	req, err := json.Marshal(files)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "testdata/corpus/parse.py")
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("testdata/corpus/parse.py: %v\n%s", err, stderr.String())
	}
	var res jinja2Parse
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("testdata/corpus/parse.py: %v", err)
	}
	return &res
}

// macrosOf returns Jinja2's macros for path, if Jinja2 parsed it.
func (p *jinja2Parse) macrosOf(path string) ([]jinja2Macro, bool) {
	if p == nil {
		return nil, false
	}
	m, ok := p.Macros[path]
	return m, ok
}

// compareRender renders a parsed corpus file with an empty context, as parse.py did with
// Jinja2: for a file of macros the output is the text between the definitions, a check of
// whitespace handling on real code. It returns "" when both agree (or both fail).
func (p *jinja2Parse) compareRender(env *Env, tmpl *Template, path string) string {
	if p == nil {
		return ""
	}
	want, ok := p.Renders[path]
	if !ok {
		return ""
	}
	var out string
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v\n%s", r, firstFrames(12))
			}
		}()
		out, err = tmpl.Render(env, &Context{})
	}()
	switch {
	case want.Out == nil && err == nil:
		return fmt.Sprintf("renders %q with an empty context, Jinja2 fails: %s", out, want.Error)
	case want.Out == nil:
		return ""
	case err != nil:
		return fmt.Sprintf("fails to render with an empty context (%v), Jinja2 renders %q", err, *want.Out)
	case out != *want.Out:
		return fmt.Sprintf("renders %q with an empty context, Jinja2 renders %q", out, *want.Out)
	}
	return ""
}

// sameMacros reports whether the engine found the top-level macros Jinja2 found.
func sameMacros(got []*Macro, want []jinja2Macro) (string, bool) {
	g := make([]string, len(got))
	for i, m := range got {
		params, _ := json.Marshal(append([]string{}, m.Params...))
		name, _ := json.Marshal(m.Name)
		g[i] = jinja2Macro{name, params}.String()
	}
	w := make([]string, len(want))
	for i, m := range want {
		var name string
		var params []string
		json.Unmarshal(m[0], &name)
		json.Unmarshal(m[1], &params)
		n, _ := json.Marshal(name)
		p, _ := json.Marshal(append([]string{}, params...))
		w[i] = jinja2Macro{n, p}.String()
	}
	gs, ws := strings.Join(g, " "), strings.Join(w, " ")
	return fmt.Sprintf("engine: %s\njinja2: %s", gs, ws), gs == ws
}

// parseFile parses one file, turning an engine panic into an error.
func parseFile(env *Env, path string) (tmpl *Template, err error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, firstFrames(12))
		}
	}()
	tmpl, err = env.Parse(path, string(src))
	if err == nil {
		tmpl.Macros() // part of what a host reads after parsing
	}
	return tmpl, err
}

// TestCorpusParse parses every .sql file under $GDBT_JINJA_CORPUS and reports each file
// that fails, with the engine's error.
func TestCorpusParse(t *testing.T) {
	val := os.Getenv(corpusEnvVar)
	if val == "" {
		t.Skipf("%s is not set; run compiler/jinja/testdata/corpus/fetch-corpus.sh and export the value it prints", corpusEnvVar)
	}
	dirs := filepath.SplitList(val)
	files := corpusFiles(t, dirs)
	if len(files) == 0 {
		t.Fatalf("%s=%s holds no .sql files", corpusEnvVar, val)
	}
	py := jinja2ParseCorpus(t, files)
	var rejects map[string]string
	if py != nil {
		rejects = py.Failures
	}
	env := NewEnv()
	env.Tags = dbtTags()
	dbtFilters(env)

	type tally struct{ files, failed, alsoJinja2 int }
	perDir := make([]tally, len(dirs))
	var total tally
	for _, path := range files {
		tmpl, err := parseFile(env, path)
		di := 0
		for i, d := range dirs {
			if rel, e := filepath.Rel(d, path); e == nil && !strings.HasPrefix(rel, "..") {
				di = i
				break
			}
		}
		perDir[di].files++
		total.files++
		if err == nil {
			if why, bad := rejects[path]; bad {
				t.Logf("%s: parsed, though Jinja2 rejects it (%s)", path, why)
			}
			if want, ok := py.macrosOf(path); ok {
				if diff, same := sameMacros(tmpl.Macros(), want); !same {
					perDir[di].failed++
					total.failed++
					t.Errorf("%s: top-level macros differ from Jinja2's parse:\n%s", path, diff)
					continue
				}
			}
			if msg := py.compareRender(env, tmpl, path); msg != "" {
				perDir[di].failed++
				total.failed++
				t.Errorf("%s: %s", path, msg)
			}
			continue
		}
		if why, bad := rejects[path]; bad {
			perDir[di].alsoJinja2++
			total.alsoJinja2++
			t.Logf("%s: rejected, as by Jinja2 (%s): %v", path, why, err)
			continue
		}
		perDir[di].failed++
		total.failed++
		t.Errorf("%s: does not parse: %v", path, err)
	}
	for i, d := range dirs {
		t.Logf("%s: %d files, %d parsed, %d failed (+%d rejected by Jinja2 too)",
			d, perDir[i].files, perDir[i].files-perDir[i].failed-perDir[i].alsoJinja2, perDir[i].failed, perDir[i].alsoJinja2)
	}
	t.Logf("total: %d files, %d parsed, %d failed (+%d rejected by Jinja2 too)",
		total.files, total.files-total.failed-total.alsoJinja2, total.failed, total.alsoJinja2)
}
