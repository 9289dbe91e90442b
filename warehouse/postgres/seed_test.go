package postgres_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/postgres"
)

func TestInferSeedTypes(t *testing.T) {
	cases := []struct {
		name  string
		csv   string
		opts  warehouse.SeedOptions
		names []string
		types []string
	}{
		{"scalars", "b,i,big,f,d,ts,s\ntrue,1,3000000000,1.5,2024-01-02,2024-01-02 03:04:05,x\nFALSE,-2,1,2,2024-12-31,2024-01-02T03:04,y\n", warehouse.SeedOptions{},
			[]string{"b", "i", "big", "f", "d", "ts", "s"}, []string{"boolean", "integer", "bigint", "float8", "date", "timestamp", "text"}},
		{"nulls fit anything, all-null is integer as in dbt", "a,b\n,1\n,\n", warehouse.SeedOptions{},
			[]string{"a", "b"}, []string{"integer", "integer"}},
		{"not quite numbers or dates", "a,b,c,d\n 1,1e5,2024-13-01,0x10\n", warehouse.SeedOptions{},
			[]string{"a", "b", "c", "d"}, []string{"text", "float8", "text", "text"}},
		{"mixed falls back to text", "a\n1\nx\n", warehouse.SeedOptions{}, []string{"a"}, []string{"text"}},
		{"override case-insensitive, delimiter, BOM", "\ufeffZip;n\n01234;5\n", warehouse.SeedOptions{Delimiter: ";", ColumnTypes: map[string]string{"zip": "varchar(5)"}},
			[]string{"Zip", "n"}, []string{"varchar(5)", "integer"}},
		{"header only", "a,b\n", warehouse.SeedOptions{}, []string{"a", "b"}, []string{"integer", "integer"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			names, types, err := postgres.InferSeedTypes(strings.NewReader(c.csv), c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(names, c.names) || !reflect.DeepEqual(types, c.types) {
				t.Errorf("got %v %v, want %v %v", names, types, c.names, c.types)
			}
		})
	}
	for _, bad := range []struct{ csv, delim string }{{"", ""}, {"a,b\n1,2,3\n", ""}, {"a\n", "ab"}} {
		if _, _, err := postgres.InferSeedTypes(strings.NewReader(bad.csv), warehouse.SeedOptions{Delimiter: bad.delim}); err == nil {
			t.Errorf("InferSeedTypes(%q, %q) succeeded", bad.csv, bad.delim)
		}
	}
}

func TestLoadCSVTypesAndReplace(t *testing.T) {
	a := openTest(t)
	ctx := context.Background()
	schema := "gdbt_seed_test"
	t.Cleanup(func() { a.Execute(context.Background(), "drop schema if exists "+schema+" cascade", false) })
	if _, _, err := a.Execute(ctx, "drop schema if exists "+schema+" cascade; create schema "+schema, false); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "s.csv")
	if err := os.WriteFile(p, []byte("id\tName\tat\tok\tnote\n1\tA\t2024-01-02 03:04:05\ttrue\t\"tab\there\"\n3000000000\tB\t\tfalse\t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := warehouse.Relation{Schema: schema, Identifier: "s"}
	n, err := a.LoadCSV(ctx, r, p, warehouse.SeedOptions{Delimiter: "\t"})
	if err != nil || n != 2 {
		t.Fatalf("LoadCSV = %d, %v", n, err)
	}
	cols, err := a.Columns(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	want := []warehouse.Column{{Name: "id", DataType: "bigint"}, {Name: "Name", DataType: "text"},
		{Name: "at", DataType: "timestamp without time zone"}, {Name: "ok", DataType: "boolean"}, {Name: "note", DataType: "text"}}
	if !reflect.DeepEqual(cols, want) {
		t.Errorf("columns = %v, want %v", cols, want)
	}
	_, tab, err := a.Execute(ctx, `select id, "Name", at, ok, note from `+schema+`.s order by id`, true)
	if err != nil {
		t.Fatal(err)
	}
	first, second := tab.Rows[0], tab.Rows[1]
	if first[0] != int64(1) || first[4] != "tab\there" || first[3] != true || second[2] != nil || second[4] != nil {
		t.Errorf("rows = %v", tab.Rows)
	}
	if at, ok := first[2].(time.Time); !ok || !at.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("at = %#v", first[2])
	}
	// A view on the seed does not stop the reload (dbt-postgres drops it with cascade, and the
	// run rebuilds it), and nothing temporary is left behind.
	if _, _, err := a.Execute(ctx, "create view "+schema+".v as select id from "+schema+".s", false); err != nil {
		t.Fatal(err)
	}
	if n, err := a.LoadCSV(ctx, r, p, warehouse.SeedOptions{Delimiter: "\t"}); err != nil || n != 2 {
		t.Fatalf("reload = %d, %v", n, err)
	}
	rels, err := a.ListRelations(ctx, "", schema)
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 1 || rels[0].Identifier != "s" {
		t.Errorf("relations after reload = %v, want only s", rels)
	}
}

// TestLoadCSVUnquotedColumns reproduces dbt-audit-helper's seeds (+quote_columns: false,
// headers such as COLUMN_NAME): unquoted, PostgreSQL folds the names to lower case, so the
// models comparing against them find column_name, as with dbt-postgres.
func TestLoadCSVUnquotedColumns(t *testing.T) {
	a := openTest(t)
	ctx := context.Background()
	schema := "gdbt_seed_unquoted_test"
	t.Cleanup(func() { a.Execute(context.Background(), "drop schema if exists "+schema+" cascade", false) })
	if _, _, err := a.Execute(ctx, "drop schema if exists "+schema+" cascade; create schema "+schema, false); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "s.csv")
	if err := os.WriteFile(p, []byte("COLUMN_NAME,A_Position\nawesome_column,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := warehouse.Relation{Schema: schema, Identifier: "s"}
	if _, err := a.LoadCSV(ctx, r, p, warehouse.SeedOptions{UnquotedColumns: true}); err != nil {
		t.Fatal(err)
	}
	cols, err := a.Columns(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	want := []warehouse.Column{{Name: "column_name", DataType: "text"}, {Name: "a_position", DataType: "integer"}}
	if !reflect.DeepEqual(cols, want) {
		t.Errorf("columns = %v, want %v", cols, want)
	}
}
