package warehousetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// longQuery returns a query the engine needs many seconds for, to be cancelled.
func longQuery(typ string) string {
	switch typ {
	case "postgres":
		return "select 1 as x from pg_sleep(60)"
	case "snowflake":
		return "select system$wait(60) as x"
	}
	return "select count(*) as x from range(1000000000) a, range(1000000) b where a.range + b.range = 3"
}

func testReplaceTable(t *testing.T, h *harness) {
	r := h.rel("dim", "table")
	for _, n := range []int{3, 5} {
		q := fmt.Sprintf("select * from (values %s) as v(x)", strings.TrimSuffix(strings.Repeat("(1),", n), ","))
		if _, err := warehouse.Replace(context.Background(), h.a, nil, r, q); err != nil {
			t.Fatal(err)
		}
		if got := h.count(t, r); got != int64(n) {
			t.Errorf("after replace count = %d, want %d", got, n)
		}
	}
	if got, want := h.relations(t), []string{"dim:table"}; !reflect.DeepEqual(got, want) {
		t.Errorf("relations = %v, want %v (no temporary or backup left)", got, want)
	}
}

func testReplaceFailure(t *testing.T, h *harness) {
	r := h.rel("fact", "table")
	if _, err := warehouse.Replace(context.Background(), h.a, nil, r, "select 1 as x union all select 2"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"select x from no_such_relation_here", "selec 1 as broken"} {
		if _, err := warehouse.Replace(context.Background(), h.a, nil, r, bad); err == nil {
			t.Fatalf("replace with %q succeeded", bad)
		}
		if got := h.count(t, r); got != 2 {
			t.Errorf("after failed replace count = %d, want the previous 2", got)
		}
	}
	if got, want := h.relations(t), []string{"fact:table"}; !reflect.DeepEqual(got, want) {
		t.Errorf("relations = %v, want %v", got, want)
	}
}

func testReplaceKind(t *testing.T, h *harness) {
	ctx := context.Background()
	r := h.rel("obj", "table")
	if _, err := warehouse.Replace(ctx, h.a, nil, r, "select 1 as x"); err != nil {
		t.Fatal(err)
	}
	r.Type = "view"
	res, err := warehouse.Replace(ctx, h.a, nil, r, "select 2 as x")
	if err != nil {
		t.Fatal(err)
	}
	if res.Replaced == nil || res.Replaced.Type != "table" {
		t.Errorf("Replaced = %+v, want the old table", res.Replaced)
	}
	if got, want := h.relations(t), []string{"obj:view"}; !reflect.DeepEqual(got, want) {
		t.Errorf("table → view: relations = %v, want %v", got, want)
	}
	// A broken view must not cost the existing relation either.
	if _, err := warehouse.Replace(ctx, h.a, nil, r, "select nope from nowhere_at_all"); err == nil {
		t.Error("broken view replaced")
	}
	r.Type = "table"
	if _, err := warehouse.Replace(ctx, h.a, nil, r, "select 3 as x union all select 4"); err != nil {
		t.Fatal(err)
	}
	if got, want := h.relations(t), []string{"obj:table"}; !reflect.DeepEqual(got, want) {
		t.Errorf("view → table: relations = %v, want %v", got, want)
	}
	if n := h.count(t, r); n != 2 {
		t.Errorf("count = %d, want 2", n)
	}
	// A leftover temporary relation of an interrupted run (of the other kind) is cleaned up.
	h.exec(t, h.ddl.CreateViewAsSQL(h.rel("obj"+warehouse.TmpSuffix, "view"), "select 0 as x"))
	h.exec(t, h.ddl.CreateTableAsSQL(h.rel("obj"+warehouse.BackupSuffix, "table"), "select 0 as x", false))
	if _, err := warehouse.Replace(ctx, h.a, nil, r, "select 5 as x"); err != nil {
		t.Fatal(err)
	}
	if got, want := h.relations(t), []string{"obj:table"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after leftovers: relations = %v, want %v", got, want)
	}
}

