package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/tools/txtar"
)

// fixtureProject extracts a txtar fixture from testdata into a temporary folder and isolates the
// profile search (no ~/.dbt, no DBT_PROFILES_DIR), so the zero-config target is used.
func fixtureProject(t *testing.T, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	return dir
}

// runCLI calls Main in-process and returns the exit code and both streams.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	if strings.Contains(errb.String(), "goroutine ") || strings.Contains(out.String(), "goroutine ") {
		t.Errorf("a Go stack trace reached the console:\n%s%s", out.String(), errb.String())
	}
	return code, out.String(), errb.String()
}

func TestGlobalFlagParsing(t *testing.T) {
	cases := []struct {
		args []string
		rest []string
		chk  func(g *Globals) bool
	}{
		{[]string{"run", "-s", "a", "b+", "--exclude", "c", "--threads", "4", "-t", "prod"}, []string{"run"},
			func(g *Globals) bool {
				return reflect.DeepEqual(g.Select, []string{"a", "b+"}) && reflect.DeepEqual(g.Exclude, []string{"c"}) && g.Threads == 4 && g.Target == "prod"
			}},
		{[]string{"--project-dir", "p", "ls", "--select=x", "--select", "y", "--output", "json"}, []string{"ls"},
			func(g *Globals) bool {
				return g.ProjectDir == "p" && reflect.DeepEqual(g.Select, []string{"x", "y"}) && g.FlagStr("output", "") == "json"
			}},
		{[]string{"build", "-x", "--full-refresh", "--empty", "-q", "--no-color", "--log-format", "json", "--vars", "{a: 1}"}, []string{"build"},
			func(g *Globals) bool {
				return g.FailFast && g.FullRefresh && g.Empty && g.Quiet && g.NoColor && g.LogFormat == "json" && g.Vars == "{a: 1}"
			}},
		{[]string{"show", "--limit", "5", "-s", "m", "--state", "old", "--target-path", "out"}, []string{"show"},
			func(g *Globals) bool {
				return g.State == "old" && g.TargetPath == "out" && reflect.DeepEqual(g.Select, []string{"m"}) && g.FlagInt("limit", 0) == 5
			}},
		{[]string{"run-operation", "grant", "--args", "{x: 1}", "--profiles-dir=pd", "--profile", "p"}, []string{"run-operation", "grant"},
			func(g *Globals) bool {
				return g.ProfilesDir == "pd" && g.Profile == "p" && g.FlagStr("args", "") == "{x: 1}"
			}},
		{[]string{"--log-level", "debug", "parse"}, []string{"parse"}, func(g *Globals) bool { return g.LogLevel == "debug" }},
		{[]string{"-s", "a", "b", "run", "c"}, []string{"run", "c"}, func(g *Globals) bool { return reflect.DeepEqual(g.Select, []string{"a", "b"}) }},
		{[]string{"run", "-s", "run"}, []string{"run"}, func(g *Globals) bool { return reflect.DeepEqual(g.Select, []string{"run"}) }},
	}
	for _, c := range cases {
		g := newGlobals(nil, &bytes.Buffer{}, &bytes.Buffer{})
		rest, err := g.parse(c.args)
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		if !reflect.DeepEqual(rest, c.rest) {
			t.Errorf("%q: rest = %q, want %q", c.args, rest, c.rest)
		}
		if !c.chk(g) {
			t.Errorf("%q: globals %+v", c.args, g)
		}
	}
	for _, bad := range [][]string{{"--threads", "x"}, {"--log-format", "xml"}, {"-s"}, {"--select", "--exclude", "a"}, {"--target"}} {
		g := newGlobals(nil, &bytes.Buffer{}, &bytes.Buffer{})
		if _, err := g.parse(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestExitCodes(t *testing.T) {
	shop := fixtureProject(t, "shop.txtar")
	broken := fixtureProject(t, "broken.txtar")
	empty := t.TempDir()
	cases := []struct {
		name    string
		args    []string
		code    int
		out     string // substring of stdout
		errText string // substring of stderr
	}{
		{"help", []string{"help"}, 0, "run-operation", ""},
		{"--help", []string{"--help"}, 0, "compile", ""},
		{"version", []string{"--version"}, 0, "gdbt version", ""},
		{"no command", nil, 2, "", "no command given"},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"bad flag value", []string{"parse", "--threads", "zero"}, 2, "", "--threads must be a positive integer"},
		{"unknown command flag", []string{"parse", "--frob"}, 2, "", "unknown flag --frob"},
		{"dbt flag gdbt lacks", []string{"build", "--show-resource-report"}, 2, "", "dbt's --show-resource-report is not supported by gdbt"},
		{"bad --sample grain", []string{"build", "--sample", "3 fortnights"}, 2, "", "--sample: invalid grain size 'fortnights'"},
		{"bad --sample form", []string{"run", "--sample", "3days"}, 2, "", "--sample: cannot load SAMPLE_WINDOW from '3days'"},
		{"--sample only for run and build", []string{"compile", "--sample", "3 days"}, 2, "", "--sample"},
		{"dbt negated flag gdbt lacks", []string{"compile", "--no-inject-ephemeral-ctes"}, 2, "", "dbt's --no-inject-ephemeral-ctes is not supported by gdbt"},
		{"no project", []string{"parse", "--project-dir", empty}, 2, "", "no project.yaml or dbt_project.yml in " + empty},
		{"broken project", []string{"parse", "--project-dir", broken}, 2, "", "models/schema.yml:3:14: columns must be a list"},
		{"parse ok", []string{"parse", "--project-dir", shop}, 0, "Parsed 2 models", ""},
		{"bad selector", []string{"ls", "--project-dir", shop, "-s", "tag:"}, 2, "", ""},
		{"ls bad output", []string{"ls", "--project-dir", shop, "--output", "xml"}, 2, "", "--output: \"xml\" is not one of json, name, path, selector"},
		// dbt warns about each criterion that matches nothing (a typo in a selector).
		{"ls unmatched criterion", []string{"ls", "--project-dir", shop, "-s", "no_such_model"}, 0, "", "The selection criterion 'no_such_model' does not match any enabled nodes"},
		{"compile unmatched exclude", []string{"compile", "--project-dir", shop, "--exclude", "tag:nope"}, 0, "", "The selection criterion 'tag:nope' does not match any enabled nodes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errText := runCLI(t, c.args...)
			if code != c.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errText)
			}
			if !strings.Contains(out, c.out) {
				t.Errorf("stdout does not contain %q:\n%s", c.out, out)
			}
			if !strings.Contains(errText, c.errText) {
				t.Errorf("stderr does not contain %q:\n%s", c.errText, errText)
			}
		})
	}
}

