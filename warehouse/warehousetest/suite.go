// Package warehousetest is the conformance suite every warehouse adapter passes: the
// behaviour the runner and the materializations rely on (DDL, relation listing, typed
// results, atomic replacement, seeds, cancellation), checked against a real engine so
// that a new adapter slots in beside DuckDB without touching the scheduler.
package warehousetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// Run runs the suite; open returns a fresh, empty adapter for one subtest and arranges its
// closing with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) warehouse.Adapter) {
	cases := []struct {
		name string
		fn   func(t *testing.T, h *harness)
	}{
		{"dialect", testDialect},
		{"create_table_and_columns", testCreateTable},
		{"view", testView},
		{"rename_and_drop", testRenameDrop},
		{"typed_results", testTypedResults},
		{"exact_decimals", testExactDecimals},
		{"multiple_statements", testMultipleStatements},
		{"transaction_rolls_back", testTransaction},
		{"failed_script_leaves_pool_clean", testFailedScript},
		{"session_keeps_transaction", testSession},
		{"replace_table", testReplaceTable},
		{"replace_keeps_old_on_failure", testReplaceFailure},
		{"replace_changes_kind", testReplaceKind},
		{"replace_cancelled_keeps_old", testReplaceCancelled},
		{"replace_concurrent", testReplaceConcurrent},
		{"seed", testSeed},
		{"seed_column_types", testSeedColumnTypes},
		{"cancel", testCancel},
		{"cache", testCache},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := open(t)
			h := newHarness(t, a)
			c.fn(t, h)
		})
	}
}

// harness carries one adapter, its DDL builders and a fresh schema for one subtest.
type harness struct {
	a      warehouse.Adapter
	d      warehouse.Dialect
	ddl    warehouse.DDL
	db     string
	schema string
}

func newHarness(t *testing.T, a warehouse.Adapter) *harness {
	t.Helper()
	ddl, ok := a.Dialect().(warehouse.DDL)
	if !ok {
		t.Fatalf("dialect %T does not implement warehouse.DDL", a.Dialect())
	}
	h := &harness{a: a, d: a.Dialect(), ddl: ddl, db: a.Dialect().DefaultDatabase(),
		schema: "gdbt_conformance_" + strings.ToLower(strings.NewReplacer("/", "_", "-", "_").Replace(t.Name()))}
	if len(h.schema) > 60 {
		h.schema = h.schema[:60]
	}
	h.exec(t, ddl.CreateSchemaSQL(h.db, h.schema))
	t.Cleanup(func() {
		_, _, _ = a.Execute(context.Background(), ddl.DropSchemaSQL(h.db, h.schema), false)
	})
	return h
}

// rel names a relation of the subtest's schema, every part quoted so that mixed-case and
// odd names round-trip on every engine (Snowflake's unquoted default, which folds them, is
// tested in its own package).
func (h *harness) rel(id, typ string) warehouse.Relation {
	q := warehouse.QuoteAll
	return warehouse.Relation{Database: h.db, Schema: h.schema, Identifier: id, Type: typ, Quote: &q}
}

