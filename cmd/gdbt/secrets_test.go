package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretsNeverWritten runs builds (one failing), compile and debug with a
// DBT_ENV_SECRET_* value used in SQL and a secret nested in the profile, then greps every
// file gdbt wrote and every console line for both.
func TestSecretsNeverWritten(t *testing.T) {
	// Quotes, a backslash and HTML characters: JSON writers escape them, and the escaped
	// form must be redacted too.
	const envSecret = `env-s3"cr<3t&\Zq81`
	const nestedSecret = "nested-k3y-Pw77"
	t.Setenv("DBT_ENV_SECRET_TOKEN", envSecret)
	dir := t.TempDir()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	files := map[string]string{
		"dbt_project.yml": "name: sec\nprofile: sec\n",
		"profiles.yml": "sec:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: sec.duckdb\n" +
			"    leaky:\n      type: duckdb\n      path: sec.duckdb\n      settings:\n        s3_secret_access_key: " + nestedSecret + "\n",
		"models/uses_secret.sql": "{{ config(materialized='table') }}\nselect '{{ env_var(\"DBT_ENV_SECRET_TOKEN\") }}' as token\n",
		"models/fails.sql":       "select '{{ env_var(\"DBT_ENV_SECRET_TOKEN\") }}'::integer as boom\n",
		"models/view.sql":        "select * from {{ ref('uses_secret') }} where token <> '{{ env_var(\"DBT_ENV_SECRET_TOKEN\") }}x'\n",
	}
	for name, body := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		rtWrite(t, dir, name, body)
	}
	var console strings.Builder
	for _, args := range [][]string{
		{"build", "--log-level", "debug"},
		{"compile"},
		{"run", "--log-level", "debug", "--log-format", "json"},
		{"debug"},
		{"debug", "--target", "leaky"},
		{"run", "--target", "leaky"},
		{"parse"}, // warm: the partial-parse state is read back and rewritten
		{"docs", "generate"},
		{"show", "-s", "uses_secret"},
		{"ls", "--output", "json"},
	} {
		r := rtGdbt(t, dir, args...)
		console.WriteString(r.out + r.err)
	}
	if !strings.Contains(console.String(), "*****") {
		t.Errorf("no redaction marker in the console: the secret was never printed at all?")
	}
	leaks := []string{envSecret, nestedSecret}
	for _, html := range []bool{true, false} {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		enc.Encode(envSecret)
		leaks = append(leaks, strings.Trim(strings.TrimSpace(b.String()), `"`))
	}
	for _, s := range leaks {
		for i, line := range strings.Split(console.String(), "\n") {
			if strings.Contains(line, s) {
				t.Errorf("console line %d shows a secret: %s", i+1, line)
			}
		}
	}
	n := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".duckdb") || strings.HasSuffix(path, ".wal") || filepath.Base(path) == "profiles.yml" {
			return err // the warehouse holds the data itself; profiles.yml is the user's
		}
		if strings.HasPrefix(d.Name(), "models") || strings.Contains(path, string(filepath.Separator)+"models"+string(filepath.Separator)) && !strings.Contains(path, "target") {
			return nil
		}
		n++
		b, _ := os.ReadFile(path)
		for _, s := range leaks {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds a secret", path)
			}
		}
		return nil
	})
	if n < 5 {
		t.Errorf("only %d written files checked", n)
	}
}
