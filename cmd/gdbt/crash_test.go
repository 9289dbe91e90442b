package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/runner"
)

// Crash-safety test: a build of a project with every materialization (seed, table, view,
// ephemeral, incremental, snapshot, the logistic regression) is ended abruptly at statement
// boundaries by the runner's test hook (runner.CrashAtEnv), on a copy of a warehouse that
// holds the previous build. After each death every relation that existed holds its old or
// its new complete contents, and the next build leaves exactly the relations of a clean
// build, with the same contents.
//
// The short form (CI) tries every crashStride-th boundary; GDBT_CRASH_LONG=1 tries every
// boundary.

const crashLongEnv = "GDBT_CRASH_LONG"

const crashStride = 6

var crashProject = map[string]string{
	"dbt_project.yml": "name: crash\nprofile: crash\nvars:\n  v: 1\n",
	"profiles.yml": "crash:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/crash.duckdb\n" +
		"      threads: 1\n      settings: {threads: 1}\n",
	"seeds/countries.csv":  "code,name\nfr,France\nde,Germany\n",
	"models/base.sql":      "{{ config(materialized='table') }}\nselect range as id, range * {{ var('v') }} as x from range(40)\n",
	"models/base_view.sql": "{{ config(materialized='view') }}\nselect id, x + 1 as y from {{ ref('base') }}\n",
	"models/eph.sql":       "{{ config(materialized='ephemeral') }}\nselect id, x * 2 as z from {{ ref('base') }}\n",
	"models/uses_eph.sql":  "{{ config(materialized='table') }}\nselect e.*, c.code from {{ ref('eph') }} e cross join (select min(code) as code from {{ ref('countries') }}) c\n",
	"models/inc.sql": "{{ config(materialized='incremental', unique_key='id') }}\n" +
		"select id + {{ var('v') }} * 100 as id, x from {{ ref('base') }}\n",
	"models/lr.sql": "{{ config(materialized='logistic_regression', features=['f1', 'f2'], label='y', max_iter=4) }}\n" +
		"select (id % 11)::double as f1, (id % 7)::double as f2, ((id + {{ var('v') }}) % 3 = 0)::int as y from range(300) t(id)\n",
	"snapshots/snap.sql": "{% snapshot snap %}{{ config(unique_key='id', strategy='check', check_cols=['x'], target_schema='main') }}\n" +
		"select id, x from {{ ref('base') }}{% endsnapshot %}\n",
}

// crashFingerprints maps each relation of the project's warehouse to a digest of its rows
// (run-dependent columns left out: dbt_* snapshot metadata, the training durations).
func crashFingerprints(t *testing.T, db string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range rtQueryFile(t, db, "select table_name from information_schema.tables where table_schema = 'main' order by 1") {
		q := fmt.Sprintf(`select count(*), md5(coalesce(string_agg(r::varchar, '|' order by r::varchar), ''))
			from (select columns(c -> c not like 'dbt_%%' and c <> 'duration_s') from main."%s") r`, name)
		out[name] = rtQueryFile(t, db, q)[0]
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(to), 0o755)
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCrashSafetyDuckDB(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process per crash")
	}
	dir := crashProjectDir(t)
	db := filepath.Join(dir, "target", "crash.duckdb")
	// The previous build (state A), then the next one (state B) from a copy of A.
	rtMust(t, dir, 0, "build")
	saved := filepath.Join(t.TempDir(), "a.duckdb")
	copyFile(t, db, saved)
	before := crashFingerprints(t, db)
	rtWrite(t, dir, "seeds/countries.csv", "code,name\nfr,France\nde,Germany\nit,Italy\n")
	next := []string{"build", "--vars", "{v: 2}"}
	t0 := time.Now()
	rtMust(t, dir, 0, next...)
	span := time.Since(t0) // random kills fall within a build's duration
	after := crashFingerprints(t, db)
	for name, fp := range before {
		if after[name] == fp && name != "base_view" && name != "countries" {
			t.Logf("%s: the same contents in both builds", name)
		}
	}

	// check compares the warehouse after a death with the two builds, then runs the next
	// build and compares it with a clean one.
	check := func(what string) bool {
		ok := crashSurvived(t, what, before, after, crashFingerprints(t, db))
		if r := rtGdbt(t, dir, next...); r.code != 0 {
			t.Fatalf("%s: the next build failed:\n%s", what, r)
		}
		if final := crashFingerprints(t, db); !sameFingerprints(final, after) {
			t.Errorf("%s: after the next build the warehouse differs from a clean build:\n got %v\nwant %v", what, keys(final), keys(after))
			ok = false
		}
		return ok
	}
	crashTries(t, "DuckDB", span, func() {
		copyFile(t, saved, db)
		os.Remove(db + ".wal")
	}, func(kill time.Duration, env []string) (int, string) {
		return crashChild(t, dir, kill, env, next...)
	}, check)
}

