package duckdb_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/duckdb"
)

// TestSeedEmptyColumnsAreIntegers loads dbt-codegen's data__campaign_analytics seed shape:
// a column with no value is INTEGER, as dbt-duckdb types it (agate's Integer wins when no
// value rules it out), not DuckDB's VARCHAR; column_types still win, in any case; a seed
// with a header only has INTEGER columns.
func TestSeedEmptyColumnsAreIntegers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := duckdb.Open(ctx, duckdb.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, c := range []struct {
		name, csv string
		opts      warehouse.SeedOptions
		want      string
	}{
		{"campaign", "source,analytics,Other,col_x\ns1,,,x\ns2,,,x\n",
			warehouse.SeedOptions{ColumnTypes: map[string]string{"other": "varchar"}}, "source=VARCHAR analytics=INTEGER Other=VARCHAR col_x=VARCHAR "},
		{"header_only", "a;b\n", warehouse.SeedOptions{Delimiter: ";"}, "a=INTEGER b=INTEGER "},
	} {
		path := filepath.Join(dir, c.name+".csv")
		if err := os.WriteFile(path, []byte(c.csv), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := a.LoadCSV(ctx, warehouse.Relation{Identifier: c.name}, path, c.opts); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, tab, err := a.Execute(ctx, "select column_name, data_type from information_schema.columns where table_name = '"+c.name+"' order by ordinal_position", true)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, r := range tab.Rows {
			got += r[0].(string) + "=" + r[1].(string) + " "
		}
		if got != c.want {
			t.Errorf("%s: columns %q, want %q", c.name, got, c.want)
		}
	}
}
