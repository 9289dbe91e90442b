package postgres

import (
	"context"
	"fmt"
	"time"
)

// lockKeySQL is the advisory lock key of a target schema: one bigint per database and
// schema, from a name no other tool uses.
const lockKeySQL = "hashtextextended('gdbt run: ' || current_database() || '.' || $1, 0)"

// LockSchema holds a session advisory lock for schema on a connection of its own until
// unlock (or until the process dies and the server ends the session). When another session
// holds it, waiting is told who (process id, application, client, since when) and the call
// waits; cancelling ctx sends the server a cancel request, so Ctrl-C ends the wait.
func (a *Adapter) LockSchema(ctx context.Context, schema string, waiting func(holder string)) (func(), error) {
	c, err := a.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: locking schema %s: %w", schema, wrapErr(ctx, err))
	}
	var got bool
	if err := c.QueryRow(ctx, "select pg_try_advisory_lock("+lockKeySQL+")", schema).Scan(&got); err != nil {
		c.Release()
		return nil, fmt.Errorf("postgres: locking schema %s: %w", schema, wrapErr(ctx, err))
	}
	if !got {
		holder := "another session"
		var pid int64
		var app, client string
		var since time.Time
		err := c.QueryRow(ctx, `select a.pid, coalesce(a.application_name, ''), coalesce(a.client_addr::text, 'local'), a.backend_start
			from pg_locks l join pg_stat_activity a on a.pid = l.pid
			where l.locktype = 'advisory' and l.granted and l.objsubid = 1
			  and ((l.classid::bigint << 32) | l.objid::bigint) = `+lockKeySQL+` limit 1`, schema).Scan(&pid, &app, &client, &since)
		if err == nil {
			holder = fmt.Sprintf("server process %d (%s, application %q, connected %s)", pid, client, app, since.UTC().Format(time.RFC3339))
		}
		if waiting != nil {
			waiting(holder)
		}
		if _, err := c.Exec(ctx, "select pg_advisory_lock("+lockKeySQL+")", schema); err != nil {
			c.Release()
			return nil, fmt.Errorf("postgres: waiting for the lock on schema %s: %w", schema, wrapErr(ctx, err))
		}
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = c.Exec(ctx, "select pg_advisory_unlock("+lockKeySQL+")", schema)
		c.Release()
	}, nil
}
