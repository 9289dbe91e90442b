package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPythonModelsSkipWithReason checks that a python model is a node (ls lists it, a SQL
// model may ref it, the load does not fail) that the build reports as SKIP with the reason,
// every dependent skipped naming it, while the rest of the project builds.
func TestPythonModelsSkipWithReason(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"dbt_project.yml": "name: py\nprofile: py\n",
		"profiles.yml":    "py:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/py.duckdb\n",
		"models/up.sql":   "select 1 as id\n",
		"models/py_model.py": "def model(dbt, session):\n    dbt.config(materialized=\"table\")\n" +
			"    return dbt.ref(\"up\").to_df()\n",
		"models/down.sql":      "select * from {{ ref('py_model') }}\n",
		"tests/fixtures/f.sql": "select 1 as not_a_test\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	ls := rtMust(t, dir, 0, "ls")
	for _, want := range []string{"py.py_model", "py.down", "py.up"} {
		if !strings.Contains(ls.out, want) {
			t.Errorf("ls: no %s in\n%s", want, ls.out)
		}
	}
	if strings.Contains(ls.out, "not_a_test") || strings.Contains(ls.out, "fixtures") {
		t.Errorf("ls lists a file under tests/fixtures as a node:\n%s", ls.out)
	}
	r := rtMust(t, dir, 0, "build")
	res := rtResults(t, dir)
	if got := res["model.py.up"].Status; got != "success" {
		t.Errorf("up: %s, want success", got)
	}
	py := res["model.py.py_model"]
	if py.Status != "skipped" || py.Message == nil || !strings.Contains(*py.Message, "python models cannot run in gdbt") {
		t.Errorf("py_model: %+v, want skipped with the reason", py)
	}
	down := res["model.py.down"]
	if down.Status != "skipped" || down.Message == nil || !strings.Contains(*down.Message, "python model py_model") {
		t.Errorf("down: %+v, want skipped naming python model py_model", down)
	}
	if !strings.Contains(r.out+r.err, "SKIP python model") {
		t.Errorf("console has no SKIP line for the python model:\n%s", r)
	}
}
