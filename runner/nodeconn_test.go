package runner

import (
	"context"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/duckdb"
)

// TestNodeAdapterPinsOneConnection: a node's statements share one connection, so a
// temporary table made by one is there for the next, while the rest of the pool (other
// workers) cannot see it; the transaction helper runs on that same connection.
func TestNodeAdapterPinsOneConnection(t *testing.T) {
	ctx := context.Background()
	a, err := duckdb.Open(ctx, duckdb.Config{Path: ":memory:", Threads: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	node, release, err := pinNode(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := node.Execute(ctx, "create temp table probe as select 42 as x", false); err != nil {
		t.Fatal(err)
	}
	if err := warehouse.InTransaction(ctx, node, []string{"insert into probe values (43)"}); err != nil {
		t.Fatalf("a transaction of the node must see its temp table: %v", err)
	}
	_, tab, err := node.Execute(ctx, "select count(*) from probe", true)
	if err != nil || len(tab.Rows) != 1 || tab.Rows[0][0] != int64(2) {
		t.Fatalf("the node's next statement: rows %v, err %v", tab, err)
	}
	// The connection is pinned: the pool hands out another one, without the temp table.
	if _, _, err := a.Execute(ctx, "select * from probe", true); err == nil || !strings.Contains(err.Error(), "probe") {
		t.Errorf("another worker's connection sees the node's temp table (err %v)", err)
	}
	release()
	if u, ok := node.(interface{ Unwrap() warehouse.Adapter }); !ok || u.Unwrap() != warehouse.Adapter(a) {
		t.Error("the node adapter must unwrap to the run's adapter (it owns the relation cache)")
	}
}
