package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompileOptionsReachTheCompiler checks that gdbt compile hands the compiler the
// command name ({{ flags.WHICH }}), its flags (-x: {{ flags.FAIL_FAST }}; --store-failures
// is not a compile flag in dbt, so it stays False), a log() sink, and the target
// engine's dialect (DuckDB's reader for a tab-separated source, not the generic one).
func TestCompileOptionsReachTheCompiler(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	files := map[string]string{
		"dbt_project.yml": "name: opt\nprofile: opt\n",
		"models/src.yml":  "version: 2\nsources:\n  - name: raw\n    meta:\n      external_location: \"data/{name}.tsv\"\n    tables:\n      - name: t\n",
		"models/m.sql":    "{{ log('hello from log', info=True) }}select '{{ flags.WHICH }}' as w, '{{ flags.STORE_FAILURES }}' as sf, '{{ flags.FAIL_FAST }}' as ff, * from {{ source('raw', 't') }}\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errb := runCLI(t, "--project-dir", dir, "-x", "compile")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	b, err := os.ReadFile(filepath.Join(dir, "target", "compiled", "opt", "models", "m.sql"))
	if err != nil {
		t.Fatal(err)
	}
	sql := string(b)
	abs, _ := filepath.Abs(filepath.Join(dir, "data", "t.tsv"))
	for _, want := range []string{"'compile' as w", "'False' as sf", "'True' as ff", "read_csv_auto('" + abs + "', delim='\\t')"} {
		if !strings.Contains(sql, want) {
			t.Errorf("compiled SQL lacks %q:\n%s", want, sql)
		}
	}
	if !strings.Contains(out+errb, "hello from log") {
		t.Errorf("log(info=True) did not reach the console:\n%s%s", out, errb)
	}
}
