package snowflake_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStagePutCopy loads files through the fake's stage support with the real client's PUT:
// an uncompressed file (gzip-compressed by the client on upload), an already gzipped one
// (uploaded as is), quoted fields, empty fields as NULL, a header line skipped, and the
// errors for what the fake does not implement.
func TestStagePutCopy(t *testing.T) {
	srv := startFake(t)
	a := openFields(t, srv.Fields("main"))
	ctx := context.Background()
	dir := t.TempDir()
	csv := "id,name,score\n1,\"a, \"\"quoted\"\" name\",1.5\n2,,\n"
	if err := os.WriteFile(filepath.Join(dir, "plain.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "packed.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	fmt.Fprint(zw, "id,name,score\n3,c,2\n")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	run := func(q string) [][]any {
		t.Helper()
		_, tab, err := a.Execute(ctx, q, true)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return tab.Rows
	}
	run(`create schema if not exists "GDBT_DB"."raw"`)
	run(`create or replace file format "GDBT_DB"."raw"."csv" type = csv skip_header = 1 field_optionally_enclosed_by = '"' escape_unenclosed_field = none`)
	run(`create or replace stage "GDBT_DB"."raw"."st"`)
	for _, name := range []string{"plain.csv", "packed.csv.gz"} {
		rows := run(fmt.Sprintf(`put 'file://%s' @"GDBT_DB"."raw"."st"/t/ auto_compress = true`, filepath.Join(dir, name)))
		// source, target, source_size, target_size, source_compression, target_compression, status, message
		if len(rows) != 1 || rows[0][6] != "UPLOADED" || rows[0][1] != "plain.csv.gz" && rows[0][1] != "packed.csv.gz" {
			t.Errorf("put %s = %v", name, rows)
		}
	}
	run(`create or replace table "GDBT_DB"."raw"."t" (id integer, name varchar, score float)`)
	rows := run(`copy into "GDBT_DB"."raw"."t" from @"GDBT_DB"."raw"."st"/t/ file_format = (format_name = '"GDBT_DB"."raw"."csv"') on_error = abort_statement`)
	if got := fmt.Sprint(rows); got != "[[t/packed.csv.gz LOADED 1 1 1 0 <nil>] [t/plain.csv.gz LOADED 2 2 1 0 <nil>]]" {
		t.Errorf("copy result = %s", got)
	}
	rows = run(`select id, name, score from "GDBT_DB"."raw"."t" order by id`)
	if got := fmt.Sprint(rows); got != `[[1 a, "quoted" name 1.5] [2 <nil> <nil>] [3 c 2]]` {
		t.Errorf("table = %s", got)
	}
	// Inline options work as a named format does; a path prefix selecting nothing loads nothing.
	rows = run(`copy into "GDBT_DB"."raw"."t" from @"GDBT_DB"."raw"."st"/none/ file_format = (type = csv skip_header = 1)`)
	if got := fmt.Sprint(rows); got != "[[Copy executed with 0 files processed.]]" {
		t.Errorf("copy from an empty prefix = %s", got)
	}
	// Replacing the stage drops its files.
	run(`create or replace stage "GDBT_DB"."raw"."st"`)
	rows = run(`copy into "GDBT_DB"."raw"."t" from @"GDBT_DB"."raw"."st"/t/ file_format = (format_name = '"GDBT_DB"."raw"."csv"')`)
	if got := fmt.Sprint(rows); got != "[[Copy executed with 0 files processed.]]" {
		t.Errorf("copy after replacing the stage = %s", got)
	}

	for _, c := range []struct{ sql, want string }{
		{`copy into "GDBT_DB"."raw"."t" from @"GDBT_DB"."raw"."missing"/t/`, "does not exist"},
		{`copy into "GDBT_DB"."raw"."t" from @"GDBT_DB"."raw"."st" file_format = (format_name = 'nope')`, "file format 'nope' does not exist"},
		{`copy into "GDBT_DB"."raw"."t" from @"GDBT_DB"."raw"."st" on_error = continue`, "ON_ERROR = continue is not implemented"},
		{`copy into "GDBT_DB"."raw"."t" from @"GDBT_DB"."raw"."st" pattern = '.*'`, "option PATTERN is not implemented"},
		{`create file format "GDBT_DB"."raw"."j" type = json`, "TYPE = json is not implemented"},
		{`create stage "GDBT_DB"."raw"."st"`, "already exists"},
		{`create stage "GDBT_DB"."raw"."ext" url = 's3://bucket/'`, "option URL is not implemented"},
		{fmt.Sprintf(`put 'file://%s' @~/x`, filepath.Join(dir, "plain.csv")), "only named internal stages"},
	} {
		_, _, err := a.Execute(ctx, c.sql, false)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.sql, err, c.want)
		}
	}
}

// TestFakeRefusesDuckDBFunctions checks that with CheckFunctions the fake refuses a
// DuckDB-only function that it runs without the check.
func TestFakeRefusesDuckDBFunctions(t *testing.T) {
	srv := startFake(t)
	a := openFields(t, srv.Fields("main"))
	q := "select string_agg(x, ',') as s from (select 'a' as x)"
	if _, _, err := a.Execute(context.Background(), q, true); err != nil {
		t.Fatalf("without the check: %v", err)
	}
	srv.CheckFunctions.Store(true)
	_, _, err := a.Execute(context.Background(), q, true)
	if err == nil || !strings.Contains(err.Error(), "string_agg() is not a Snowflake function") {
		t.Errorf("with the check: error %v, want string_agg() refused", err)
	}
	if _, _, err := a.Execute(context.Background(), "select listagg(x, ',') as s from (select 'a' as x)", true); err != nil {
		t.Errorf("listagg with the check: %v", err)
	}
}
