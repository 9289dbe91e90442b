package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler"
)

// flagCase is one row of the CLI table: a fresh copy of the shop fixture, extra files
// and environment, a command line, and what it must have changed.
type flagCase struct {
	name  string
	files map[string]string // written into the project (dbt_project.yml+ is appended)
	env   map[string]string
	args  []string // --project-dir <dir> is added unless noDir
	noDir bool
	code  int
	check func(t *testing.T, dir, out, errb string)
}

// TestFlagEffects runs each flag (from the command line, its DBT_ variable, or the
// project's flags:) against the shop project and asserts what it changed.
func TestFlagEffects(t *testing.T) {
	jsonLines := func(t *testing.T, out string, want bool) {
		t.Helper()
		lines := strings.Split(strings.TrimSpace(out), "\n")
		isJSON := json.Valid([]byte(lines[0]))
		if isJSON != want {
			t.Errorf("console JSON = %v, want %v:\n%s", isJSON, want, out)
		}
	}
	exists := func(t *testing.T, path string, want bool) {
		t.Helper()
		_, err := os.Stat(path)
		if (err == nil) != want {
			t.Errorf("%s exists = %v, want %v", path, err == nil, want)
		}
	}
	has := func(t *testing.T, s, sub string, want bool) {
		t.Helper()
		if strings.Contains(s, sub) != want {
			t.Errorf("output contains %q = %v, want %v:\n%s", sub, !want, want, s)
		}
	}
	printModel := map[string]string{"models/p.sql": "{{ print('hello-from-print') }}select '{{ flags.FAIL_FAST }}' as ff, '{{ flags.LOG_FORMAT }}' as lf\n"}
	cases := []flagCase{
		{name: "DBT_LOG_FORMAT env", env: map[string]string{"DBT_LOG_FORMAT": "json"}, args: []string{"parse"},
			check: func(t *testing.T, dir, out, errb string) { jsonLines(t, out, true) }},
		{name: "flag beats env", env: map[string]string{"DBT_LOG_FORMAT": "json"}, args: []string{"parse", "--log-format", "text"},
			check: func(t *testing.T, dir, out, errb string) { jsonLines(t, out, false) }},
		{name: "project flags: log_format", files: map[string]string{"dbt_project.yml+": "flags:\n  log_format: json\n"}, args: []string{"parse"},
			check: func(t *testing.T, dir, out, errb string) { jsonLines(t, out, true) }},
		{name: "env beats project flags", files: map[string]string{"dbt_project.yml+": "flags:\n  log_format: json\n"}, env: map[string]string{"DBT_LOG_FORMAT": "text"}, args: []string{"parse"},
			check: func(t *testing.T, dir, out, errb string) { jsonLines(t, out, false) }},
		{name: "DBT_TARGET_PATH", env: map[string]string{"DBT_TARGET_PATH": "out"}, args: []string{"parse"},
			check: func(t *testing.T, dir, out, errb string) {
				exists(t, filepath.Join(dir, "out", "manifest.json"), true)
				exists(t, filepath.Join(dir, "target", "manifest.json"), false)
			}},
		{name: "DBT_PROJECT_DIR", noDir: true, env: map[string]string{"DBT_PROJECT_DIR": "DIR"}, args: []string{"parse"},
			check: func(t *testing.T, dir, out, errb string) {
				exists(t, filepath.Join(dir, "target", "manifest.json"), true)
			}},
		{name: "--no-write-json", args: []string{"parse", "--no-write-json"},
			check: func(t *testing.T, dir, out, errb string) {
				exists(t, filepath.Join(dir, "target", "manifest.json"), false)
			}},
		{name: "project flags: write_json false", files: map[string]string{"dbt_project.yml+": "flags:\n  write_json: false\n"}, args: []string{"parse"},
			check: func(t *testing.T, dir, out, errb string) {
				exists(t, filepath.Join(dir, "target", "manifest.json"), false)
			}},
		{name: "warning without --warn-error", args: []string{"ls", "-s", "nosuch"},
			check: func(t *testing.T, dir, out, errb string) { has(t, errb, "does not match any enabled nodes", true) }},
		{name: "--warn-error", args: []string{"ls", "-s", "nosuch", "--warn-error"}, code: ExitLoadFailed,
			check: func(t *testing.T, dir, out, errb string) { has(t, errb, "Compilation Error", true) }},
		{name: "DBT_WARN_ERROR", env: map[string]string{"DBT_WARN_ERROR": "true"}, args: []string{"ls", "-s", "nosuch"}, code: ExitLoadFailed,
			check: func(t *testing.T, dir, out, errb string) { has(t, errb, "Compilation Error", true) }},
		{name: "--warn-error-options error by name", args: []string{"ls", "-s", "nosuch", "--warn-error-options", "{error: [NoNodesForSelectionCriteria]}"}, code: ExitLoadFailed,
			check: func(t *testing.T, dir, out, errb string) { has(t, errb, "--warn-error-options", true) }},
		{name: "--warn-error-options warn wins", args: []string{"ls", "-s", "nosuch", "--warn-error-options", "{error: all, warn: [NoNodesForSelectionCriteria, NoNodesSelected]}"},
			check: func(t *testing.T, dir, out, errb string) { has(t, errb, "does not match any enabled nodes", true) }},
		{name: "--warn-error-options silence", args: []string{"ls", "-s", "nosuch", "--warn-error-options", "{silence: [NoNodesForSelectionCriteria]}"},
			check: func(t *testing.T, dir, out, errb string) { has(t, errb, "does not match", false) }},
		{name: "--warn-error with --warn-error-options", args: []string{"ls", "--warn-error", "--warn-error-options", "{error: all}"}, code: ExitLoadFailed,
			check: func(t *testing.T, dir, out, errb string) { has(t, errb, "not allowed with argument warn_error", true) }},
		{name: "--log-path", args: []string{"parse", "--log-path", "LOGDIR"},
			check: func(t *testing.T, dir, out, errb string) {
				exists(t, filepath.Join(dir, "elsewhere", "gdbt.log"), true)
				exists(t, filepath.Join(dir, "logs", "gdbt.log"), false)
			}},
		{name: "--log-level-file error", args: []string{"compile", "-s", "nosuch", "--log-level-file", "warn"},
			check: func(t *testing.T, dir, out, errb string) {
				b, _ := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
				has(t, string(b), "[warn]", true)
				has(t, string(b), "[debug]", false)
			}},
		{name: "--log-format-file json", args: []string{"parse", "--log-format-file", "json"},
			check: func(t *testing.T, dir, out, errb string) {
				b, _ := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
				jsonLines(t, string(b), true)
				jsonLines(t, out, false)
			}},
		{name: "require-dbt-version refused", files: map[string]string{"dbt_project.yml+": "require-dbt-version: '>=99.0.0'\n"}, args: []string{"parse"}, code: ExitLoadFailed,
			check: func(t *testing.T, dir, out, errb string) { has(t, errb, "--no-version-check", true) }},
		{name: "--no-version-check", files: map[string]string{"dbt_project.yml+": "require-dbt-version: ['>=99.0.0']\n"}, args: []string{"parse", "--no-version-check"},
			check: func(t *testing.T, dir, out, errb string) {
				exists(t, filepath.Join(dir, "target", "manifest.json"), true)
			}},
		{name: "require-dbt-version met", files: map[string]string{"dbt_project.yml+": "require-dbt-version: '>=1.5.0,<2.0.0'\n"}, args: []string{"parse"}},
		{name: "print() shown", files: printModel, args: []string{"compile", "-s", "p"},
			check: func(t *testing.T, dir, out, errb string) { has(t, out, "hello-from-print", true) }},
		{name: "--no-print", files: printModel, args: []string{"compile", "-s", "p", "--no-print"},
			check: func(t *testing.T, dir, out, errb string) { has(t, out, "hello-from-print", false) }},
		{name: "DBT_FAIL_FAST=yes reaches flags", files: printModel, env: map[string]string{"DBT_FAIL_FAST": "yes"}, args: []string{"compile", "-s", "p"},
			check: func(t *testing.T, dir, out, errb string) {
				b, _ := os.ReadFile(filepath.Join(dir, "target", "compiled", "shop", "models", "p.sql"))
				has(t, string(b), "'True' as ff", true)
			}},
		{name: "bad boolean in env", env: map[string]string{"DBT_FAIL_FAST": "maybe"}, args: []string{"parse"}, code: ExitLoadFailed,
			check: func(t *testing.T, dir, out, errb string) {
				has(t, errb, `DBT_FAIL_FAST: "maybe" is not a valid boolean`, true)
			}},
		{name: "flag of another command", args: []string{"parse", "--store-failures"}, code: ExitLoadFailed,
			check: func(t *testing.T, dir, out, errb string) { has(t, errb, "it is one of: build, test", true) }},
		{name: "dbt machinery flags accepted", args: []string{"parse", "--no-partial-parse", "--no-send-anonymous-usage-stats", "--no-static-parser", "--use-colors", "--printer-width", "100", "--cache-selected-only", "--no-populate-cache"},
			check: func(t *testing.T, dir, out, errb string) {
				exists(t, filepath.Join(dir, "target", "manifest.json"), true)
			}},
		{name: "--indirect-selection empty", args: []string{"ls", "-s", "dim_orders", "--indirect-selection", "empty", "--output", "name"},
			check: func(t *testing.T, dir, out, errb string) {
				has(t, out, "not_null", false)
				has(t, out, "dim_orders", true)
			}},
		{name: "DBT_INDIRECT_SELECTION", env: map[string]string{"DBT_INDIRECT_SELECTION": "empty"}, args: []string{"ls", "-s", "dim_orders", "--output", "name"},
			check: func(t *testing.T, dir, out, errb string) { has(t, out, "not_null", false) }},
		{name: "eager indirect selection", args: []string{"ls", "-s", "dim_orders", "--output", "name"},
			check: func(t *testing.T, dir, out, errb string) { has(t, out, "not_null", true) }},
		{name: "DBT_RESOURCE_TYPES on ls", env: map[string]string{"DBT_RESOURCE_TYPES": "seed source"}, args: []string{"ls", "--output", "name"},
			check: func(t *testing.T, dir, out, errb string) {
				has(t, out, "countries", true)
				has(t, out, "dim_orders", false)
			}},
		{name: "--exclude-resource-type on ls", args: []string{"ls", "--exclude-resource-type", "test", "--output", "name"},
			check: func(t *testing.T, dir, out, errb string) {
				has(t, out, "not_null", false)
				has(t, out, "dim_orders", true)
			}},
		{name: "build --resource-type seed --show", args: []string{"build", "--resource-type", "seed", "--show", "--printer-width", "100"},
			check: func(t *testing.T, dir, out, errb string) {
				has(t, out, "Random sample of table: main.countries", true)
				has(t, out, "| fr   | France |", true)
				has(t, out, "dim_orders", false)
				for _, l := range strings.Split(out, "\n") {
					if strings.Contains(l, "START seed file") && len(l) != len("HH:MM:SS  ")+100+len(" [RUN]") {
						t.Errorf("--printer-width 100: line is %d long: %q", len(l), l)
					}
				}
			}},
		{name: "gdbt snapshot runs snapshots only", files: map[string]string{"snapshots/snap.sql": "{% snapshot snap %}\n{{ config(target_schema='main', unique_key='id', strategy='check', check_cols='all') }}\nselect 1 as id, 'a' as v\n{% endsnapshot %}\n"},
			args: []string{"snapshot"},
			check: func(t *testing.T, dir, out, errb string) {
				// dbt's wording (dbt/task/snapshot.py, LogSnapshotResult): the relation alone.
				has(t, out, "1 of 1 START snapshot main.snap ...", true)
				has(t, out, "1 of 1 OK snapshotted main.snap ...", true)
				has(t, out, "PASS=1 ", true)
				has(t, out, "dim_orders", false)
			}},
		{name: "a failing snapshot: dbt's ERROR snapshotting line", files: map[string]string{"snapshots/snap.sql": "{% snapshot snap %}\n{{ config(target_schema='main', unique_key='id', strategy='check', check_cols='all') }}\nselect 1 as id, nope as v\n{% endsnapshot %}\n"},
			args: []string{"snapshot"}, code: ExitNodeFailed,
			check: func(t *testing.T, dir, out, errb string) {
				has(t, out+errb, "1 of 1 ERROR snapshotting main.snap ...", true)
			}},
		{name: "compile -s model prints its SQL, not its tests'", args: []string{"compile", "-s", "dim_orders"},
			check: func(t *testing.T, dir, out, errb string) {
				has(t, out, "Compiled node 'dim_orders' is:", true)
				has(t, out, "select order_id, (order_id * 100) as amount from", true)
				has(t, out, "Compiled node 'not_null", false)
			}},
		{name: "run --help", args: []string{"run", "--help"},
			check: func(t *testing.T, dir, out, errb string) {
				for _, want := range []string{"--fail-fast / --no-fail-fast", "DBT_FAIL_FAST", "--empty", "--select", "-m", "flags: warn_error", "--partial-parse / --no-partial-parse", "--partial-parse-file-path"} {
					has(t, out, want, true)
				}
				has(t, out, "--output", false)
				has(t, out, "--store-failures", false)
			}},
		{name: "ls --help", args: []string{"ls", "--help"},
			check: func(t *testing.T, dir, out, errb string) {
				has(t, out, "--resource-type", true)
				has(t, out, "DBT_RESOURCE_TYPES", true)
				has(t, out, "selector, name, path or json", true)
			}},
		{name: "help seed", args: []string{"help", "seed"},
			check: func(t *testing.T, dir, out, errb string) { has(t, out, "--show", true); has(t, out, "--empty", false) }},
		{name: "--version", args: []string{"--version"},
			check: func(t *testing.T, dir, out, errb string) {
				has(t, out, "gdbt version ", true)
				has(t, out, "gdbt version dev", false)
				has(t, out, "duckdb: built in (github.com/duckdb/duckdb-go/v2 v", true)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := fixtureProject(t, "shop.txtar")
			for name, body := range c.files {
				path := filepath.Join(dir, strings.TrimSuffix(name, "+"))
				flag := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
				if strings.HasSuffix(name, "+") {
					flag = os.O_CREATE | os.O_WRONLY | os.O_APPEND
				}
				os.MkdirAll(filepath.Dir(path), 0o755)
				f, err := os.OpenFile(path, flag, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				f.WriteString(body)
				f.Close()
			}
			for k, v := range c.env {
				t.Setenv(k, strings.ReplaceAll(v, "DIR", dir))
			}
			args := c.args
			for i, a := range args {
				if a == "LOGDIR" {
					args = append(append([]string(nil), args[:i]...), filepath.Join(dir, "elsewhere"))
					args = append(args, c.args[i+1:]...)
				}
			}
			if !c.noDir {
				args = append(args, "--project-dir", dir)
			}
			code, out, errb := runCLI(t, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, out, errb)
			}
			if c.check != nil {
				c.check(t, dir, out, errb)
			}
		})
	}
}

