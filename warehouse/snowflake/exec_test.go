package snowflake_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// TestCancelSendsAbort checks that cancelling a running statement reaches the server as
// Snowflake's abort request, not only as a dropped HTTP request.
func TestCancelSendsAbort(t *testing.T) {
	srv := startFake(t)
	a := openFields(t, srv.Fields("main"))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, _, err := a.Execute(ctx, "select system$wait(60) as x", true)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for srv.Aborts() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if srv.Aborts() == 0 {
		t.Error("no abort request reached the server")
	}
}

// TestScriptSplitIntoStatements checks that a script travels as one request per statement
// and that a failing statement stops the script.
func TestScriptSplitIntoStatements(t *testing.T) {
	srv := startFake(t)
	a := openFields(t, srv.Fields("main"))
	before := srv.Queries()
	_, tab, err := a.Execute(context.Background(), "create or replace table t as (select 1 as x);\n-- c; omment\nselect x + 1 as y from t;", true)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Queries() - before; got != 2 {
		t.Errorf("query requests = %d, want 2", got)
	}
	if tab.Rows[0][0] != int64(2) {
		t.Errorf("y = %#v, want int64 2", tab.Rows[0][0])
	}
	before = srv.Queries()
	if _, _, err := a.Execute(context.Background(), "select * from missing_table; select 1", false); err == nil {
		t.Error("a script with a failing statement succeeded")
	}
	// The failed statement and the rollback that cleans the pooled session.
	if got := srv.Queries() - before; got != 2 {
		t.Errorf("query requests after a failure = %d, want 2 (statement, rollback)", got)
	}
}

// TestSeedReplacesView loads a seed where a view of the same name stands: the view is
// dropped as a view, which Snowflake requires. Both names are unquoted (dbt-snowflake's
// default), so the catalog knows them as S.
func TestSeedReplacesView(t *testing.T) {
	srv := startFake(t)
	a := openFields(t, srv.Fields("main"))
	ctx := context.Background()
	if _, _, err := a.Execute(ctx, `create or replace view GDBT_DB."main".s as (select 1 as x)`, false); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "s.csv")
	if err := os.WriteFile(p, []byte("a,b\n1,x\n2,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := warehouse.Relation{Database: "GDBT_DB", Schema: "main", Identifier: "s", Type: "table"}
	// Every statement sent goes to the seed's log; an INSERT's values as a row count.
	var logged []string
	logf := func(sql string, _ time.Duration, _ warehouse.Response, err error) {
		logged = append(logged, sql)
	}
	if n, err := a.LoadCSV(ctx, r, p, warehouse.SeedOptions{Log: logf}); err != nil || n != 2 {
		t.Fatalf("LoadCSV = %d, %v", n, err)
	}
	want := []string{`create or replace table GDBT_DB.main.s__gdbt_tmp (a integer, b varchar)`,
		`insert into GDBT_DB.main.s__gdbt_tmp values /* 2 rows of s.csv */`,
		`drop view if exists GDBT_DB.main.S`, `alter table GDBT_DB.main.s__gdbt_tmp rename to GDBT_DB.main.s`}
	if strings.Join(logged, "\n") != strings.Join(want, "\n") {
		t.Errorf("logged:\n%s\nwant:\n%s", strings.Join(logged, "\n"), strings.Join(want, "\n"))
	}
	rels, err := a.ListRelations(ctx, "GDBT_DB", "main")
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 1 || rels[0].Identifier != "S" || rels[0].Type != "table" {
		t.Errorf("relations = %+v, want the table S only", rels)
	}
}
