package duckdb

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name.golden, rewriting the file under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestDialectGolden(t *testing.T) {
	d := Dialect{Database: "gdbt", Schema: "main"}
	full := warehouse.Relation{Database: "gdbt", Schema: "analytics", Identifier: "dim_orders", Type: "table"}
	view := warehouse.Relation{Database: "gdbt", Schema: "analytics", Identifier: "v_orders", Type: "view"}
	odd := warehouse.Relation{Schema: `my "schema"`, Identifier: "Mixed Case", Type: ""}
	var b strings.Builder
	line := func(label, sql string) { fmt.Fprintf(&b, "-- %s\n%s\n\n", label, sql) }
	line("relation", d.RelationSQL(full))
	line("relation without database", d.RelationSQL(odd))
	line("identifier only", d.RelationSQL(warehouse.Relation{Identifier: "x"}))
	line("create schema", d.CreateSchemaSQL("gdbt", "analytics"))
	line("drop schema", d.DropSchemaSQL("gdbt", "analytics"))
	line("drop table", d.DropRelationSQL(full))
	line("drop view", d.DropRelationSQL(view))
	line("drop unknown type", d.DropRelationSQL(odd))
	line("rename table", d.RenameRelationSQL(full, "dim_orders"+warehouse.BackupSuffix))
	line("rename view", d.RenameRelationSQL(view, "v2"))
	line("create table as", d.CreateTableAsSQL(full, "select 1 as id -- comment", false))
	line("create temporary table as", d.CreateTableAsSQL(full, "select 1 as id", true))
	line("create view as", d.CreateViewAsSQL(view, "select * from t"))
	line("truncate", d.TruncateSQL(full))
	line("transaction", d.BeginSQL()+"; "+d.CommitSQL()+"; "+d.RollbackSQL())
	for _, loc := range []string{
		"data/orders.csv", "data/orders.csv.gz", "data/ORDERS.CSV", "data/lines.tsv",
		"data/part-*.parquet", "s3://bucket/x.parquet", "data/events.jsonl", "data/o'brien.csv",
		"data/noext", "read_csv('x.csv', header = true)",
	} {
		line("external "+loc, d.ExternalSQL(loc))
	}
	line("seed default", d.SeedSelectSQL("seeds/countries.csv", warehouse.SeedOptions{}))
	line("seed options", d.SeedSelectSQL("seeds/x.csv", warehouse.SeedOptions{
		Delimiter: "|", ColumnTypes: map[string]string{"zip": "varchar", "amount": "decimal(10,2)", "it's": "int"}}))
	golden(t, "dialect", b.String())
}

func TestTypeSQL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"type_string", "VARCHAR"}, {"string", "VARCHAR"}, {"type_int", "INTEGER"},
		{"type_bigint", "BIGINT"}, {"type_float", "DOUBLE"}, {"type_numeric", "DECIMAL(28,6)"},
		{"type_timestamp", "TIMESTAMP"}, {"TYPE_BOOLEAN", "BOOLEAN"},
	} {
		got, err := Dialect{}.TypeSQL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("TypeSQL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := (Dialect{}).TypeSQL("type_geometry"); err == nil {
		t.Error("TypeSQL(type_geometry) succeeded")
	}
}

func TestQuoteIdent(t *testing.T) {
	for in, want := range map[string]string{`a`: `"a"`, `a"b`: `"a""b"`, ``: `""`, `Mixed Case`: `"Mixed Case"`} {
		if got := (Dialect{}).QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestStatementCode(t *testing.T) {
	for _, tc := range []struct{ sql, want string }{
		{"select 1", "SELECT"},
		{"create table x as select 1; insert into x values (1)", "INSERT"},
		{"insert into x values (';'); -- done;\n", "INSERT"},
		{"create or replace view v as select 1", "CREATE VIEW"},
		{"create temporary table t as select 1;", "CREATE TABLE"},
		{"/* lead */ with a as (select 1) select * from a", "SELECT"},
		{"drop table if exists x", "DROP TABLE"},
		{"select 'a;b' as \"c;d\"; /* trailing; */", "SELECT"},
		{"begin; update t set a = 1; commit", "COMMIT"},
		{"", ""},
	} {
		if got := statementCode(lastStatement(tc.sql)); got != tc.want {
			t.Errorf("code(%q) = %q, want %q", tc.sql, got, tc.want)
		}
	}
}

func TestCopyToSQL(t *testing.T) {
	d := Dialect{}
	var b strings.Builder
	for _, tc := range []struct{ loc, format string }{
		{"out/x.parquet", ""}, {"out/x.csv", ""}, {"out/x.json", ""}, {"out/x", ""}, {"out/x.dat", "csv"},
	} {
		sql, err := d.CopyToSQL("select 1 as x", tc.loc, tc.format)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "-- %s %s\n%s\n\n", tc.loc, tc.format, sql)
	}
	if _, err := d.CopyToSQL("select 1", "x.xlsx", "xlsx"); err == nil {
		t.Error("CopyToSQL(xlsx) succeeded")
	}
	golden(t, "copy_to", b.String())
}
