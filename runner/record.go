package runner

import (
	"context"
	"strings"
	"sync"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// recorder wraps the adapter for one node and keeps the statements the node's
// materialization executed, so target/run/ holds the DDL and DML that really ran (dbt's
// run folder), not only the compiled SELECT.
type recorder struct {
	warehouse.Adapter
	mu    sync.Mutex
	stmts []string
}

// Unwrap gives the run's adapter beneath the per-node recorder, so the compiler keeps one
// relation cache and one "schema created" record per run instead of one per node
// (compiler.Unwrapper).
func (r *recorder) Unwrap() warehouse.Adapter { return r.Adapter }

var _ compiler.Unwrapper = (*recorder)(nil)

// Execute records sql when it changes the warehouse (fetching statements are
// introspection or test queries) and runs it.
func (r *recorder) Execute(ctx context.Context, sql string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	if !fetch {
		r.add(sql)
	}
	return r.Adapter.Execute(ctx, sql, fetch)
}

// Close does nothing: the adapter belongs to the whole run, not to one node.
func (r *recorder) Close() error { return nil }

func (r *recorder) add(sql string) {
	sql = strings.TrimRight(strings.TrimSpace(sql), ";")
	if sql == "" {
		return
	}
	r.mu.Lock()
	r.stmts = append(r.stmts, sql)
	r.mu.Unlock()
}

// script is the recorded statements as one SQL file ("" when none ran).
func (r *recorder) script() string {
	if r == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.stmts) == 0 {
		return ""
	}
	return strings.Join(r.stmts, ";\n\n") + ";\n"
}

// sessionRecorder is a recorder for adapters that pin sessions and list schemas (all of
// gdbt's): it must keep those capabilities, because warehouse.ReplaceRelation chooses its
// transactional, atomic path by asserting warehouse.Sessioner on the adapter.
type sessionRecorder struct {
	*recorder
	sess warehouse.Sessioner
	list warehouse.SchemaLister
}

// Session pins a connection whose statements are recorded too.
func (s sessionRecorder) Session(ctx context.Context) (warehouse.Session, error) {
	sess, err := s.sess.Session(ctx)
	if err != nil {
		return nil, err
	}
	return recordedSession{sess, s.recorder}, nil
}

// ListSchemas forwards to the adapter.
func (s sessionRecorder) ListSchemas(ctx context.Context, database string) ([]string, error) {
	return s.list.ListSchemas(ctx, database)
}

type recordedSession struct {
	warehouse.Session
	rec *recorder
}

func (s recordedSession) Execute(ctx context.Context, sql string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	if !fetch {
		s.rec.add(sql)
	}
	return s.Session.Execute(ctx, sql, fetch)
}

// record wraps a for one node. Adapters with only one of the optional capabilities are
// not wrapped (nil recorder), so no capability is ever hidden from the compiler.
func record(a warehouse.Adapter) (warehouse.Adapter, *recorder) {
	rec := &recorder{Adapter: a}
	sess, okS := a.(warehouse.Sessioner)
	list, okL := a.(warehouse.SchemaLister)
	switch {
	case okS && okL:
		return sessionRecorder{rec, sess, list}, rec
	case !okS && !okL:
		return rec, rec
	}
	return a, nil
}