// crashChild runs gdbt with args in a child process (env: a test hook), killed after
// killAfter when that is positive; it returns the exit code (-1 when killed) and the output.
func crashChild(t *testing.T, dir string, killAfter time.Duration, env []string, args ...string) (int, string) {
	t.Helper()
	full, _ := json.Marshal(append([]string{"--project-dir", dir, "--profiles-dir", dir, "--no-color"}, args...))
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunnerHelperProcess$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), rtHelperEnv+"="+string(full)), env...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if killAfter > 0 {
		timer := time.AfterFunc(killAfter, func() { cmd.Process.Kill() })
		defer timer.Stop()
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String() // -1 when a signal ended it
	}
	t.Fatal(err)
	return 0, ""
}

// crashTries ends engine's next build at every crashStride-th statement boundary (every one
// with GDBT_CRASH_LONG) through the runner's hook, then by SIGKILL at seeded random moments
// within span (a build's duration), each time after restore has put the previous build
// back; check judges the warehouse after each death. It logs the counts.
func crashTries(t *testing.T, engine string, span time.Duration, restore func(), run func(kill time.Duration, env []string) (int, string), check func(what string) bool) {
	t.Helper()
	stride, kills := crashStride, 4
	if os.Getenv(crashLongEnv) != "" {
		stride, kills = 1, 40
	}
	tried, survived, killed := 0, 0, 0
	for n := 1; ; n += stride {
		restore()
		code, out := run(0, []string{fmt.Sprintf("%s=%d", runner.CrashAtEnv, n)})
		if code == 0 {
			break // n is past the last boundary: the build finished
		}
		if code != runner.CrashExitCode {
			t.Fatalf("boundary %d: the build ended with exit %d, not the crash hook:\n%s", n, code, out)
		}
		tried++
		if check(fmt.Sprintf("boundary %d", n)) {
			survived++
		}
	}
	rng := rand.New(rand.NewSource(19)) // seeded, so a failure can be replayed
	for i := 0; i < kills; i++ {
		restore()
		at := 10*time.Millisecond + time.Duration(rng.Int63n(int64(span)))
		if code, _ := run(at, nil); code == 0 {
			continue // finished before the kill
		}
		killed++
		tried++
		if check(fmt.Sprintf("SIGKILL after %v", at)) {
			survived++
		}
	}
	if tried == 0 {
		t.Fatal("no crash was tried")
	}
	t.Logf("%s crash safety: %d tried (%d at statement boundaries, stride %d; %d SIGKILLs at random moments), %d survived",
		engine, tried, tried-killed, stride, killed, survived)
}

// crashSurvived reports (as test errors) each relation of before that is gone from got or
// holds neither its before nor its after contents.
func crashSurvived(t *testing.T, what string, before, after, got map[string]string) bool {
	t.Helper()
	ok := true
	for name, fp := range before {
		if g, present := got[name]; !present {
			t.Errorf("%s: %s is gone", what, name)
			ok = false
		} else if g != fp && g != after[name] {
			t.Errorf("%s: %s holds neither its old nor its new contents (%s; old %s, new %s)", what, name, g, fp, after[name])
			ok = false
		}
	}
	return ok
}

func sameFingerprints(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
