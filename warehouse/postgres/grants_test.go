package postgres_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// TestGrants builds a table and a view with a grants config on a real PostgreSQL server,
// then rebuilds them with another grantee: each build grants what the config names and
// revokes what it no longer names, as dbt-adapters' apply_grants does.
func TestGrants(t *testing.T) {
	fields := testFields(t)
	suffix := time.Now().UnixNano() % 1e9
	schema := fmt.Sprintf("gdbt_grants_%d", suffix)
	r1, r2 := fmt.Sprintf("gdbt_reader_a_%d", suffix), fmt.Sprintf("gdbt_reader_b_%d", suffix)
	setProjectEnv(t, fields, schema)
	a := openTest(t)
	ctx := context.Background()
	if _, _, err := a.Execute(ctx, "create role "+r1+"; create role "+r2, false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a.Execute(context.Background(), "drop schema if exists "+schema+" cascade; drop role if exists "+r1+"; drop role if exists "+r2, false)
	})
	dir := t.TempDir()
	profiles, err := os.ReadFile(filepath.Join("testdata", "project.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	prof := string(profiles)
	prof = prof[strings.Index(prof, "-- profiles.yml --\n")+len("-- profiles.yml --\n"):]
	prof = strings.Replace(prof[:strings.Index(prof, "\n-- ")+1], "pgproj:", "grants:", 1)
	write := func(name, body string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("profiles.yml", prof)
	write("dbt_project.yml", "name: grants\nprofile: grants\nconfig-version: 2\n")
	write("models/granted_table.sql", "{{ config(materialized='table', grants={'select': [var('reader')]}) }}\nselect 1 as id\n")
	write("models/granted_view.sql", "{{ config(materialized='view', grants={'select': [var('reader')]}) }}\nselect * from {{ ref('granted_table') }}\n")
	grantees := func(table string) string {
		_, tab, err := a.Execute(ctx, fmt.Sprintf(`select string_agg(grantee || ':' || privilege_type, ',' order by grantee)
			from information_schema.role_table_grants where table_schema = '%s' and table_name = '%s' and grantee like 'gdbt_reader_%%'`, schema, table), true)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(tab.Rows[0][0])
	}
	for _, reader := range []string{r1, r2} {
		b := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: "{reader: " + reader + "}"}, 2, "target")
		for name, st := range b.Status {
			if !strings.HasPrefix(st, "success") {
				t.Fatalf("%s: %s\n%s", name, st, b.ConsoleText())
			}
		}
		for _, rel := range []string{"granted_table", "granted_view"} {
			if got := grantees(rel); got != reader+":SELECT" {
				t.Errorf("after the build granting %s: %s has %s", reader, rel, got)
			}
		}
	}
}
