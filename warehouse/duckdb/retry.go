package duckdb

import (
	"context"
	"strings"
	"time"
)

// DuckDB's optimistic concurrency control refuses the second of two transactions that
// touch the same catalog entry at once ("Catalog write-write conflict"), for instance two
// workers each running "create schema if not exists s" for their node. Such a statement
// did nothing and is safe to run again, and it usually succeeds at once; dbt-duckdb's
// answer is the same (its retries setting).

// maxAttempts bounds the attempts at a statement refused by a write-write conflict.
const maxAttempts = 5

// isConflict recognises DuckDB's transaction conflict errors.
func isConflict(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "write-write conflict") || strings.Contains(msg, "Conflict on tuple deletion")
}

// retrySafe tells whether running query again after a failure cannot repeat an effect: a
// single statement (it failed as a whole), or a script that is one explicit transaction
// (rolled back as a whole).
func retrySafe(query string) bool {
	stmts := splitStatements(query)
	if len(stmts) <= 1 {
		return true
	}
	return statementCode(stmts[0]) == "BEGIN"
}

// backoff waits before attempt n (1-based retries), or until ctx ends.
func backoff(ctx context.Context, n int) error {
	t := time.NewTimer(time.Duration(n*n) * 5 * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
