package warehouse

import (
	"context"
	"errors"
	"time"
)

// StatementLog receives one statement an adapter sent, with its duration, response and
// error, for the debug log (dbt's SQLQuery / SQLQueryStatus events). Seed loads report
// through it (SeedOptions.Log): they run inside the adapter, out of the compiler's sight.
type StatementLog func(sql string, elapsed time.Duration, resp Response, err error)

// Timed runs one statement and hands it to log (when not nil) with its duration.
func (log StatementLog) Timed(sql string, run func() (Response, error)) (Response, error) {
	start := time.Now()
	resp, err := run()
	if log != nil {
		log(sql, time.Since(start), resp, err)
	}
	return resp, err
}

// LoggedAdapter is a with every Execute, on the pool or on a pinned session, reported to
// log; with a nil log it is a itself. Code that builds a relation through an Adapter
// (Replace, InTransaction) logs its statements this way.
func LoggedAdapter(a Adapter, log StatementLog) Adapter {
	if log == nil {
		return a
	}
	return loggedAdapter{a, log}
}

type loggedAdapter struct {
	Adapter
	log StatementLog
}

func (l loggedAdapter) Execute(ctx context.Context, sql string, fetch bool) (Response, *Table, error) {
	var t *Table
	resp, err := l.log.Timed(sql, func() (r Response, err error) {
		r, t, err = l.Adapter.Execute(ctx, sql, fetch)
		return r, err
	})
	return resp, t, err
}

// Session pins a session of the wrapped adapter whose statements are logged too.
func (l loggedAdapter) Session(ctx context.Context) (Session, error) {
	s, ok := l.Adapter.(Sessioner)
	if !ok {
		return nil, errors.New("adapter " + l.Dialect().Type() + " has no sessions")
	}
	sess, err := s.Session(ctx)
	if err != nil {
		return nil, err
	}
	return loggedSession{sess, l.log}, nil
}

type loggedSession struct {
	Session
	log StatementLog
}

func (l loggedSession) Execute(ctx context.Context, sql string, fetch bool) (Response, *Table, error) {
	var t *Table
	resp, err := l.log.Timed(sql, func() (r Response, err error) {
		r, t, err = l.Session.Execute(ctx, sql, fetch)
		return r, err
	})
	return resp, t, err
}