func testReplaceCancelled(t *testing.T, h *harness) {
	r := h.rel("big", "table")
	if _, err := warehouse.Replace(context.Background(), h.a, nil, r, "select 1 as x union all select 2 union all select 3"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := warehouse.Replace(ctx, h.a, nil, r, longQuery(h.d.Type()))
	if err == nil {
		t.Fatal("a cancelled replace succeeded")
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("cancellation took %v", el)
	}
	if n := h.count(t, r); n != 3 {
		t.Errorf("after the interrupted build count = %d, want the previous 3", n)
	}
	// The next build succeeds, whatever the interrupted one left behind.
	if _, err := warehouse.Replace(context.Background(), h.a, nil, r, "select 9 as x"); err != nil {
		t.Fatal(err)
	}
	if n := h.count(t, r); n != 1 {
		t.Errorf("after the next build count = %d, want 1", n)
	}
	if got, want := h.relations(t), []string{"big:table"}; !reflect.DeepEqual(got, want) {
		t.Errorf("relations = %v, want %v", got, want)
	}
}

func testReplaceConcurrent(t *testing.T, h *harness) {
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := h.rel(fmt.Sprintf("p%d", i), "table")
			for round := 0; round < 3 && errs[i] == nil; round++ {
				q := fmt.Sprintf("select %d as x", round)
				if i%2 == 1 {
					r.Type = []string{"view", "table"}[round%2]
				}
				_, errs[i] = warehouse.Replace(context.Background(), h.a, nil, r, q)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if got := h.relations(t); len(got) != 8 {
		t.Errorf("relations = %v, want 8", got)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func testSeed(t *testing.T, h *harness) {
	ctx := context.Background()
	p := writeFile(t, "countries.csv", "code;Name;population;joined\nfr;France;68.1;2001-02-03\nde;Germany;84.4;2002-03-04\nit;\"Ita;ly\";58.9;2003-04-05\n")
	r := h.rel("countries", "table")
	n, err := h.a.LoadCSV(ctx, r, p, warehouse.SeedOptions{Delimiter: ";"})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("rows = %d, want 3", n)
	}
	cols, err := h.a.Columns(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cols {
		got = append(got, c.Name)
	}
	want := []string{"code", "Name", "population", "joined"}
	if h.d.Type() == "snowflake" {
		// dbt-snowflake leaves seed columns unquoted unless quote_columns: true, so they fold.
		want = []string{"CODE", "NAME", "POPULATION", "JOINED"}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("columns = %v, want %v", got, want)
	}
	tab := h.query(t, "select population, joined from "+h.d.RelationSQL(r)+" where code = 'it'")
	if f, ok := tab.Rows[0][0].(float64); !ok || f != 58.9 {
		t.Errorf("population = %#v, want inferred number 58.9", tab.Rows[0][0])
	}
	if _, ok := tab.Rows[0][1].(time.Time); !ok {
		t.Errorf("joined = %#v, want an inferred date", tab.Rows[0][1])
	}
	// Reloading a shorter file replaces the table.
	p2 := writeFile(t, "c2.csv", "code;Name;population;joined\nes;Spain;48;2004-05-06\n")
	if n, err := h.a.LoadCSV(ctx, r, p2, warehouse.SeedOptions{Delimiter: ";"}); err != nil || n != 1 {
		t.Fatalf("reload = %d, %v", n, err)
	}
	// A file that does not parse leaves the table as it was.
	bad := writeFile(t, "bad.csv", "code;population\nxx;12\nyy;not-a-number\n")
	if _, err := h.a.LoadCSV(ctx, r, bad, warehouse.SeedOptions{Delimiter: ";", ColumnTypes: map[string]string{"population": "INTEGER"}}); err == nil {
		t.Error("loading an unparsable value succeeded")
	}
	if c := h.count(t, r); c != 1 {
		t.Errorf("after a failed load count = %d, want 1", c)
	}
	// Malformed files fail naming the file and line, and the table stays (dbt's agate reader
	// raises on them; DuckDB's own reader would pad, skip or re-guess the header).
	for _, m := range []struct{ name, data, want string }{
		{"ragged.csv", "code;population\nxx;12;13\nyy\n", "ragged.csv:2"},
		{"unclosed.csv", "code;population\nxx;\"12\nyy;13\n", "unclosed.csv:2"},
		{"empty.csv", "", "empty.csv"},
	} {
		_, err := h.a.LoadCSV(ctx, r, writeFile(t, m.name, m.data), warehouse.SeedOptions{Delimiter: ";"})
		if err == nil || !strings.Contains(err.Error(), m.want) {
			t.Errorf("loading %s: err = %v, want one naming %s", m.name, err, m.want)
		}
		if c := h.count(t, r); c != 1 {
			t.Errorf("after loading %s count = %d, want 1", m.name, c)
		}
	}
	if _, err := h.a.LoadCSV(ctx, r, filepath.Join(t.TempDir(), "missing.csv"), warehouse.SeedOptions{}); err == nil {
		t.Error("loading a missing file succeeded")
	}
}

func testSeedColumnTypes(t *testing.T, h *harness) {
	ctx := context.Background()
	p := writeFile(t, "codes.csv", "zip,amount,flag\n01234,10,true\n98765,20,false\n")
	r := h.rel("codes", "table")
	n, err := h.a.LoadCSV(ctx, r, p, warehouse.SeedOptions{ColumnTypes: map[string]string{"zip": "VARCHAR", "amount": "float8"}})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("rows = %d, want 2", n)
	}
	tab := h.query(t, "select zip, amount, flag from "+h.d.RelationSQL(r)+" order by zip")
	if tab.Rows[0][0] != "01234" {
		t.Errorf("zip = %#v, want the string 01234 (leading zero kept)", tab.Rows[0][0])
	}
	if tab.Rows[0][1] != 10.0 {
		t.Errorf("amount = %#v, want float64 10", tab.Rows[0][1])
	}
	if tab.Rows[0][2] != true {
		t.Errorf("flag = %#v, want inferred bool true", tab.Rows[0][2])
	}
	header := writeFile(t, "empty.csv", "a,b\n")
	if n, err := h.a.LoadCSV(ctx, h.rel("empty", "table"), header, warehouse.SeedOptions{}); err != nil || n != 0 {
		t.Errorf("header-only seed = %d, %v; want 0 rows", n, err)
	}
}

func testCancel(t *testing.T, h *harness) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, _, err := h.a.Execute(ctx, longQuery(h.d.Type()), true)
	el := time.Since(start)
	if err == nil {
		t.Fatal("cancelled query returned no error")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want one wrapping context.Canceled", err)
	}
	if el > 5*time.Second {
		t.Errorf("cancellation took %v", el)
	}
	// The pool still works afterwards.
	if got := fmt.Sprint(h.query(t, "select 1 as x").Rows[0][0]); got != "1" {
		t.Errorf("after cancel: %s", got)
	}
	// An already-cancelled context does not start the statement.
	if _, _, err := h.a.Execute(ctx, "select 1", false); !errors.Is(err, context.Canceled) {
		t.Errorf("pre-cancelled error = %v", err)
	}
}

// countingAdapter counts ListRelations calls, to see the cache list each schema once.
type countingAdapter struct {
	warehouse.Adapter
	lists atomic.Int32
}

// ListRelations counts the call and lists slowly.
func (c *countingAdapter) ListRelations(ctx context.Context, db, schema string) ([]warehouse.Relation, error) {
	c.lists.Add(1)
	time.Sleep(20 * time.Millisecond) // widen the window for concurrent askers
	return c.Adapter.ListRelations(ctx, db, schema)
}

func testCache(t *testing.T, h *harness) {
	ctx := context.Background()
	h.exec(t, h.ddl.CreateTableAsSQL(h.rel("Orders", "table"), "select 1 as x", false))
	h.exec(t, h.ddl.CreateViewAsSQL(h.rel("v", "view"), "select 1 as x"))
	ca := &countingAdapter{Adapter: h.a}
	c := warehouse.NewCache(ca)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.Get(ctx, strings.ToUpper(h.db), h.schema, "ORDERS")
			if err != nil || r == nil || r.Identifier != "Orders" || r.Type != "table" {
				t.Errorf("Get(ORDERS) = %+v, %v", r, err)
			}
		}()
	}
	wg.Wait()
	if n := ca.lists.Load(); n != 1 {
		t.Errorf("schema listed %d times, want once", n)
	}
	if r, err := c.Get(ctx, h.db, h.schema, "missing"); r != nil || err != nil {
		t.Errorf("Get(missing) = %+v, %v", r, err)
	}
	// Replacing through the cache keeps it current without listing again.
	if _, err := c.Replace(ctx, h.rel("v", "table"), "select 2 as x"); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Get(ctx, h.db, h.schema, "v"); r == nil || r.Type != "table" {
		t.Errorf("after replace Get(v) = %+v, want a table", r)
	}
	c.Rename(h.rel("orders", "table"), "orders_old")
	c.Drop(h.rel("orders_old", "table"))
	if r, _ := c.Get(ctx, h.db, h.schema, "orders_old"); r != nil {
		t.Errorf("after drop Get = %+v", r)
	}
	c.Add(h.rel("fresh", "view"))
	list, err := c.List(ctx, h.db, h.schema)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range list {
		got = append(got, r.Identifier+":"+r.Type)
	}
	if want := []string{"fresh:view", "v:table"}; !reflect.DeepEqual(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
	if n := ca.lists.Load(); n != 1 {
		t.Errorf("schema listed %d times, want once", n)
	}
	// Invalidate relists and sees the warehouse as it is.
	c.Invalidate(h.db, h.schema)
	if r, _ := c.Get(ctx, h.db, h.schema, "orders"); r == nil {
		t.Error("after invalidate, Orders (still in the warehouse) is missing")
	}
	if n := ca.lists.Load(); n != 2 {
		t.Errorf("after invalidate schema listed %d times, want 2", n)
	}
	c.AddSchema(h.db, "brand_new_schema")
	if r, err := c.Get(ctx, h.db, "brand_new_schema", "x"); r != nil || err != nil || ca.lists.Load() != 2 {
		t.Errorf("Get in a created schema = %+v, %v, lists %d", r, err, ca.lists.Load())
	}
}
