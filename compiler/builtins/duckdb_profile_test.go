package builtins_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// TestDuckDBProfileProject builds testdata/duckdb_profile: an attached database, external
// models read back downstream (Parquet, CSV with a delimiter, partitioned, empty), and file
// sources formatted with {name}, {identifier}, {schema}, {database}, a meta key and a
// function call.
func TestDuckDBProfileProject(t *testing.T) {
	dir := t.TempDir()
	writeTxtar(t, filepath.Join("testdata", "duckdb_profile", "project.txtar"), dir)
	t.Setenv("DUCKPROF_DATA", filepath.Join(dir, "data"))
	crm, err := sql.Open("duckdb", filepath.Join(dir, "crm.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := crm.Exec("create table customers as select * from (values (1, 'ann'), (2, 'bob')) t(id, name)"); err != nil {
		t.Fatal(err)
	}
	crm.Close()
	ctx := context.Background()
	p := loadOrSkip(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir})
	for id, s := range p.Manifest.Sources {
		if strings.Contains(s.RelationName, "{") {
			t.Errorf("%s: unformatted %s", id, s.RelationName)
		}
	}
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, p.Dir)
	if err != nil {
		t.Fatalf("open adapter: %v", err)
	}
	defer a.Close()
	runs := buildAll(t, ctx, p, a)
	expectOK(t, runs, "orders_parquet", "orders_csv", "orders_parts", "orders_empty", "downstream")
	expectRows(t, a, `select * from main.downstream order by customer_id`,
		"1|ann|click|ann|click|0|ann|by schema|by database|fn", "2|bob|view|bob|view|0|ann|by schema|by database|fn")
	ext := filepath.Join(dir, "target", "external")
	for _, f := range []string{"orders_parquet.parquet", "orders_csv.csv", "orders_parts/kind=click", "empty.parquet"} {
		if _, err := os.Stat(filepath.Join(ext, f)); err != nil {
			t.Errorf("external file: %v", err)
		}
	}
	csv, _ := os.ReadFile(filepath.Join(ext, "orders_csv.csv"))
	if !strings.HasPrefix(string(csv), "customer_id|name|kind\n") {
		t.Errorf("csv written = %q", csv)
	}
	// The views read the files: rewriting a file changes what downstream refs see.
	expectRows(t, a, `select count(*) from read_parquet('`+filepath.Join(ext, "orders_parquet.parquet")+`')`, "2")
	expectRows(t, a, `select count(*) from main.orders_empty`, "0")
	expectRows(t, a, `select table_type from information_schema.tables where table_name = 'orders_parquet'`, "VIEW")
	// A second build replaces files and views in place.
	runs = buildAll(t, ctx, p, a)
	expectOK(t, runs, "orders_parquet", "orders_csv", "orders_parts", "downstream")

	// register_upstream_external_models (dbt-duckdb's macros/utils/upstream.sql), for a
	// run that selects only downstream: the views over the upstream external models' files
	// are recreated, each in the format it was written in (CSV with its delimiter,
	// partitioned Parquet), and the selected model itself is left alone.
	for _, v := range []string{"orders_parquet", "orders_csv", "orders_parts", "orders_empty"} {
		mustExec(t, a, "drop view main."+v)
	}
	mustExec(t, a, "drop table main.downstream")
	for id, n := range p.Manifest.Nodes {
		if n.Name == "downstream" {
			p.SelectedResources = []string{id}
		}
	}
	if _, err := p.RunOperation(ctx, a, "register_upstream_external_models", nil); err != nil {
		t.Fatalf("register_upstream_external_models: %v", err)
	}
	expectRows(t, a, `select p.customer_id, c.name, t.kind from main.orders_parquet p
		join main.orders_csv c using (customer_id) join main.orders_parts t using (customer_id) order by 1`, "1|ann|click", "2|bob|view")
	expectRows(t, a, `select table_name from information_schema.tables where table_name like 'orders%' or table_name = 'downstream' order by 1`,
		"orders_csv", "orders_empty", "orders_parquet", "orders_parts")
	// register_self_reference_external_models: the selected external model's own view.
	for id, n := range p.Manifest.Nodes {
		if n.Name == "orders_csv" {
			p.SelectedResources = []string{id}
		}
	}
	mustExec(t, a, "drop view main.orders_csv")
	if _, err := p.RunOperation(ctx, a, "register_self_reference_external_models", nil); err != nil {
		t.Fatalf("register_self_reference_external_models: %v", err)
	}
	expectRows(t, a, `select count(*), min(name) from main.orders_csv`, "2|ann")
	p.SelectedResources = nil

	// glue_register needs dbt-duckdb's Python plugins: refused by name.
	p2 := loadOrSkip(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: "{with_glue: true}"})
	runs = buildAll(t, ctx, p2, a)
	if r := runs["glue"]; r.err == nil || !strings.Contains(r.err.Error(), "glue_register needs dbt-duckdb's Python plugins") {
		t.Errorf("glue_register: %v", r.err)
	}
}
