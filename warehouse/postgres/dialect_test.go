package postgres

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestDialectGolden renders every SQL builder into one golden file, so a change to the SQL
// gdbt sends PostgreSQL shows up in review. Run with -update to accept a change.
func TestDialectGolden(t *testing.T) {
	d := Dialect{Database: "analytics", Schema: "dev"}
	tab := warehouse.Relation{Database: "analytics", Schema: "dev", Identifier: "orders", Type: "table"}
	view := warehouse.Relation{Database: "analytics", Schema: "dev", Identifier: `we"ird`, Type: "view"}
	mv := warehouse.Relation{Schema: "dev", Identifier: "mv", Type: "materialized_view"}
	var b strings.Builder
	add := func(name, sql string) { b.WriteString("-- " + name + "\n" + sql + "\n") }
	add("RelationSQL", d.RelationSQL(tab))
	add("RelationSQL no database", d.RelationSQL(mv))
	add("CreateSchemaSQL", d.CreateSchemaSQL("analytics", "Dev Schema"))
	add("DropSchemaSQL", d.DropSchemaSQL("analytics", "dev"))
	add("DropRelationSQL table", d.DropRelationSQL(tab))
	add("DropRelationSQL view", d.DropRelationSQL(view))
	add("DropRelationSQL materialized view", d.DropRelationSQL(mv))
	add("RenameRelationSQL", d.RenameRelationSQL(tab, "orders__gdbt_backup"))
	add("RenameRelationSQL view", d.RenameRelationSQL(view, "v2"))
	add("CreateTableAsSQL", d.CreateTableAsSQL(tab, "select 1 as x -- comment", false))
	add("CreateTableAsSQL temporary", d.CreateTableAsSQL(tab, "select 1 as x", true))
	add("CreateViewAsSQL", d.CreateViewAsSQL(view, "select 1 as x"))
	add("TruncateSQL", d.TruncateSQL(tab))
	add("SeedTableSQL", d.SeedTableSQL(tab, []string{"id", "Name"}, []string{"integer", "text"}, true))
	add("SeedCopySQL", d.SeedCopySQL(tab, []string{"id", "Name"}, "\t", true))
	add("SeedTableSQL unquoted", d.SeedTableSQL(tab, []string{"id", "Name"}, []string{"integer", "text"}, false))
	add("SeedCopySQL unquoted", d.SeedCopySQL(tab, []string{"id", "Name"}, "\t", false))
	add("ExternalSQL", d.ExternalSQL("data/x.csv"))
	for _, k := range []string{"string", "type_int", "bigint", "float", "numeric", "timestamp", "boolean"} {
		typ, err := d.TypeSQL(k)
		if err != nil {
			t.Fatal(err)
		}
		add("TypeSQL "+k, typ)
	}
	if _, err := d.TypeSQL("geometry"); err == nil {
		t.Error("TypeSQL(geometry) succeeded")
	}
	golden := filepath.Join("testdata", "dialect.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("dialect SQL differs from %s (run with -update to accept):\n%s", golden, b.String())
	}
}

func TestLineCol(t *testing.T) {
	for _, c := range []struct {
		s         string
		pos       int
		line, col int
	}{{"select x", 8, 1, 8}, {"a\nbé c", 6, 2, 4}, {"x", 1, 1, 1}} {
		if l, col := lineCol(c.s, c.pos); l != c.line || col != c.col {
			t.Errorf("lineCol(%q, %d) = %d:%d, want %d:%d", c.s, c.pos, l, col, c.line, c.col)
		}
	}
}
