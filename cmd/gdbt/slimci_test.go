package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// slimProject writes a project with two targets in one DuckDB file: prod (schema prod)
// and ci (schema ci).
func slimProject(t *testing.T) (dir, db string) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "wh.duckdb")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	files := map[string]string{
		"dbt_project.yml":      "name: slim\nprofile: slim\n",
		"profiles.yml":         "slim:\n  target: prod\n  outputs:\n    prod: {type: duckdb, path: '" + db + "', schema: prod}\n    ci: {type: duckdb, path: '" + db + "', schema: ci}\n",
		"models/stg.sql":       "{{ config(materialized='table') }}select 1 as id, 10 as amount union all select 2, 20\n",
		"models/dim.sql":       "select id, amount from {{ ref('stg') }}\n",
		"models/report.sql":    "{{ config(materialized='table') }}select sum(amount) as total from {{ ref('dim') }}\n",
		"models/unrelated.sql": "select 42 as answer\n",
		"models/schema.yml":    "version: 2\nmodels:\n  - name: dim\n    columns:\n      - name: id\n        data_tests: [not_null]\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, db
}

// relationsIn lists the relations of a schema of the DuckDB file.
func relationsIn(t *testing.T, db, schema string) []string {
	t.Helper()
	conn, err := sql.Open("duckdb", db+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query("select table_name from information_schema.tables where table_schema = ? order by 1", schema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// queryOne returns the first column of the first row.
func queryOne(t *testing.T, db, q string) string {
	t.Helper()
	conn, err := sql.Open("duckdb", db+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var s string
	if err := conn.QueryRow(q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// TestSlimCI builds a project into prod, keeps its artifacts as state, changes one model,
// and builds state:modified+ with --defer into the empty ci schema: only the changed model
// and its child are built there, reading their unchanged parent from prod.
func TestSlimCI(t *testing.T) {
	dir, db := slimProject(t)
	if code, out, errb := runCLI(t, "build", "--project-dir", dir); code != ExitOK {
		t.Fatalf("prod build: exit %d\n%s%s", code, out, errb)
	}
	state := filepath.Join(dir, "prod-artifacts")
	os.MkdirAll(state, 0o755)
	b, err := os.ReadFile(filepath.Join(dir, "target", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(state, "manifest.json"), b, 0o644)
	os.WriteFile(filepath.Join(dir, "models", "dim.sql"), []byte("select id, amount * 2 as amount from {{ ref('stg') }}\n"), 0o644)

	// Without --defer the changed model cannot find its parent in ci.
	code, out, errb := runCLI(t, "build", "-s", "state:modified+", "--state", state, "-t", "ci", "--project-dir", dir, "--target-path", "target_nodefer")
	if code != ExitNodeFailed {
		t.Fatalf("build without --defer: exit %d, want 1\n%s%s", code, out, errb)
	}

	code, out, errb = runCLI(t, "build", "-s", "state:modified+", "--defer", "--state", state, "-t", "ci", "--project-dir", dir, "--target-path", "target_ci")
	if code != ExitOK {
		t.Fatalf("slim CI build: exit %d\n%s%s", code, out, errb)
	}
	if got := relationsIn(t, db, "ci"); strings.Join(got, ",") != "dim,report" {
		t.Errorf("ci schema has %v, want [dim report] (only the changed model and its child)", got)
	}
	if got := queryOne(t, db, "select total::varchar from ci.report"); got != "60" {
		t.Errorf("ci.report total = %s, want 60 (the changed dim over prod.stg)", got)
	}
	run, err := os.ReadFile(filepath.Join(dir, "target_ci", "run", "slim", "models", "dim.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(run), `"prod"."stg"`) {
		t.Errorf("dim did not read its parent from prod:\n%s", run)
	}
	if !strings.Contains(out, "PASS=3") {
		t.Errorf("want dim, report and dim's test built:\n%s", out)
	}

	// --favor-state: an unselected parent that exists in ci is still read from prod.
	code, out, errb = runCLI(t, "run", "-s", "stg", "-t", "ci", "--project-dir", dir, "--target-path", "target_ci2")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	for _, favor := range []bool{false, true} {
		args := []string{"run", "-s", "dim", "--defer", "--state", state, "-t", "ci", "--project-dir", dir, "--target-path", "target_ci3"}
		if favor {
			args = append(args, "--favor-state")
		}
		if code, out, errb := runCLI(t, args...); code != ExitOK {
			t.Fatalf("exit %d\n%s%s", code, out, errb)
		}
		run, _ := os.ReadFile(filepath.Join(dir, "target_ci3", "run", "slim", "models", "dim.sql"))
		want := `"ci"."stg"`
		if favor {
			want = `"prod"."stg"`
		}
		if !strings.Contains(string(run), want) {
			t.Errorf("favor-state=%v: dim should read %s:\n%s", favor, want, run)
		}
	}

	// --defer without any state is dbt's error.
	if code, _, errb := runCLI(t, "run", "--defer", "-t", "ci", "--project-dir", dir); code != ExitLoadFailed || !strings.Contains(errb, "--state or --defer-state are required") {
		t.Errorf("--defer without --state: exit %d\n%s", code, errb)
	}
}

// TestClone clones prod's relations into the empty ci schema as views, leaves existing
// ones alone, and replaces them with --full-refresh.
func TestClone(t *testing.T) {
	dir, db := slimProject(t)
	if code, out, errb := runCLI(t, "build", "--project-dir", dir); code != ExitOK {
		t.Fatalf("prod build: exit %d\n%s%s", code, out, errb)
	}
	state := filepath.Join(dir, "target")
	if code, _, errb := runCLI(t, "clone", "-t", "ci", "--project-dir", dir); code != ExitLoadFailed || !strings.Contains(errb, "needs --state") {
		t.Errorf("clone without --state: exit %d\n%s", code, errb)
	}
	code, out, errb := runCLI(t, "clone", "--state", state, "-t", "ci", "--project-dir", dir, "--target-path", "target_ci", "-s", "stg", "report")
	if code != ExitOK {
		t.Fatalf("clone: exit %d\n%s%s", code, out, errb)
	}
	if got := relationsIn(t, db, "ci"); strings.Join(got, ",") != "report,stg" {
		t.Errorf("ci has %v, want [report stg]", got)
	}
	if got := queryOne(t, db, "select table_type from information_schema.tables where table_schema='ci' and table_name='report'"); got != "VIEW" {
		t.Errorf("DuckDB cannot clone tables: report should be a view, is %s", got)
	}
	if got := queryOne(t, db, "select total::varchar from ci.report"); got != "30" {
		t.Errorf("ci.report = %s, want prod's 30", got)
	}
	code, out, _ = runCLI(t, "clone", "--state", state, "-t", "ci", "--project-dir", dir, "--target-path", "target_ci", "-s", "report")
	if code != ExitOK || !strings.Contains(out, "already exists") || !strings.Contains(out, "[No-op]") {
		t.Errorf("second clone should be a no-op:\n%s", out)
	}
	code, out, errb = runCLI(t, "clone", "--state", state, "-t", "ci", "--project-dir", dir, "--target-path", "target_ci", "-s", "report", "--full-refresh")
	if code != ExitOK || strings.Contains(out, "[No-op]") {
		t.Errorf("--full-refresh should replace the relation: exit %d\n%s%s", code, out, errb)
	}
	logf, _ := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
	if !regexp.MustCompile(`\[debug\] On model\.slim\.report: create view "[^"]*"\."ci"\."report" as select \* from`).Match(logf) ||
		!regexp.MustCompile(`(?s)On model\.slim\.report: create view.*?\n[^\n]*\[debug\] SQL status: OK`).Match(logf) {
		t.Errorf("the clone statements are not in the debug log with their node and status:\n%s", logf)
	}
}

// TestInit creates a project non-interactively (flags) and interactively (answers on the
// terminal), then builds the new project with its new profile.
func TestInit(t *testing.T) {
	work := t.TempDir()
	profiles := filepath.Join(work, "profiles")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	code, out, errb := runCLI(t, "init", "jaffle", "--project-dir", work, "--profiles-dir", profiles)
	if code != ExitOK {
		t.Fatalf("init: exit %d\n%s%s", code, out, errb)
	}
	for _, f := range []string{"dbt_project.yml", "models/example/my_first_dbt_model.sql", "seeds/.gitkeep"} {
		if _, err := os.Stat(filepath.Join(work, "jaffle", f)); err != nil {
			t.Errorf("skeleton lacks %s", f)
		}
	}
	prof, _ := os.ReadFile(filepath.Join(profiles, "profiles.yml"))
	if !strings.Contains(string(prof), "jaffle:") || !strings.Contains(string(prof), "type: duckdb") {
		t.Errorf("profiles.yml:\n%s", prof)
	}
	code, out, errb = runCLI(t, "build", "--project-dir", filepath.Join(work, "jaffle"), "--profiles-dir", profiles)
	if code != ExitOK || !strings.Contains(out, "PASS=6") {
		t.Errorf("building the new project: exit %d\n%s%s", code, out, errb)
	}
	if code, _, errb := runCLI(t, "init", "jaffle", "--project-dir", work, "--profiles-dir", profiles); code != ExitLoadFailed || !strings.Contains(errb, "already exists") {
		t.Errorf("init over an existing project: exit %d\n%s", code, errb)
	}
	if code, _, errb := runCLI(t, "init", "9bad", "--project-dir", work); code != ExitLoadFailed || !strings.Contains(errb, "not a valid project name") {
		t.Errorf("bad name: exit %d\n%s", code, errb)
	}
	// --adapter postgres without a terminal: secrets stay env_var() references.
	if code, out, errb := runCLI(t, "init", "pgproj", "--adapter", "postgres", "--project-dir", work, "--profiles-dir", profiles); code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	prof, _ = os.ReadFile(filepath.Join(profiles, "profiles.yml"))
	if !strings.Contains(string(prof), "env_var(''DBT_PASSWORD'')") || !strings.Contains(string(prof), "type: postgres") {
		t.Errorf("postgres profile:\n%s", prof)
	}

	// Interactive: the answers a user types on a terminal.
	g := newGlobals(nil, &bytes.Buffer{}, &bytes.Buffer{})
	if _, err := g.parse([]string{"init", "--project-dir", work, "--profiles-dir", profiles}); err != nil {
		t.Fatal(err)
	}
	var prompts bytes.Buffer
	in := &initIO{r: bufio.NewReader(strings.NewReader("bad name\nshop2\n3\nxy123\nme\nsecret\nANALYST\n\nWH\n\n4\n")), w: &prompts, interactive: true}
	if err := runInit(g, in, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(prompts.String(), "Which database would you like to use?") || !strings.Contains(prompts.String(), "Enter a valid name") {
		t.Errorf("prompts:\n%s", prompts.String())
	}
	prof, _ = os.ReadFile(filepath.Join(profiles, "profiles.yml"))
	for _, want := range []string{"shop2:", "type: snowflake", "account: xy123", "role: ANALYST", "database: shop2", "warehouse: WH", "threads: 4"} {
		if !strings.Contains(string(prof), want) {
			t.Errorf("interactive profile lacks %q:\n%s", want, prof)
		}
	}
}
