package runner

import (
	"context"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// nodeAdapter runs all of one node's statements on one pinned connection, as dbt gives each
// node its own connection: a temporary table the materialization creates (the logistic
// regression's scratch tables on DuckDB, dbt-duckdb style incremental temp tables) and a
// transaction it opens stay visible to its later statements, whichever worker ran them.
// Catalog calls (ListRelations, Columns, LoadCSV) still use the adapter's pool.
type nodeAdapter struct {
	warehouse.Adapter
	sess warehouse.Session
}

// pinNode returns a's node-scoped form and its release function; adapters without sessions
// are used as they are.
func pinNode(ctx context.Context, a warehouse.Adapter) (warehouse.Adapter, func(), error) {
	s, ok := a.(warehouse.Sessioner)
	if !ok {
		return a, func() {}, nil
	}
	sess, err := s.Session(ctx)
	if err != nil {
		return nil, nil, err
	}
	return &nodeAdapter{Adapter: a, sess: sess}, func() { sess.Close() }, nil
}

// Execute runs on the node's connection.
func (n *nodeAdapter) Execute(ctx context.Context, sql string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	crashPoint(ctx, n.sess, sql)
	return n.sess.Execute(ctx, sql, fetch)
}

// Unwrap is the run's adapter, which owns the relation cache (compiler.Unwrapper).
func (n *nodeAdapter) Unwrap() warehouse.Adapter { return n.Adapter }

// Session hands out the node's own connection, so that a transaction script (atomic
// replacement) runs and rolls back there too; the node's release closes it, not the caller.
func (n *nodeAdapter) Session(context.Context) (warehouse.Session, error) {
	return borrowed{n.sess}, nil
}

// borrowed is a session whose Close leaves the connection to its owner.
type borrowed struct{ warehouse.Session }

func (borrowed) Close() error { return nil }

// Execute runs on the owner's connection, through the crash-test hook like the node's own.
func (b borrowed) Execute(ctx context.Context, sql string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	crashPoint(ctx, b.Session, sql)
	return b.Session.Execute(ctx, sql, fetch)
}
