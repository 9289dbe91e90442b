package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDepsThenBuild is a new user's first two commands on a project with packages:
// `gdbt deps` installs a local package and, through that package's own packages.yml, a
// git package (a repository made here, file:// URL, pinned to a tag); `gdbt build` then
// builds the project's model that calls the git package's macro and refs the local
// package's model, and the package's own model and test.
func TestDepsThenBuild(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed (.ci/run installs it)")
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	repo := filepath.Join(t.TempDir(), "mathlib")
	for name, body := range map[string]string{
		"dbt_project.yml":   "name: mathlib\nversion: '1.0.0'\nconfig-version: 2\n",
		"macros/double.sql": "{% macro double(x) %}({{ x }} * 2){% endmacro %}\n",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(repo, name)), 0o755)
		rtWrite(t, repo, name, body)
	}
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-qm", "mathlib 1.0")
	git("tag", "v1.0")
	sha := git("rev-parse", "v1.0")

	dir := t.TempDir()
	for name, body := range map[string]string{
		"dbt_project.yml":                        "name: shop\nprofile: shop\n",
		"profiles.yml":                           "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/shop.duckdb\n      threads: 2\n",
		"packages.yml":                           "packages:\n  - local: libs/helpers\n",
		"models/totals.sql":                      "select id, {{ mathlib.double('v') }} as v2 from {{ ref('helper_numbers') }}\n",
		"libs/helpers/dbt_project.yml":           "name: helpers\nversion: '1.0.0'\nconfig-version: 2\nmodels:\n  helpers:\n    +materialized: table\n",
		"libs/helpers/packages.yml":              "packages:\n  - git: \"file://" + filepath.ToSlash(repo) + "\"\n    revision: v1.0\n",
		"libs/helpers/models/helper_numbers.sql": "select range as id, range + 1 as v from range(3)\n",
		"libs/helpers/models/schema.yml":         "version: 2\nmodels:\n  - name: helper_numbers\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		rtWrite(t, dir, name, body)
	}
	// Before deps: dbt's message, not an unknown-macro error.
	if r := rtGdbt(t, dir, "build"); r.code != ExitLoadFailed || !strings.Contains(r.err, `Run "gdbt deps"`) {
		t.Errorf("build before deps:\n%s", r)
	}
	r := rtMust(t, dir, 0, "deps")
	for _, want := range []string{"Installing libs/helpers", "Installing file://", "Installed from revision " + sha} {
		if !strings.Contains(r.out, want) {
			t.Errorf("deps output lacks %q:\n%s", want, r)
		}
	}
	for _, p := range []string{"helpers", "mathlib"} {
		if _, err := os.Stat(filepath.Join(dir, "dbt_packages", p, "dbt_project.yml")); err != nil {
			t.Error(err)
		}
	}
	r = rtMust(t, dir, 0, "build")
	if !strings.Contains(r.out, "PASS=4 WARN=0 ERROR=0 SKIP=0") {
		t.Errorf("build after deps:\n%s", r)
	}
	got := rtQueryFile(t, filepath.Join(dir, "target", "shop.duckdb"), "select id, v2 from main.totals order by id")
	if strings.Join(got, ",") != "0|2,1|4,2|6" {
		t.Errorf("totals = %v, want the package's rows doubled by the git package's macro", got)
	}
	// The lock pins the git tag to its commit (dbt resolves it first, then installs from
	// the lock: hence "Installed from revision <sha>"); a second deps installs from it.
	lock, _ := os.ReadFile(filepath.Join(dir, "package-lock.yml"))
	if !strings.Contains(string(lock), "name: mathlib") || !strings.Contains(string(lock), "revision: "+sha) {
		t.Errorf("package-lock.yml:\n%s", lock)
	}
	rtMust(t, dir, 0, "deps")
	rtMust(t, dir, 0, "build", "-s", "totals")
}