func (h *harness) exec(t *testing.T, sql string) {
	t.Helper()
	if _, _, err := h.a.Execute(context.Background(), sql, false); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (h *harness) query(t *testing.T, sql string) *warehouse.Table {
	t.Helper()
	_, tab, err := h.a.Execute(context.Background(), sql, true)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return tab
}

// count returns the row count of a relation.
func (h *harness) count(t *testing.T, r warehouse.Relation) int64 {
	t.Helper()
	tab := h.query(t, "select count(*) from "+h.d.RelationSQL(r))
	n, ok := tab.Rows[0][0].(int64)
	if !ok {
		t.Fatalf("count(*) returned %T, want int64", tab.Rows[0][0])
	}
	return n
}

// relations lists the subtest schema as "identifier:type" strings.
func (h *harness) relations(t *testing.T) []string {
	t.Helper()
	rels, err := h.a.ListRelations(context.Background(), h.db, h.schema)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, r := range rels {
		out = append(out, strings.ToLower(r.Identifier)+":"+r.Type)
	}
	return out
}

func testDialect(t *testing.T, h *harness) {
	chain := h.d.DispatchChain()
	if len(chain) == 0 || chain[0] != h.d.Type() {
		t.Errorf("DispatchChain() = %v, want it to start with %q", chain, h.d.Type())
	}
	if h.d.DefaultSchema() == "" {
		t.Error("DefaultSchema() is empty")
	}
	for _, k := range []string{"string", "int", "bigint", "float", "numeric", "timestamp", "boolean"} {
		typ, err := h.ddl.TypeSQL(k)
		if err != nil {
			t.Fatal(err)
		}
		// Every mapped type must be one the engine accepts in a cast.
		h.query(t, fmt.Sprintf("select cast(null as %s) as x", typ))
	}
	if _, err := h.ddl.TypeSQL("no_such_type"); err == nil {
		t.Error("TypeSQL(no_such_type) succeeded")
	}
}

func testCreateTable(t *testing.T, h *harness) {
	r := h.rel("orders", "table")
	h.exec(t, h.ddl.CreateTableAsSQL(r, "select 1 as order_id, 'a' as status, 2.5 as amount", false))
	if got, want := h.relations(t), []string{"orders:table"}; !reflect.DeepEqual(got, want) {
		t.Errorf("relations = %v, want %v", got, want)
	}
	if sl, ok := h.a.(warehouse.SchemaLister); ok {
		schemas, err := sl.ListSchemas(context.Background(), h.db)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range schemas {
			found = found || strings.EqualFold(s, h.schema)
		}
		if !found {
			t.Errorf("ListSchemas = %v, want it to include %s", schemas, h.schema)
		}
	}
	cols, err := h.a.Columns(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cols {
		names = append(names, strings.ToLower(c.Name))
		if c.DataType == "" {
			t.Errorf("column %s has no type", c.Name)
		}
	}
	if want := []string{"order_id", "status", "amount"}; !reflect.DeepEqual(names, want) {
		t.Errorf("columns = %v, want %v", names, want)
	}
	if _, err := h.a.Columns(context.Background(), h.rel("missing", "")); !errors.Is(err, warehouse.ErrRelationNotFound) {
		t.Errorf("Columns(missing) error = %v, want ErrRelationNotFound", err)
	}
	// A relation name needing quotes survives the round trip.
	odd := h.rel(`we"ird name`, "table")
	h.exec(t, h.ddl.CreateTableAsSQL(odd, "select 1 as x", false))
	if n := h.count(t, odd); n != 1 {
		t.Errorf("count(%s) = %d, want 1", odd.Identifier, n)
	}
}

func testView(t *testing.T, h *harness) {
	base := h.rel("base", "table")
	h.exec(t, h.ddl.CreateTableAsSQL(base, "select 1 as x union all select 2", false))
	v := h.rel("v_base", "view")
	h.exec(t, h.ddl.CreateViewAsSQL(v, "select x * 10 as y from "+h.d.RelationSQL(base)+" -- trailing comment"))
	if got, want := h.relations(t), []string{"base:table", "v_base:view"}; !reflect.DeepEqual(got, want) {
		t.Errorf("relations = %v, want %v", got, want)
	}
	tab := h.query(t, "select sum(y) from "+h.d.RelationSQL(v))
	if got := fmt.Sprint(tab.Rows[0][0]); got != "30" {
		t.Errorf("sum(y) = %s, want 30", got)
	}
	// create-or-replace keeps the view's name and changes its definition.
	h.exec(t, h.ddl.CreateViewAsSQL(v, "select 7 as y"))
	if got := fmt.Sprint(h.query(t, "select y from "+h.d.RelationSQL(v)).Rows[0][0]); got != "7" {
		t.Errorf("replaced view returns %s, want 7", got)
	}
}

func testRenameDrop(t *testing.T, h *harness) {
	tab, view := h.rel("t1", "table"), h.rel("v1", "view")
	h.exec(t, h.ddl.CreateTableAsSQL(tab, "select 1 as x", false))
	h.exec(t, h.ddl.CreateViewAsSQL(view, "select 1 as x"))
	h.exec(t, h.ddl.RenameRelationSQL(tab, "t2"))
	h.exec(t, h.ddl.RenameRelationSQL(view, "v2"))
	if got, want := h.relations(t), []string{"t2:table", "v2:view"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after rename relations = %v, want %v", got, want)
	}
	h.exec(t, h.ddl.DropRelationSQL(h.rel("t2", "table")))
	h.exec(t, h.ddl.DropRelationSQL(h.rel("v2", "view")))
	// Dropping what does not exist is not an error.
	h.exec(t, h.ddl.DropRelationSQL(h.rel("t2", "table")))
	if got := h.relations(t); len(got) != 0 {
		t.Errorf("after drop relations = %v, want none", got)
	}
	h.exec(t, h.ddl.CreateTableAsSQL(h.rel("t3", "table"), "select 1 as x", false))
	h.exec(t, h.ddl.TruncateSQL(h.rel("t3", "table")))
	if n := h.count(t, h.rel("t3", "table")); n != 0 {
		t.Errorf("after truncate count = %d", n)
	}
}

func testTypedResults(t *testing.T, h *harness) {
	tab := h.query(t, `select cast(42 as bigint) as i, 'txt' as s, cast(1.5 as float8) as f,
		true as b, null as n, cast(12.25 as decimal(10,2)) as d,
		cast('2024-03-01 10:11:12' as timestamp) as ts, cast(2 as integer) as small`)
	want := []any{int64(42), "txt", 1.5, true, nil, 12.25,
		time.Date(2024, 3, 1, 10, 11, 12, 0, time.UTC), int64(2)}
	if len(tab.Rows) != 1 {
		t.Fatalf("rows = %v", tab.Rows)
	}
	for i, w := range want {
		got := tab.Rows[0][i]
		if gt, ok := got.(time.Time); ok {
			if wt := w.(time.Time); !gt.Equal(wt) {
				t.Errorf("column %s = %v, want %v", tab.Columns[i].Name, gt, wt)
			}
			continue
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("column %s = %#v (%T), want %#v (%T)", tab.Columns[i].Name, got, got, w, w)
		}
	}
	// An unquoted alias is the column's name as the engine folds it: upper case on
	// Snowflake, as written (lower case) on DuckDB and PostgreSQL.
	wantName := "i"
	if h.d.Type() == "snowflake" {
		wantName = "I"
	}
	if tab.Columns[0].Name != wantName || tab.Columns[0].DataType == "" {
		t.Errorf("first column = %+v", tab.Columns[0])
	}
	empty := h.query(t, "select 1 as x where 1 = 0")
	if len(empty.Rows) != 0 || len(empty.Columns) != 1 {
		t.Errorf("empty result = %+v", empty)
	}
}

// testExactDecimals reads decimals under warehouse.WithExactDecimals (gdbt show, whose
// table dbt prints from Python Decimals): every digit and place of a DECIMAL(38,10)
// beyond float64's 17 digits, 12.50 with its two places; without it, float64.
func testExactDecimals(t *testing.T, h *harness) {
	q := `select cast(1234567890123456789012345678.0123456789 as decimal(38,10)) as big,
		cast(12.5 as decimal(10,2)) as cents, cast(-0.05 as decimal(10,2)) as neg`
	_, tab, err := h.a.Execute(warehouse.WithExactDecimals(context.Background()), q, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{warehouse.Decimal("1234567890123456789012345678.0123456789"), warehouse.Decimal("12.50"), warehouse.Decimal("-0.05")}
	if !reflect.DeepEqual(tab.Rows[0], want) {
		t.Errorf("exact: %#v\nwant %#v", tab.Rows[0], want)
	}
	if got := h.query(t, q).Rows[0][1]; got != 12.5 {
		t.Errorf("without WithExactDecimals: %#v, want float64 12.5", got)
	}
}

func testMultipleStatements(t *testing.T, h *harness) {
	r := h.rel("m", "table")
	sql := h.ddl.CreateTableAsSQL(r, "select 1 as x", false) + ";\n" +
		"insert into " + h.d.RelationSQL(r) + " values (2), (3);\n" +
		"select sum(x) as total, ';' as semi from " + h.d.RelationSQL(r) + ";"
	resp, tab, err := h.a.Execute(context.Background(), sql, true)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Code != "SELECT" {
		t.Errorf("response code = %q, want SELECT", resp.Code)
	}
	if got := fmt.Sprint(tab.Rows[0][0]); got != "6" {
		t.Errorf("last statement's total = %s, want 6", got)
	}
	resp, _, err = h.a.Execute(context.Background(), "insert into "+h.d.RelationSQL(r)+" values (4), (5)", false)
	if err != nil {
		t.Fatal(err)
	}
	if resp.RowsAffected != 2 || resp.Code != "INSERT" {
		t.Errorf("insert response = %+v, want 2 rows affected", resp)
	}
}

func testTransaction(t *testing.T, h *harness) {
	keep := h.rel("keep", "table")
	h.exec(t, h.ddl.CreateTableAsSQL(keep, "select 1 as x", false))
	err := warehouse.InTransaction(context.Background(), h.a, []string{
		h.ddl.RenameRelationSQL(keep, "renamed"),
		h.ddl.CreateTableAsSQL(h.rel("other", "table"), "select 1 as x", false),
		"select * from no_such_table_anywhere",
	})
	if err == nil {
		t.Fatal("transaction with a bad statement succeeded")
	}
	if got, want := h.relations(t), []string{"keep:table"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after rollback relations = %v, want %v", got, want)
	}
}

func testSession(t *testing.T, h *harness) {
	s, ok := h.a.(warehouse.Sessioner)
	if !ok {
		t.Skip("adapter has no sessions")
	}
	r := h.rel("sess", "table")
	h.exec(t, h.ddl.CreateTableAsSQL(r, "select 1 as x", false))
	sess, err := s.Session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, q := range []string{h.ddl.BeginSQL(), "insert into " + h.d.RelationSQL(r) + " values (2)"} {
		if _, _, err := sess.Execute(ctx, q, false); err != nil {
			t.Fatal(err)
		}
	}
	// Closing with the transaction open rolls it back.
	if err := sess.Close(); err != nil {
		t.Fatal(err)
	}
	if n := h.count(t, r); n != 1 {
		t.Errorf("rows after an abandoned session = %d, want 1", n)
	}
}

// testFailedScript runs a transaction script that fails half-way through the adapter's
// pool: the pool must not hand the aborted transaction to the next caller.
func testFailedScript(t *testing.T, h *harness) {
	a := h.rel("half", "table")
	script := h.ddl.BeginSQL() + ";\n" + h.ddl.CreateTableAsSQL(a, "select 1 as x", false) +
		";\nselect * from no_such_relation_at_all;\n" + h.ddl.CommitSQL()
	if _, _, err := h.a.Execute(context.Background(), script, false); err == nil {
		t.Fatal("a failing script succeeded")
	}
	for i := 0; i < 3; i++ {
		h.exec(t, h.ddl.CreateTableAsSQL(h.rel(fmt.Sprintf("after%d", i), "table"), "select 1 as x", false))
	}
	if got, want := h.relations(t), []string{"after0:table", "after1:table", "after2:table"}; !reflect.DeepEqual(got, want) {
		t.Errorf("relations = %v, want %v (the failed script's table rolled back)", got, want)
	}
}