func TestBrokenProjectErrorsSorted(t *testing.T) {
	broken := fixtureProject(t, "broken.txtar")
	code, _, errText := runCLI(t, "parse", "--project-dir", broken, "--no-color")
	if code != 2 {
		t.Fatalf("exit %d", code)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(errText), "\n") {
		if i := strings.Index(l, "  "); i >= 0 { // drop the HH:MM:SS prefix
			l = l[i+2:]
		}
		lines = append(lines, l)
	}
	for i := 1; i < len(lines); i++ {
		if lines[i] < lines[i-1] && strings.Contains(lines[i], ":") && strings.Contains(lines[i-1], ":") {
			t.Errorf("errors not sorted:\n%s", strings.Join(lines, "\n"))
		}
	}
}

// cliSchemaFile is a dbt schema of the repository's testdata/dbt-schemas (or
// GDBT_SCHEMAS_DIR); a missing one fails the test.
func cliSchemaFile(t *testing.T, name string) string {
	dir := os.Getenv("GDBT_SCHEMAS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "testdata", "dbt-schemas")
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("schema %s not found: %v", p, err)
	}
	return p
}

func TestParseAndCompileArtifacts(t *testing.T) {
	shop := fixtureProject(t, "shop.txtar")
	code, out, errText := runCLI(t, "parse", "--project-dir", shop, "--log-level", "debug")
	if code != 0 {
		t.Fatalf("parse exit %d\n%s%s", code, out, errText)
	}
	if !strings.Contains(out, "write_manifest") {
		t.Errorf("--log-level debug prints the timings:\n%s", out)
	}
	for _, f := range []string{"target/manifest.json", "target/perf_info.json", "logs/gdbt.log"} {
		if _, err := os.Stat(filepath.Join(shop, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	b, err := os.ReadFile(filepath.Join(shop, "target", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	sch, err := jsonschema.NewCompiler().Compile(cliSchemaFile(t, "manifest_v12.json"))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("target/manifest.json of a parsed project does not validate:\n%v", err)
	}
	var m struct {
		Nodes    map[string]json.RawMessage `json:"nodes"`
		Metadata struct {
			ProjectName string `json:"project_name"`
			AdapterType string `json:"adapter_type"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Metadata.ProjectName != "shop" || m.Metadata.AdapterType != "duckdb" {
		t.Errorf("metadata %+v", m.Metadata)
	}
	if _, ok := m.Nodes["model.shop.dim_orders"]; !ok {
		t.Errorf("nodes: %v", m.Nodes)
	}

	code, out, errText = runCLI(t, "compile", "--project-dir", shop, "-s", "dim_orders")
	if code != 0 {
		t.Fatalf("compile exit %d\n%s%s", code, out, errText)
	}
	sql, err := os.ReadFile(filepath.Join(shop, "target", "compiled", "shop", "models", "marts", "dim_orders.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sql), "(order_id * 100)") || !strings.Contains(string(sql), "stg_orders") || strings.Contains(string(sql), "{{") {
		t.Errorf("compiled SQL:\n%s", sql)
	}
	if _, err := os.Stat(filepath.Join(shop, "target", "compiled", "shop", "models", "staging", "stg_orders.sql")); err == nil {
		t.Error("an unselected model was compiled")
	}

	code, out, _ = runCLI(t, "compile", "--project-dir", shop, "-q", "--inline", "select {{ cents('x') }} from {{ ref('stg_orders') }}")
	if code != 0 || !strings.Contains(out, "select (x * 100) from") || strings.Contains(out, "{{") {
		t.Errorf("compile --inline: exit %d\n%s", code, out)
	}
}

func TestList(t *testing.T) {
	shop := fixtureProject(t, "shop.txtar")
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--resource-type", "model"}, []string{"shop.marts.dim_orders", "shop.staging.stg_orders"}},
		{[]string{"--resource-type", "model", "--output", "name"}, []string{"dim_orders", "stg_orders"}},
		{[]string{"--resource-type", "model", "--output", "path"}, []string{"models/marts/dim_orders.sql", "models/staging/stg_orders.sql"}},
		{[]string{"--resource-type", "source", "--resource-type", "exposure"}, []string{"exposure:shop.dash", "source:shop.raw.events"}},
		{[]string{"-s", "tag:daily", "--resource-type", "model"}, []string{"shop.marts.dim_orders"}},
		// Eager indirect selection: the tests of a selected model come with it, as in dbt.
		{[]string{"-s", "tag:daily", "--output", "name"}, []string{"assert_positive", "dim_orders", "not_null_dim_orders_order_id", "unique_dim_orders_order_id"}},
		{[]string{"--resource-type", "seed", "--output", "name"}, []string{"countries"}},
	}
	for _, c := range cases {
		args := append([]string{"ls", "--project-dir", shop, "-q"}, c.args...)
		code, out, errText := runCLI(t, args...)
		if code != 0 {
			t.Errorf("%q: exit %d: %s", c.args, code, errText)
			continue
		}
		got := strings.Fields(out)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q:\n got %q\nwant %q", c.args, got, c.want)
		}
	}
	code, out, _ := runCLI(t, "list", "--project-dir", shop, "--output", "json", "-s", "dim_orders", "--resource-type", "model", "--output-keys", "name", "resource_type")
	if code != 0 || strings.TrimSpace(out) != `{"name":"dim_orders","resource_type":"model"}` {
		t.Errorf("json: exit %d %q", code, out)
	}
}

func TestCleanAndDeps(t *testing.T) {
	shop := fixtureProject(t, "shop.txtar")
	lib := filepath.Join(t.TempDir(), "lib")
	os.MkdirAll(filepath.Join(lib, "macros"), 0o755)
	os.WriteFile(filepath.Join(lib, "dbt_project.yml"), []byte("name: lib\n"), 0o644)
	os.WriteFile(filepath.Join(lib, "macros", "twice.sql"), []byte("{% macro twice(x) %}2*{{ x }}{% endmacro %}"), 0o644)
	os.WriteFile(filepath.Join(shop, "packages.yml"), []byte("packages:\n  - local: "+lib+"\n"), 0o644)
	if code, out, errText := runCLI(t, "deps", "--project-dir", shop); code != 0 {
		t.Fatalf("deps: %d %s %s", code, out, errText)
	}
	if _, err := os.Stat(filepath.Join(shop, "dbt_packages", "lib", "macros", "twice.sql")); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "compile", "--project-dir", shop, "-q", "--inline", "{{ lib.twice(3) }}")
	if code != 0 || strings.TrimSpace(out) != "2*3" {
		t.Errorf("package macro after deps: %d %q", code, out)
	}
	if code, _, _ := runCLI(t, "parse", "--project-dir", shop); code != 0 {
		t.Fatal("parse")
	}
	if code, out, errText := runCLI(t, "clean", "--project-dir", shop); code != 0 {
		t.Fatalf("clean: %d %s %s", code, out, errText)
	}
	for _, d := range []string{"target", "dbt_packages"} {
		if _, err := os.Stat(filepath.Join(shop, d)); !os.IsNotExist(err) {
			t.Errorf("%s still exists", d)
		}
	}
	if _, err := os.Stat(filepath.Join(lib, "macros", "twice.sql")); err != nil {
		t.Errorf("clean followed the package symlink and deleted its source: %v", err)
	}
	os.WriteFile(filepath.Join(shop, "dbt_project.yml"), []byte("name: shop\nclean-targets: [\"..\"]\n"), 0o644)
	if code, _, errText := runCLI(t, "clean", "--project-dir", shop); code != 2 || !strings.Contains(errText, "outside the project folder") {
		t.Errorf("clean outside the project: %d %s", code, errText)
	}
	missing := "file://" + filepath.Join(t.TempDir(), "no-such-repo")
	os.WriteFile(filepath.Join(shop, "packages.yml"), []byte("packages:\n  - git: "+missing+"\n    revision: v1\n"), 0o644)
	if code, _, errText := runCLI(t, "deps", "--project-dir", shop); code != 2 || !strings.Contains(errText, "Error checking out spec='v1' for repo "+missing) {
		t.Errorf("deps git: %d %s", code, errText)
	}
	// parse with a listed package that is not installed says to run gdbt deps (dbt's message)
	if code, _, errText := runCLI(t, "parse", "--project-dir", shop); code != 2 || !strings.Contains(errText, `dbt found 1 package(s) specified in packages.yml, but only 0 package(s) installed in dbt_packages. Run "gdbt deps" to install package dependencies.`) {
		t.Errorf("parse without deps: %d %s", code, errText)
	}
}

func TestDebugZeroConfig(t *testing.T) {
	shop := fixtureProject(t, "shop.txtar")
	code, out, errText := runCLI(t, "debug", "--project-dir", shop)
	if code != 0 {
		t.Fatalf("debug exit %d\n%s\n%s", code, out, errText)
	}
	for _, want := range []string{"project: shop", "zero-config target", "adapter type: duckdb", "connection test (select 1): OK", "All checks passed!"} {
		if !strings.Contains(out, want) {
			t.Errorf("debug output lacks %q:\n%s", want, out)
		}
	}
	os.WriteFile(filepath.Join(shop, "profiles.yml"), []byte("shop:\n  target: dev\n  outputs:\n    dev: {type: snowflake, account: x, password: hunter2}\n"), 0o644)
	code, out, _ = runCLI(t, "debug", "--project-dir", shop)
	if code != 1 || strings.Contains(out, "hunter2") || !strings.Contains(out, "password: *****") {
		t.Errorf("debug with an unbuilt adapter: exit %d\n%s", code, out)
	}
}

func TestJSONLogFormat(t *testing.T) {
	shop := fixtureProject(t, "shop.txtar")
	code, out, _ := runCLI(t, "parse", "--project-dir", shop, "--log-format", "json")
	if code != 0 {
		t.Fatal(code)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev struct{ Info map[string]any }
		if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.Info["level"] == nil || ev.Info["msg"] == nil {
			t.Errorf("not a dbt JSON event: %q (%v)", line, err)
		}
	}
}