// TestProjectFlagsHonoured: the flags: keys the compiler calls honoured (it warns about
// the rest) are exactly the flag-table rows the project's flags: block may set.
func TestProjectFlagsHonoured(t *testing.T) {
	rows := map[string]bool{}
	for _, d := range flagTable {
		if d.project {
			rows[strings.ReplaceAll(d.name, "-", "_")] = true
		}
	}
	for k, honoured := range compiler.ProjectFlags {
		if honoured != rows[k] {
			t.Errorf("flags: %s: compiler.ProjectFlags says honoured=%v, the flag table %v", k, honoured, rows[k])
		}
	}
	for k := range rows {
		if _, ok := compiler.ProjectFlags[k]; !ok {
			t.Errorf("flag table row %s settable in flags: is not in compiler.ProjectFlags", k)
		}
	}
}

// TestDeprecatedEnvVars checks dbt's renamed variables (params.py's hidden deprecated_*
// options): set, each wins over the flag and the new variable, DBT_NO_PRINT meaning the
// opposite of DBT_PRINT, and the command warns with dbt's EnvironmentVariableRenamed;
// DBT_EVENT_TIME_START/END set the microbatch window as the flags do.
func TestDeprecatedEnvVars(t *testing.T) {
	t.Setenv("DBT_NO_PRINT", "true")
	t.Setenv("DBT_PRINT", "true")
	t.Setenv("DBT_DEFER_TO_STATE", "true")
	t.Setenv("DBT_ARTIFACT_STATE_PATH", "old-state")
	t.Setenv("DBT_EVENT_TIME_START", "2024-01-01")
	t.Setenv("DBT_EVENT_TIME_END", "2024-01-03")
	g := newGlobals(nil, &bytes.Buffer{}, &bytes.Buffer{})
	if _, err := g.parse([]string{"run", "--state", "new-state"}); err != nil {
		t.Fatal(err)
	}
	if !g.NoPrint || !g.Defer || g.State != "old-state" {
		t.Errorf("NoPrint %v Defer %v State %q, want true true old-state", g.NoPrint, g.Defer, g.State)
	}
	if g.EventTimeStart.IsZero() || g.EventTimeEnd.Format("2006-01-02") != "2024-01-03" {
		t.Errorf("event time %v – %v", g.EventTimeStart, g.EventTimeEnd)
	}
	dir := fixtureProject(t, "shop.txtar")
	t.Setenv("DBT_EVENT_TIME_START", "")
	t.Setenv("DBT_EVENT_TIME_END", "")
	t.Setenv("DBT_DEFER_TO_STATE", "")
	t.Setenv("DBT_ARTIFACT_STATE_PATH", "")
	code, out, errb := runCLI(t, "parse", "--project-dir", dir)
	if code != ExitOK || !strings.Contains(out+errb, "The environment variable `DBT_NO_PRINT` has been renamed as `DBT_PRINT`.") {
		t.Errorf("exit %d, no EnvironmentVariableRenamed warning:\n%s%s", code, out, errb)
	}
}
