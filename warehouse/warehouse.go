// Package warehouse is the seam between gdbt and a database engine. The runner and the
// compiler's run-time context talk to an Adapter only; each engine lives in its own
// sub-package (duckdb, later postgres and snowflake) with the same file set, and the one
// explicit list of engines is package warehouse/adapters (Open, Known): no init()-time
// registration. Beside the contract this package holds what every engine shares: the DDL
// builders' interface and sessions (ddl.go), atomic replacement (replace.go) and the
// per-run relation cache (cache.go, ops.go); warehouse/warehousetest is the conformance
// suite each engine runs.
//
// An adapter is split the way dbt splits it: a Dialect builds SQL text and can be tested
// without a database (golden files), and the Adapter executes SQL over a connection whose
// every call takes a context.Context, so cancelling the context cancels the query.
package warehouse

import (
	"context"
	"errors"
)

// Relation names a table, view or other object in the warehouse.
type Relation struct {
	Database   string
	Schema     string
	Identifier string
	// Type is "table", "view", "external" or "" when unknown.
	Type string
	// Quote is the relation's own quote policy (a source's `quoting:`, a project's bound by
	// the compiler); nil means the dialect's.
	Quote *QuotePolicy
}

// Column is a column of a relation with the engine's type name.
type Column struct {
	Name     string
	DataType string
}

// Table is a query result, the equivalent of dbt's agate table.
type Table struct {
	Columns []Column
	Rows    [][]any // Go values: nil, bool, int64, float64, string, time.Time, []byte
}

// Response is what executing a statement returned, the equivalent of dbt's AdapterResponse.
type Response struct {
	Message      string // e.g. "OK", "INSERT 0 12"
	Code         string // e.g. "CREATE TABLE"
	RowsAffected int64  // -1 when the engine does not say
	QueryID      string
}

// SeedOptions shape how a CSV file becomes a table.
type SeedOptions struct {
	Delimiter   string            // default ","
	ColumnTypes map[string]string // column name → SQL type overriding inference
	// UnquotedColumns is a seed's quote_columns: false: column names written as the header
	// spells them, unquoted (dbt-adapters base/impl.py quote_seed_column quotes them when
	// quote_columns is unset; gdbt's Snowflake seed applies dbt-snowflake's own rule).
	UnquotedColumns bool
	// QuotedColumns is a seed's quote_columns: true, set explicitly: dbt-snowflake's
	// quote_seed_column (dbt/adapters/snowflake/impl.py) quotes only then, so by default a
	// Snowflake seed's columns are unquoted and fold to upper case.
	QuotedColumns bool
	// Log, when set, receives every statement the load sends (the bulk transfer as its
	// statement text, COPY … FROM STDIN, or an INSERT's values as a row count), so the
	// debug log holds what reached the warehouse.
	Log StatementLog
}

// Dialect builds SQL text for one engine. Nothing here touches a database.
type Dialect interface {
	// Type is the adapter name used by dispatch: "duckdb", "postgres", "snowflake".
	Type() string
	// DispatchChain lists the adapter prefixes adapter.dispatch tries before "default",
	// most specific first: ["duckdb"] for DuckDB; an engine with a parent lists both.
	DispatchChain() []string
	// QuoteIdent quotes one identifier.
	QuoteIdent(name string) string
	// RelationSQL renders a relation as it appears in SQL, e.g. "main"."dim_orders"
	// (the database part is omitted where the engine's current database is meant).
	RelationSQL(r Relation) string
	// ExternalSQL is the SQL that reads a file-backed source in place (DuckDB: read_csv_auto /
	// read_parquet); engines that cannot return "" .
	ExternalSQL(location string) string
	// DefaultDatabase and DefaultSchema are the target's database and schema.
	DefaultDatabase() string
	DefaultSchema() string
}

// ResultTypeNamer is implemented by dialects whose dbt adapter names a query result's
// column types otherwise than the engine does: dbt's adapter.get_column_schema_from_query
// (model contracts' column check) types columns with the Python driver's type-code names
// (dbt-adapters' data_type_code_to_name), so the same coarseness decides what matches.
type ResultTypeNamer interface {
	// ResultTypeName is the driver's name for a result column of engine type engineType
	// (as Table.Columns reports it).
	ResultTypeName(engineType string) string
}

// Adapter is a live connection to a warehouse. It is safe for concurrent use by the
// scheduler's workers.
type Adapter interface {
	Dialect() Dialect
	// Execute runs one or more statements and returns the response of the last; with fetch,
	// it also returns the rows of the last statement.
	Execute(ctx context.Context, sql string, fetch bool) (Response, *Table, error)
	// ListRelations lists the relations of one schema (the relation cache calls it once per
	// schema and run).
	ListRelations(ctx context.Context, database, schema string) ([]Relation, error)
	// Columns lists a relation's columns in order.
	Columns(ctx context.Context, r Relation) ([]Column, error)
	// LoadCSV creates (or replaces, atomically) table r from a CSV file with type inference.
	LoadCSV(ctx context.Context, r Relation, path string, opts SeedOptions) (rows int64, err error)
	// Close releases the connection.
	Close() error
}

// Locker is an adapter that can hold a lock on a target schema for a whole run, so that two
// gdbt runs into one schema wait for each other instead of interleaving (an incremental
// append applied twice, one run's cleanup dropping the other's scratch tables). DuckDB
// needs none (a database file has one writing process); PostgreSQL takes an advisory lock.
type Locker interface {
	// LockSchema takes the lock on schema, waiting while another session holds it; before
	// waiting it calls waiting with a description of the holder. The lock ends with the
	// returned unlock, or with the connection when the process dies.
	LockSchema(ctx context.Context, schema string, waiting func(holder string)) (unlock func(), err error)
}

// ErrRelationNotFound is returned when a relation the caller named does not exist.
var ErrRelationNotFound = errors.New("relation not found")

// ModelHooker is an adapter that changes a node's session around its materialization, as
// dbt's BaseAdapter.pre_model_hook/post_model_hook (dbt-snowflake: the model's
// snowflake_warehouse). PreModelHook runs its statements through exec (the node's own
// connection) and returns what puts the session back, or nil when nothing changed.
type ModelHooker interface {
	PreModelHook(ctx context.Context, exec Adapter, config map[string]any) (post func(context.Context) error, err error)
}
