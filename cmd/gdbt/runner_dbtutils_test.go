package main

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse/postgres"
)

// TestRunnerDbtUtilsPostgres builds dbt-labs/dbt-utils' own integration_tests project
// unchanged on PostgreSQL when GDBT_DBT_UTILS_DIR points at a dbt-utils checkout and
// GDBT_PG_URL at a server (skipped otherwise): `gdbt deps` installs the package from the
// checkout (local: ../), then three builds into a fresh schema (a first build, a rebuild
// that takes the replacement paths, a --full-refresh build) must each pass every node.
// It exercises every dbt-utils macro, so it guards the dbt compatibility that a single
// project of ours cannot.
func TestRunnerDbtUtilsPostgres(t *testing.T) {
	src, raw := os.Getenv("GDBT_DBT_UTILS_DIR"), os.Getenv("GDBT_PG_URL")
	if src == "" || raw == "" {
		t.Skip("GDBT_DBT_UTILS_DIR (a dbt-labs/dbt-utils checkout) and GDBT_PG_URL (a PostgreSQL server) not both set")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("GDBT_PG_URL: %v", err)
	}
	root := t.TempDir()
	if err := copyTree(root, src); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "integration_tests")
	setPostgresEnv(t, u, "gdbt_dbt_utils")

	rtMust(t, dir, 0, "deps")
	for _, args := range [][]string{{"build"}, {"build"}, {"build", "--full-refresh"}} {
		r := rtGdbt(t, dir, append(args, "--threads", "4")...)
		st := rtStatuses(t, dir)
		if len(st) < 200 {
			t.Errorf("gdbt %s: %d nodes, want the whole project (237 with dbt-utils 1.3)", strings.Join(args, " "), len(st))
		}
		bad := 0
		for id, s := range st {
			if s != "success" && s != "pass" {
				t.Errorf("gdbt %s: %s: %s", strings.Join(args, " "), id, s)
				bad++
			}
		}
		if r.code != 0 || bad > 0 {
			t.Fatalf("gdbt %s failed\n%s", strings.Join(args, " "), r)
		}
	}
}

// copyTree copies the checkout at src into dst, without its .git folder and earlier
// build outputs.
func copyTree(dst, src string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		switch d.Name() {
		case ".git", "target", "dbt_packages", "logs":
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
}

// dropPGSchema removes the test's schemas from the server.
func dropPGSchema(t *testing.T, u *url.URL, schema string) {
	pass, _ := u.User.Password()
	fields := map[string]any{"host": u.Hostname(), "user": u.User.Username(), "password": pass,
		"dbname": strings.TrimPrefix(u.Path, "/"), "schema": schema, "sslmode": "disable"}
	if p := u.Port(); p != "" {
		fields["port"] = p
	}
	if m := u.Query().Get("sslmode"); m != "" {
		fields["sslmode"] = m
	}
	cfg, err := postgres.ParseConfig(fields)
	if err != nil {
		t.Logf("drop schema %s: %v", schema, err)
		return
	}
	ctx := context.Background()
	a, err := postgres.Open(ctx, cfg)
	if err != nil {
		t.Logf("drop schema %s: %v", schema, err)
		return
	}
	defer a.Close()
	// The project also builds into <schema>_events (dbt-utils' get_relations_by_prefix).
	_, tab, err := a.Execute(ctx, "select nspname from pg_namespace where nspname = '"+schema+"' or nspname like '"+schema+"\\_%'", true)
	if err != nil {
		t.Logf("list schemas %s*: %v", schema, err)
		return
	}
	for _, row := range tab.Rows {
		if _, _, err := a.Execute(ctx, fmt.Sprintf("drop schema if exists %q cascade", row[0]), false); err != nil {
			t.Logf("drop schema %v: %v", row[0], err)
		}
	}
}

// setPostgresEnv sets the POSTGRES_* variables the dbt-labs integration projects' profiles
// read, for the server at u and a fresh schema named prefix_<n> (dropped after the test), and
// isolates HOME.
func setPostgresEnv(t *testing.T, u *url.URL, prefix string) {
	t.Helper()
	schema := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano()%1e9)
	pass, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	for k, v := range map[string]string{"POSTGRES_HOST": u.Hostname(), "POSTGRES_PORT": port, "POSTGRES_USER": u.User.Username(),
		"DBT_ENV_SECRET_POSTGRES_PASS": pass, "POSTGRES_DATABASE": strings.TrimPrefix(u.Path, "/"), "POSTGRES_SCHEMA": schema} {
		t.Setenv(k, v)
	}
	t.Setenv("HOME", t.TempDir())
	t.Cleanup(func() { dropPGSchema(t, u, schema) })
}
