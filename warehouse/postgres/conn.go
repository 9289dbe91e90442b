package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// minConns is the least number of connections the pool may open, whatever the profile's
// threads: a worker holding a Session still queries through the pool (get_relation,
// run_query), and --threads on the command line may exceed the profile's, so a tight cap
// could deadlock the workers. Connections are opened only when needed.
const minConns = 32

// Adapter is an open connection pool to one PostgreSQL database. All workers share it; a
// Session pins one connection for statements that must share a transaction.
type Adapter struct {
	pool    *pgxpool.Pool
	dialect Dialect
	cfg     Config
}

var (
	_ warehouse.Adapter      = (*Adapter)(nil)
	_ warehouse.Sessioner    = (*Adapter)(nil)
	_ warehouse.SchemaLister = (*Adapter)(nil)
	_ warehouse.Locker       = (*Adapter)(nil)
)

// Open connects to the server and checks the database. Cancelling a context while a
// statement runs sends PostgreSQL a cancel request, so the server really stops the query.
func Open(ctx context.Context, cfg Config) (*Adapter, error) {
	pcfg, err := pgxpool.ParseConfig(cfg.connString())
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pcfg.MaxConns = int32(max(cfg.Threads*2+4, minConns))
	pcfg.ConnConfig.DialFunc = cfg.dialer().DialContext
	if cfg.SearchPath != "" {
		pcfg.ConnConfig.RuntimeParams["search_path"] = cfg.SearchPath
	}
	pcfg.ConnConfig.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		// Ask the server to cancel at once; break the socket only if it does not answer.
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, DeadlineDelay: 5 * time.Second}
	}
	pcfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		// A server (14+) that checks its client while a query runs stops the query when gdbt
		// is gone without a cancel request (killed, or exited before the request went out).
		// Older servers do not know the setting, which is harmless.
		_, _ = c.Exec(ctx, "set client_connection_check_interval = 2000")
		if cfg.Role != "" {
			role := "set role " + Dialect{}.QuoteIdent(cfg.Role)
			if _, err := c.Exec(ctx, role); err != nil {
				return fmt.Errorf("%s: %w", role, err)
			}
		}
		return nil
	}
	var pool *pgxpool.Pool
	for attempt := 1; ; attempt++ {
		pool, err = pgxpool.NewWithConfig(ctx, pcfg)
		if err == nil {
			err = pool.Ping(ctx)
		}
		if err == nil {
			break
		}
		if pool != nil {
			pool.Close()
		}
		if attempt >= cfg.Retries || ctx.Err() != nil {
			return nil, fmt.Errorf("postgres: connecting to %s:%d/%s: %w", cfg.Host, cfg.Port, cfg.Database, err)
		}
		time.Sleep(time.Second)
	}
	a := &Adapter{pool: pool, cfg: cfg, dialect: Dialect{Database: cfg.Database, Schema: cfg.Schema}}
	// The server's spelling of the database name, for relations listed from the catalog.
	var current string
	if err := pool.QueryRow(ctx, "select current_database()").Scan(&current); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	a.dialect.Database = current
	return a, nil
}

// Config returns the configuration the adapter was opened with.
func (a *Adapter) Config() Config { return a.cfg }

// Dialect returns the dialect bound to the connected database and target schema.
func (a *Adapter) Dialect() warehouse.Dialect { return a.dialect }

// Pool exposes the pgx pool for callers that need it directly (tests).
func (a *Adapter) Pool() *pgxpool.Pool { return a.pool }

// Execute runs one or more statements on a pooled connection; see execute. A script such as
// "begin; …; commit" that fails half-way leaves its transaction aborted, so it is rolled back
// before the connection returns to the pool.
func (a *Adapter) Execute(ctx context.Context, query string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	if err := ctx.Err(); err != nil {
		return warehouse.Response{RowsAffected: -1}, nil, fmt.Errorf("postgres: %w", err)
	}
	c, err := a.pool.Acquire(ctx)
	if err != nil {
		return warehouse.Response{RowsAffected: -1}, nil, fmt.Errorf("postgres: %w", wrapErr(ctx, err))
	}
	defer c.Release()
	resp, t, err := execute(ctx, c.Conn(), query, fetch)
	rollbackOpen(c.Conn().PgConn())
	if err != nil {
		return resp, t, fmt.Errorf("postgres: %w", err)
	}
	return resp, t, nil
}

// rollbackOpen ends a transaction a statement left open on a connection about to be shared.
func rollbackOpen(pc *pgconn.PgConn) {
	if pc.IsClosed() || pc.TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = pc.Exec(ctx, "rollback").Close()
}

// Session pins a pooled connection until Close.
func (a *Adapter) Session(ctx context.Context) (warehouse.Session, error) {
	c, err := a.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", wrapErr(ctx, err))
	}
	return &session{conn: c}, nil
}

// Close closes every connection of the pool.
func (a *Adapter) Close() error {
	a.pool.Close()
	return nil
}

type session struct {
	conn *pgxpool.Conn
}

// Execute runs statements on the pinned connection; see execute. A transaction stays open
// across calls, as the caller began it.
func (s *session) Execute(ctx context.Context, query string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	if s.conn == nil {
		return warehouse.Response{RowsAffected: -1}, nil, errors.New("postgres: session is closed")
	}
	if err := ctx.Err(); err != nil {
		return warehouse.Response{RowsAffected: -1}, nil, fmt.Errorf("postgres: %w", err)
	}
	resp, t, err := execute(ctx, s.conn.Conn(), query, fetch)
	if err != nil {
		return resp, t, fmt.Errorf("postgres: %w", err)
	}
	return resp, t, nil
}

// Close rolls back whatever transaction the caller left open, so that the next user of the
// pooled connection does not inherit it, and releases the connection.
func (s *session) Close() error {
	if s.conn == nil {
		return nil
	}
	rollbackOpen(s.conn.Conn().PgConn())
	s.conn.Release()
	s.conn = nil
	return nil
}
