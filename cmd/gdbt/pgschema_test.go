package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse/postgres"
)

// TestPostgresOwnSchemaWithoutCreateOnDatabase: a role that owns its schema but has no
// CREATE privilege on the database builds seeds, tables, views, incremental models and
// tests there. gdbt lists the schemas first and creates only a missing one, as dbt's
// create_schemas does; PostgreSQL refuses even CREATE SCHEMA IF NOT EXISTS to such a role.
func TestPostgresOwnSchemaWithoutCreateOnDatabase(t *testing.T) {
	u := rtPGURL(t)
	pass, _ := u.User.Password()
	fields := map[string]any{"host": u.Hostname(), "user": u.User.Username(), "password": pass,
		"dbname": strings.TrimPrefix(u.Path, "/"), "schema": "public", "sslmode": "disable"}
	if p := u.Port(); p != "" {
		fields["port"] = p
	}
	cfg, err := postgres.ParseConfig(fields)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin, err := postgres.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	n := time.Now().UnixNano() % 1e9
	role, schema := fmt.Sprintf("rel_owner_%d", n), fmt.Sprintf("rel_owned_%d", n)
	db := strings.TrimPrefix(u.Path, "/") // PUBLIC has no CREATE on a database by default
	for _, q := range []string{
		fmt.Sprintf("create role %s login password 'pw' nocreatedb nocreaterole", role),
		fmt.Sprintf("create schema %s authorization %s", schema, role),
	} {
		if _, _, err := admin.Execute(ctx, q, false); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		for _, q := range []string{"drop schema if exists " + schema + " cascade", "drop role if exists " + role} {
			if _, _, err := admin.Execute(context.Background(), q, false); err != nil {
				t.Logf("%s: %v", q, err)
			}
		}
	})
	// The role really may not create schemas in the database.
	if _, _, err := admin.Execute(ctx, fmt.Sprintf("set role %s; create schema if not exists %s; reset role", role, schema), false); err == nil || !strings.Contains(err.Error(), "permission denied") {
		admin.Execute(ctx, "reset role", false)
		t.Fatalf("create schema if not exists as %s: err = %v, want permission denied (the test's premise)", role, err)
	}
	admin.Execute(ctx, "reset role", false)

	dir := t.TempDir()
	for _, d := range []string{"seeds", "models"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	rtWrite(t, dir, "dbt_project.yml", "name: owned\nversion: '1.0'\nconfig-version: 2\nprofile: owned\n")
	rtWrite(t, dir, "profiles.yml", fmt.Sprintf("owned:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: %s\n      port: %s\n      user: %s\n      password: pw\n      dbname: %s\n      schema: %s\n      threads: 2\n",
		u.Hostname(), port, role, db, schema))
	rtWrite(t, dir, "seeds/people.csv", "id,name\n1,ann\n2,bob\n")
	rtWrite(t, dir, "models/t.sql", "{{ config(materialized='table') }}\nselect * from {{ ref('people') }}\n")
	rtWrite(t, dir, "models/v.sql", "select id from {{ ref('t') }}\n")
	rtWrite(t, dir, "models/inc.sql", "{{ config(materialized='incremental', unique_key='id') }}\nselect * from {{ ref('t') }}\n")
	rtWrite(t, dir, "models/schema.yml", "version: 2\nmodels:\n  - name: t\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n")
	for i := range 2 { // the second build replaces every relation
		if r := rtGdbt(t, dir, "build"); r.code != 0 {
			t.Fatalf("build %d as a role owning its schema without CREATE on the database: exit %d\n%s", i+1, r.code, r)
		}
	}
}
