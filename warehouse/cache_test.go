package warehouse_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/duckdb"
)

func openMemory(t *testing.T) *duckdb.Adapter {
	t.Helper()
	a, err := duckdb.Open(context.Background(), duckdb.Config{Path: ":memory:", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// flaky fails its first listing, as a cancelled or broken query would.
type flaky struct {
	warehouse.Adapter
	calls atomic.Int32
}

func (f *flaky) ListRelations(ctx context.Context, db, schema string) ([]warehouse.Relation, error) {
	if f.calls.Add(1) == 1 {
		return nil, errors.New("listing failed")
	}
	return f.Adapter.ListRelations(ctx, db, schema)
}

func TestCacheRetriesFailedListing(t *testing.T) {
	a := openMemory(t)
	ctx := context.Background()
	if _, _, err := a.Execute(ctx, "create table t as select 1 as x", false); err != nil {
		t.Fatal(err)
	}
	f := &flaky{Adapter: a}
	c := warehouse.NewCache(f)
	if _, err := c.Get(ctx, "memory", "main", "t"); err == nil {
		t.Fatal("first Get hid the listing error")
	}
	r, err := c.Get(ctx, "memory", "main", "T")
	if err != nil || r == nil || r.Identifier != "t" {
		t.Fatalf("second Get = %+v, %v", r, err)
	}
	// Empty database and schema mean the target's, and share the listing.
	r, err = c.Get(ctx, "", "", "t")
	if err != nil || r == nil || r.Database != "memory" || r.Schema != "main" {
		t.Fatalf("Get with defaults = %+v, %v", r, err)
	}
	if n := f.calls.Load(); n != 2 {
		t.Errorf("listings = %d, want 2 (one failed, one shared)", n)
	}
	// Updates to a schema nobody listed are left to its listing.
	c.Add(warehouse.Relation{Database: "memory", Schema: "other", Identifier: "ghost", Type: "table"})
	if r, err := c.Get(ctx, "memory", "other", "ghost"); r != nil || err != nil {
		t.Errorf("ghost in an unlisted schema = %+v, %v", r, err)
	}
}

func TestCacheCancelledWaiter(t *testing.T) {
	c := warehouse.NewCache(openMemory(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Get(ctx, "memory", "main", "t"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a cancelled context = %v", err)
	}
	// The failed listing is not remembered.
	if _, err := c.Get(context.Background(), "memory", "main", "t"); err != nil {
		t.Error(err)
	}
}

// plain hides the Session method, to exercise InTransaction's single-string path.
type plain struct{ warehouse.Adapter }

func TestInTransactionWithoutSessions(t *testing.T) {
	a := openMemory(t)
	ctx := context.Background()
	ok := []string{"create table a as select 1 as x", "create table b as select 2 as x"}
	if err := warehouse.InTransaction(ctx, plain{a}, ok); err != nil {
		t.Fatal(err)
	}
	rels, err := a.ListRelations(ctx, "memory", "main")
	if err != nil || len(rels) != 2 {
		t.Fatalf("relations = %+v, %v", rels, err)
	}
}

func TestCacheOps(t *testing.T) {
	a := openMemory(t)
	ctx := context.Background()
	c := warehouse.NewCache(a)
	if err := c.CreateSchema(ctx, nil, "memory", "s"); err != nil {
		t.Fatal(err)
	}
	sess, err := a.Session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	r := warehouse.Relation{Database: "memory", Schema: "s", Identifier: "v", Type: "view"}
	if _, err := c.Replace(ctx, r, "select 1 as x"); err != nil {
		t.Fatal(err)
	}
	// Rename and drop without a type: the cache knows it is a view (DROP TABLE would fail).
	untyped := r
	untyped.Type = ""
	if err := c.RenameRelation(ctx, sess, untyped, "w"); err != nil {
		t.Fatal(err)
	}
	untyped.Identifier = "w"
	if err := c.DropRelation(ctx, sess, untyped); err != nil {
		t.Fatal(err)
	}
	rels, err := a.ListRelations(ctx, "memory", "s")
	if err != nil || len(rels) != 0 {
		t.Errorf("warehouse relations = %+v, %v; want none", rels, err)
	}
	if got, _ := c.List(ctx, "memory", "s"); len(got) != 0 {
		t.Errorf("cached relations = %+v; want none", got)
	}
	if err := c.RenameRelation(ctx, nil, untyped, "z"); !errors.Is(err, warehouse.ErrRelationNotFound) {
		t.Errorf("renaming a missing relation: %v", err)
	}
	if err := c.DropRelation(ctx, nil, untyped); err != nil {
		t.Errorf("dropping a missing relation: %v", err)
	}
	if _, err := c.Replace(ctx, warehouse.Relation{Database: "memory", Schema: "s", Identifier: "t", Type: "table"}, "select 1 as x"); err != nil {
		t.Fatal(err)
	}
	if err := c.DropSchema(ctx, nil, "memory", "s"); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx, "memory", "s", "t"); got != nil || err != nil {
		t.Errorf("after drop schema Get = %+v, %v", got, err)
	}
}
