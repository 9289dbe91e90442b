package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse/postgres"
)

// The crash-safety test on PostgreSQL: crash_test.go's project (every materialization, the
// logistic regression included) in PostgreSQL's SQL, its previous build kept as a template
// database that each try copies (CREATE DATABASE … TEMPLATE, an exact copy), then the next
// build ended abruptly at statement boundaries by the runner's hook and, in the same way, by
// SIGKILL at random moments. After each death every relation holds its old or its new
// complete contents, and the next build leaves exactly what a clean build leaves. Every
// gdbt run is a child process, so the test server's password never joins this process's
// redaction list (compiler.RegisterProfileSecrets), which later tests' output would meet.

var crashProjectPG = map[string]string{
	"models/base.sql": "{{ config(materialized='table') }}\nselect g as id, g * {{ var('v') }} as x from generate_series(0, 39) g\n",
	"models/lr.sql": "{{ config(materialized='logistic_regression', features=['f1', 'f2'], label='y', max_iter=4) }}\n" +
		"select (id % 11)::float8 as f1, (id % 7)::float8 as f2, ((id + {{ var('v') }}) % 3 = 0)::int as y from generate_series(0, 299) t(id)\n",
	"snapshots/snap.sql": "{% snapshot snap %}{{ config(unique_key='id', strategy='check', check_cols=['x'], target_schema=target.schema) }}\n" +
		"select id, x from {{ ref('base') }}{% endsnapshot %}\n",
}

// pgCrashDB is one database of the test server: its admin connection and helpers.
type pgCrashDB struct {
	t *testing.T
	u *url.URL
}

// open connects to database name on the server.
func (p pgCrashDB) open(name string) *postgres.Adapter {
	p.t.Helper()
	pass, _ := p.u.User.Password()
	fields := map[string]any{"host": p.u.Hostname(), "port": p.u.Port(), "user": p.u.User.Username(), "password": pass,
		"dbname": name, "schema": "crash", "sslmode": "disable", "application_name": crashProbeApp}
	cfg, err := postgres.ParseConfig(fields)
	if err != nil {
		p.t.Fatal(err)
	}
	a, err := postgres.Open(context.Background(), cfg)
	if err != nil {
		p.t.Fatal(err)
	}
	return a
}

// exec runs admin statements (CREATE/DROP DATABASE) on the server's own database.
func (p pgCrashDB) exec(q string) {
	p.t.Helper()
	a := p.open(strings.TrimPrefix(p.u.Path, "/"))
	defer a.Close()
	if _, _, err := a.Execute(context.Background(), q, false); err != nil {
		p.t.Fatalf("%s: %v", q, err)
	}
}

// crashProbeApp is the application name of the test's own sessions (open), told apart from
// a killed gdbt's.
const crashProbeApp = "gdbt_crash_probe"

// fingerprints maps each relation of schema crash in database name to a digest of its rows
// (run-dependent columns left out, as crashFingerprints does). It first waits until no
// session but the test's own is left in the database: the server runs a statement whose
// client died (one sent just before the kill included, which the server may not even have
// started) to its end, committing it outside a transaction block, before it notices, so
// reading the relations earlier can see one listed and gone a moment later.
func (p pgCrashDB) fingerprints(name string) map[string]string {
	p.t.Helper()
	a := p.open(name)
	defer a.Close()
	ctx := context.Background()
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		_, busy, err := a.Execute(ctx, "select count(*) from pg_stat_activity where datname = current_database() and application_name <> '"+crashProbeApp+"'", true)
		if err != nil {
			p.t.Fatal(err)
		}
		if fmt.Sprint(busy.Rows[0][0]) == "0" {
			break
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("sessions of the killed gdbt still in database %s after 2 minutes", name)
		}
	}
	_, tab, err := a.Execute(ctx, "select table_name from information_schema.tables where table_schema = 'crash' order by 1", true)
	if err != nil {
		p.t.Fatal(err)
	}
	out := map[string]string{}
	for _, row := range tab.Rows {
		rel := fmt.Sprint(row[0])
		_, cols, err := a.Execute(ctx, "select string_agg(quote_ident(column_name), ', ' order by ordinal_position) from information_schema.columns "+
			"where table_schema = 'crash' and table_name = '"+rel+"' and column_name not like 'dbt\\_%' and column_name <> 'duration_s'", true)
		if err != nil {
			p.t.Fatal(err)
		}
		q := fmt.Sprintf(`select count(*) || ' ' || md5(coalesce(string_agg(r::text, '|' order by r::text), '')) from (select %v from crash.%q) r`, cols.Rows[0][0], rel)
		_, fp, err := a.Execute(ctx, q, true)
		if err != nil {
			p.t.Fatalf("%s: %v", rel, err)
		}
		out[rel] = fmt.Sprint(fp.Rows[0][0])
	}
	return out
}

func TestCrashSafetyPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process per crash")
	}
	u := rtPGURL(t)
	p := pgCrashDB{t, u}
	dir := crashProjectDir(t)
	for name, text := range crashProjectPG {
		rtWrite(t, dir, name, text)
	}
	prefix := fmt.Sprintf("gdbt_crash_%d", time.Now().UnixNano()%1e9)
	template, work := prefix+"_a", prefix+"_w"
	profile := func(db string) {
		pass, _ := u.User.Password()
		rtWrite(t, dir, "profiles.yml", fmt.Sprintf("crash:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: %s\n"+
			"      port: %s\n      user: %s\n      password: %q\n      dbname: %s\n      schema: crash\n      threads: 1\n",
			u.Hostname(), u.Port(), u.User.Username(), pass, db))
	}
	child := func(args ...string) (int, string) { return crashChild(t, dir, 0, nil, args...) }
	drop := func(db string) { p.exec(fmt.Sprintf("drop database if exists %q with (force)", db)) }
	t.Cleanup(func() { drop(work); drop(template) })

	// The previous build (state A) in the template database; the next (state B) from a copy.
	p.exec(fmt.Sprintf("create database %q", template))
	profile(template)
	if code, out := child("build"); code != 0 {
		t.Fatalf("build A: exit %d\n%s", code, out)
	}
	before := p.fingerprints(template)
	rtWrite(t, dir, "seeds/countries.csv", "code,name\nfr,France\nde,Germany\nit,Italy\n")
	next := []string{"build", "--vars", "{v: 2}"}
	fresh := func() {
		drop(work)
		p.exec(fmt.Sprintf("create database %q template %q", work, template))
	}
	fresh()
	profile(work)
	t0 := time.Now()
	if code, out := child(next...); code != 0 {
		t.Fatalf("build B: exit %d\n%s", code, out)
	}
	span := time.Since(t0) // random kills fall within a build's duration
	after := p.fingerprints(work)

	check := func(what string) bool {
		ok := crashSurvived(t, what, before, after, p.fingerprints(work))
		if code, out := child(next...); code != 0 {
			t.Fatalf("%s: the next build failed (exit %d):\n%s", what, code, out)
		}
		if final := p.fingerprints(work); !sameFingerprints(final, after) {
			t.Errorf("%s: after the next build the warehouse differs from a clean build:\n got %v\nwant %v", what, final, after)
			ok = false
		}
		return ok
	}

	crashTries(t, "PostgreSQL", span, fresh, func(kill time.Duration, env []string) (int, string) {
		return crashChild(t, dir, kill, env, next...)
	}, check)
}
