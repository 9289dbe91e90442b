package compiler

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// extractTxtar writes the files of a txtar fixture under testdata/load into a fresh
// temporary folder and returns it.
func extractTxtar(t *testing.T, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", "load", name))
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
	return dir
}

// jinjaWorks reports whether the template engine can render yet (it is being written in
// parallel; tests of env_var rendering skip until it can).
func jinjaWorks() bool {
	out, err := RenderString("probe", "{{ 1 + 1 }}", nil)
	return err == nil && out == "2"
}

func TestLoadProjectConfigFull(t *testing.T) {
	dir := extractTxtar(t, "full_project.txtar")
	pc, err := LoadProjectConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"name", pc.Name, "shop"},
		{"version", pc.Version, "1.0.0"},
		{"config-version", pc.ConfigVersion, 2},
		{"profile", pc.Profile, "shop_profile"},
		{"model-paths", pc.ModelPaths, []string{"models", "more_models"}},
		{"seed-paths (scalar form)", pc.SeedPaths, []string{"data"}},
		{"macro-paths default", pc.MacroPaths, []string{"macros"}},
		{"test-paths default", pc.TestPaths, []string{"tests"}},
		{"snapshot-paths default", pc.SnapshotPaths, []string{"snapshots"}},
		{"analysis-paths default", pc.AnalysisPaths, []string{"analyses"}},
		{"target-path", pc.TargetPath, "build"},
		{"log-path default", pc.LogPath, "logs"},
		{"packages-install-path default", pc.PackagesInstallPath, "dbt_packages"},
		{"clean-targets", pc.CleanTargets, []string{"build", "dbt_packages"}},
		{"on-run-start (string form)", pc.OnRunStart, []string{"create schema if not exists audit"}},
		{"on-run-end unrendered", pc.OnRunEnd, []string{"grant select on all tables to reporter", "{{ log('done') }}"}},
		{"vars", pc.Vars["start_date"], "2020-01-01"},
		{"package vars", pc.Vars["utils"], map[string]any{"pkg_var": 1}},
		{"dispatch", pc.Dispatch, []Dispatch{{MacroNamespace: "dbt_utils", SearchOrder: []string{"shop", "dbt_utils"}}}},
		{"models tree", pc.Models["+materialized"], "view"},
		{"quoting", pc.Quoting, map[string]any{"identifier": false}},
		{"file", pc.File, filepath.Join(dir, "dbt_project.yml")},
		{"docs-paths default covers resource folders", pc.DocsPaths, []string{"models", "more_models", "data", "tests", "analyses", "macros", "snapshots"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	// The fixture's model folders do not exist and seed-paths is a string: located warnings.
	wantWarn := []string{
		`dbt_project.yml:5:15: model-paths: folder "models" does not exist, so nothing is read from it (check the spelling)`,
		`dbt_project.yml:5:25: model-paths: folder "more_models" does not exist, so nothing is read from it (check the spelling)`,
		`dbt_project.yml:6:13: seed-paths should be a list of folders, e.g. ["data"]; taking "data" as a list of one`,
	}
	if !reflect.DeepEqual(pc.Warnings, wantWarn) {
		t.Errorf("warnings = %q, want %q", pc.Warnings, wantWarn)
	}
}

func TestLoadProjectConfigGdbtName(t *testing.T) {
	dir := extractTxtar(t, "gdbt_name.txtar")
	pc, err := LoadProjectConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if pc.Name != "mini" || pc.TargetPath != "target" || !reflect.DeepEqual(pc.CleanTargets, []string{"target"}) ||
		!reflect.DeepEqual(pc.ModelPaths, []string{"models"}) || filepath.Base(pc.File) != "project.yaml" {
		t.Errorf("defaults not applied: %+v", pc)
	}
}

func TestLoadProjectConfigErrors(t *testing.T) {
	cases := []struct {
		fixture string
		want    []string // each must appear in the error text
	}{
		{"both_files.txtar", []string{"both project.yaml and dbt_project.yml"}},
		{"bad_yaml.txtar", []string{"dbt_project.yml:3:1: invalid YAML: did not find expected"}},
		{"wrong_types.txtar", []string{
			"dbt_project.yml:2:14: expected a string or a list of strings, got a mapping",
			"dbt_project.yml:3:17: expected an integer",
			"dbt_project.yml:4:7: expected a mapping, got a list",
		}},
		{"renamed_keys.txtar", []string{"dbt_project.yml:2:1: source-paths was renamed in dbt 1.0; use model-paths"}},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			dir := extractTxtar(t, c.fixture)
			_, err := LoadProjectConfig(dir)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrProject) {
				t.Errorf("error does not match ErrProject: %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err.Error(), w)
				}
			}
		})
	}
}

func TestLoadProjectConfigNoFile(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadProjectConfig(dir)
	if err == nil || !strings.Contains(err.Error(), "no project.yaml or dbt_project.yml in "+dir) {
		t.Fatalf("got %v", err)
	}
	if !errors.Is(err, ErrProject) {
		t.Errorf("not ErrProject: %v", err)
	}
}

func TestLoadProjectConfigUnknownKeyWarning(t *testing.T) {
	dir := extractTxtar(t, "unknown_keys.txtar")
	pc, err := LoadProjectConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`dbt_project.yml:3:1: unknown key "modle-paths" in project file`}
	if !reflect.DeepEqual(pc.Warnings, want) {
		t.Errorf("warnings = %q, want %q", pc.Warnings, want)
	}
}

func TestLoadProjectConfigEnvVar(t *testing.T) {
	if !jinjaWorks() {
		t.Skip("compiler/jinja cannot render yet")
	}
	dir := extractTxtar(t, "env_var.txtar")
	t.Setenv("GDBT_TEST_TARGET", "out")
	pc, err := LoadProjectConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if pc.Profile != "fallback" || pc.TargetPath != "out" {
		t.Errorf("profile %q target-path %q", pc.Profile, pc.TargetPath)
	}
	hook := pc.Models["shop"].(map[string]any)["+post-hook"]
	if hook != "{{ env_var('NOT_RENDERED_AT_LOAD') }}" {
		t.Errorf("hook rendered at load time: %v", hook)
	}
	if v := pc.Vars["lazy"]; v != "{{ env_var('NOT_RENDERED_AT_LOAD') }}" {
		t.Errorf("vars rendered at load time: %v", v)
	}
	os.Unsetenv("GDBT_TEST_TARGET")
	_, err = LoadProjectConfig(dir)
	if err == nil || !strings.Contains(err.Error(), "dbt_project.yml:3:14:") || !strings.Contains(err.Error(), "GDBT_TEST_TARGET") {
		t.Errorf("missing env var: got %v", err)
	}
}

func TestParseCLIVars(t *testing.T) {
	cases := []struct {
		in   string
		want map[string]any
		err  bool
	}{
		{"", map[string]any{}, false},
		{`{"a": 1, "b": "x"}`, map[string]any{"a": 1, "b": "x"}, false},
		{"{a: 1, b: [1, 2]}", map[string]any{"a": 1, "b": []any{1, 2}}, false},
		{"a: true", map[string]any{"a": true}, false},
		{"[1, 2]", nil, true},
		{"{a: ", nil, true},
	}
	for _, c := range cases {
		got, err := ParseCLIVars(c.in)
		if (err != nil) != c.err {
			t.Errorf("%q: err = %v", c.in, err)
			continue
		}
		if !c.err && !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %#v, want %#v", c.in, got, c.want)
		}
	}
}
