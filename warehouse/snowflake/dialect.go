// Package snowflake is gdbt's Snowflake adapter, the scale-out engine of DESIGN.md, reached
// through the official client github.com/snowflakedb/gosnowflake over database/sql. It
// follows dbt-snowflake's profile fields and SQL conventions (CREATE OR REPLACE, DDL that
// commits on its own, fully qualified renames).
//
// Identifiers follow dbt-snowflake's quoting: by default nothing is quoted
// (analytics.marts.dim_orders), so Snowflake folds the names to upper case and every
// consumer's unquoted SQL reaches them; a project's `quoting:` (bound with WithQuoting) or a
// source's quotes the parts it names, keeping their case. The relation cache matches
// identifiers case-insensitively, which finds DIM_ORDERS for dim_orders as Snowflake does.
package snowflake

import (
	"strings"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// Dialect builds Snowflake SQL text, bound to the target's database and schema.
type Dialect struct {
	Database string
	Schema   string
	// Quote is the project's quoting: policy; nil is dbt-snowflake's default, nothing quoted.
	Quote *warehouse.QuotePolicy
}

var (
	_ warehouse.QuotingDialect = Dialect{}
	_ warehouse.DDL            = Dialect{}
)

// Quoting is the policy of relations without their own: the project's, else none quoted.
func (d Dialect) Quoting() warehouse.QuotePolicy { return d.Quote.Or(warehouse.QuotePolicy{}) }

// WithQuoting returns d bound to a project's quoting: policy.
func (d Dialect) WithQuoting(p warehouse.QuotePolicy) warehouse.Dialect { d.Quote = &p; return d }

// quoteIf quotes name when on, else leaves it for Snowflake to fold.
func (d Dialect) quoteIf(on bool, name string) string {
	if on {
		return d.QuoteIdent(name)
	}
	return name
}

// FoldName is CatalogName: Snowflake tells ORDERS and "orders" apart.
func (Dialect) FoldName(name string, quoted bool) string { return CatalogName(name, quoted) }

var _ warehouse.NameFolder = Dialect{}

// CatalogName is how Snowflake stores a name written quoted (as written) or unquoted
// (folded to upper case): what information_schema and SHOW report for it.
func CatalogName(name string, quoted bool) string {
	if quoted {
		return name
	}
	return strings.ToUpper(name)
}

// Type is the dispatch name "snowflake".
func (Dialect) Type() string { return "snowflake" }

// DispatchChain is ["snowflake"]: Snowflake inherits from no other adapter.
func (Dialect) DispatchChain() []string { return []string{"snowflake"} }

// QuoteIdent double-quotes name, doubling embedded quotes.
func (Dialect) QuoteIdent(name string) string { return warehouse.QuoteIdent(name) }

// QuoteString renders s as a Snowflake string literal; backslash is an escape character
// in Snowflake literals, so it is doubled along with the quote.
func (Dialect) QuoteString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
}

// RelationSQL renders database.schema.identifier, each part quoted as r's policy (or the
// dialect's) says, leaving out empty parts.
func (d Dialect) RelationSQL(r warehouse.Relation) string {
	return warehouse.PolicyName(d.QuoteIdent, d.Quoting(), r)
}

// ExternalSQL is "": Snowflake cannot read the client's files in place, so they are loaded
// into tables first, with PUT to a stage and COPY INTO (macros/load_raw_snowflake.sql).
func (Dialect) ExternalSQL(string) string { return "" }

// DefaultDatabase is the profile's database.
func (d Dialect) DefaultDatabase() string { return d.Database }

// DefaultSchema is the profile's schema.
func (d Dialect) DefaultSchema() string { return d.Schema }

func (d Dialect) schemaSQL(database, schema string) string {
	return warehouse.SchemaName(d.QuoteIdent, d.Quoting(), database, schema)
}

// CreateSchemaSQL creates database.schema when it does not exist.
func (d Dialect) CreateSchemaSQL(database, schema string) string {
	return "create schema if not exists " + d.schemaSQL(database, schema)
}

// DropSchemaSQL drops a schema and everything in it.
func (d Dialect) DropSchemaSQL(database, schema string) string {
	return "drop schema if exists " + d.schemaSQL(database, schema) + " cascade"
}

func kind(r warehouse.Relation) string {
	if r.Type == "view" {
		return "view"
	}
	return "table"
}

// DropRelationSQL drops r when it exists.
func (d Dialect) DropRelationSQL(r warehouse.Relation) string {
	return "drop " + kind(r) + " if exists " + d.RelationSQL(r)
}

// RenameRelationSQL renames r within its schema. Snowflake resolves an unqualified target
// name against the session's current schema, not r's, so the target is fully qualified.
func (d Dialect) RenameRelationSQL(r warehouse.Relation, toIdentifier string) string {
	to := r
	to.Identifier = toIdentifier
	return "alter " + kind(r) + " " + d.RelationSQL(r) + " rename to " + d.RelationSQL(to)
}

// CreateTableAsSQL creates or replaces table r from a query; the query sits on lines of
// its own so a trailing line comment cannot swallow the parenthesis.
func (d Dialect) CreateTableAsSQL(r warehouse.Relation, sql string, temporary bool) string {
	if temporary {
		return "create or replace temporary table " + d.quoteIf(r.Quote.Or(d.Quoting()).Identifier, r.Identifier) + " as (\n" + sql + "\n)"
	}
	return "create or replace table " + d.RelationSQL(r) + " as (\n" + sql + "\n)"
}

// CreateViewAsSQL creates or replaces view r; Snowflake swaps the definition atomically.
func (d Dialect) CreateViewAsSQL(r warehouse.Relation, sql string) string {
	return "create or replace view " + d.RelationSQL(r) + " as (\n" + sql + "\n)"
}

// TruncateSQL empties table r.
func (d Dialect) TruncateSQL(r warehouse.Relation) string {
	return "truncate table if exists " + d.RelationSQL(r)
}

// BeginSQL starts a transaction.
func (Dialect) BeginSQL() string { return "begin" }

// CommitSQL commits a transaction.
func (Dialect) CommitSQL() string { return "commit" }

// RollbackSQL rolls a transaction back.
func (Dialect) RollbackSQL() string { return "rollback" }

// TransactionalDDL is false: every Snowflake DDL statement commits on its own (and commits
// an open transaction first), so Replace builds before it swaps.
func (Dialect) TransactionalDDL() bool { return false }

// dbtTypes maps dbt's cross-database type macros to Snowflake types, dbt-snowflake's choices.
var dbtTypes = map[string]string{
	"string":    "varchar",
	"text":      "varchar",
	"int":       "integer",
	"integer":   "integer",
	"bigint":    "bigint",
	"float":     "float",
	"numeric":   "number(28,6)",
	"timestamp": "timestamp_ntz",
	"boolean":   "boolean",
}

// TypeSQL maps a dbt cross-database type name to Snowflake's.
func (Dialect) TypeSQL(kind string) (string, error) {
	return warehouse.LookupType("snowflake", dbtTypes, kind)
}
