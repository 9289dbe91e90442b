package warehouse

import (
	"context"
	"fmt"
	"strings"
)

// Suffixes of the names a relation is built and parked under during an atomic replacement.
// They follow dbt's __dbt_tmp / __dbt_backup convention with gdbt's own prefix, so that a
// leftover of an interrupted run is recognisable and is cleaned up by the next build.
const (
	TmpSuffix    = "__gdbt_tmp"
	BackupSuffix = "__gdbt_backup"
)

// DDL builds the statements materializations issue. It is a separate interface from
// Dialect so the contract stays small; every adapter's dialect implements it and callers
// type-assert: ddl, ok := adapter.Dialect().(warehouse.DDL).
type DDL interface {
	// CreateSchemaSQL creates a schema when it does not exist.
	CreateSchemaSQL(database, schema string) string
	// DropSchemaSQL drops a schema and everything in it, when it exists.
	DropSchemaSQL(database, schema string) string
	// DropRelationSQL drops r when it exists; r.Type chooses TABLE or VIEW ("" means table).
	DropRelationSQL(r Relation) string
	// RenameRelationSQL renames r in place (same database and schema) to toIdentifier.
	RenameRelationSQL(r Relation, toIdentifier string) string
	// CreateTableAsSQL creates table r from a query; a temporary table is named by its
	// identifier only, as engines keep temporary tables in a schema of their own.
	CreateTableAsSQL(r Relation, sql string, temporary bool) string
	// CreateViewAsSQL creates or replaces view r.
	CreateViewAsSQL(r Relation, sql string) string
	// TruncateSQL deletes every row of table r.
	TruncateSQL(r Relation) string
	// BeginSQL, CommitSQL and RollbackSQL delimit a transaction on a Session.
	BeginSQL() string
	CommitSQL() string
	RollbackSQL() string
	// TransactionalDDL tells whether CREATE, ALTER and DROP take part in transactions (DuckDB,
	// PostgreSQL) rather than committing on their own (Snowflake), which lets Replace build
	// and swap in one transaction.
	TransactionalDDL() bool
	// TypeSQL maps one of dbt's cross-database type names ("string", "int", "bigint",
	// "float", "numeric", "timestamp", "boolean", with or without a "type_" prefix) to the
	// engine's type.
	TypeSQL(kind string) (string, error)
}

// Session is one connection held by one caller, so that statements issued through
// separate Execute calls share a transaction and the connection's temporary tables.
// The runner takes one per node; it is not safe for concurrent use.
type Session interface {
	Execute(ctx context.Context, sql string, fetch bool) (Response, *Table, error)
	// Close rolls back a transaction left open and returns the connection to the pool.
	Close() error
}

// Sessioner is implemented by adapters that can pin a connection (all of gdbt's do).
type Sessioner interface {
	Session(ctx context.Context) (Session, error)
}

// SchemaLister is implemented by adapters that can list the schemas of a database, for
// dbt's adapter.list_schemas and check_schema_exists.
type SchemaLister interface {
	ListSchemas(ctx context.Context, database string) ([]string, error)
}

// Executor is what Adapter and Session have in common: something that runs SQL.
type Executor interface {
	Execute(ctx context.Context, sql string, fetch bool) (Response, *Table, error)
}

// InTransaction runs stmts as one transaction, rolling back when any of them fails, so
// that either all of them take effect or none does. They travel as one string (one call
// into the engine) on a pinned session; the rollback runs on the same connection even when
// ctx was cancelled. Statements are joined with the separator on a line of its own, so a
// trailing line comment cannot swallow it.
func InTransaction(ctx context.Context, a Adapter, stmts []string) error {
	ddl, ok := a.Dialect().(DDL)
	if !ok {
		return fmt.Errorf("adapter %s has no DDL builders", a.Dialect().Type())
	}
	all := make([]string, 0, len(stmts)+2)
	all = append(all, ddl.BeginSQL())
	all = append(all, stmts...)
	all = append(all, ddl.CommitSQL())
	script := strings.Join(all, "\n;\n")
	s, ok := a.(Sessioner)
	if !ok {
		// Without a pinned connection a failed script could leave its transaction open on
		// a pooled connection; every gdbt adapter has sessions, this is for test doubles.
		_, _, err := a.Execute(ctx, script, false)
		return err
	}
	sess, err := s.Session(ctx)
	if err != nil {
		return err
	}
	defer sess.Close()
	if _, _, err := sess.Execute(ctx, script, false); err != nil {
		if _, _, rbErr := sess.Execute(context.WithoutCancel(ctx), ddl.RollbackSQL(), false); rbErr != nil && !isNoTransaction(rbErr) {
			return fmt.Errorf("%w (rollback failed: %v)", err, rbErr)
		}
		return err
	}
	return nil
}

// isNoTransaction recognises the engines' answer to a ROLLBACK when the failed statement
// already ended the transaction.
func isNoTransaction(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "no transaction") || strings.Contains(msg, "not in a transaction")
}
