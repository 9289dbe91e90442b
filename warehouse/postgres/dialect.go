// Package postgres is gdbt's PostgreSQL adapter: a real networked server reached through
// github.com/jackc/pgx/v5, one connection pool per run shared by all workers. It follows
// dbt-postgres's conventions (profile fields, "database"."schema"."identifier" relations,
// drops that cascade, seeds typed the way agate types them) so that projects written for
// dbt-postgres compile to the same SQL and behave the same.
package postgres

import (
	"strings"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// Dialect builds PostgreSQL SQL text. An adapter's dialect knows the connection's database
// and the target schema.
type Dialect struct {
	Database string
	Schema   string
	// Quote is the project's quoting: policy; nil is dbt-postgres's default, every part quoted.
	Quote *warehouse.QuotePolicy
}

// Quoting is the policy of relations without their own: the project's, else all quoted.
func (d Dialect) Quoting() warehouse.QuotePolicy { return d.Quote.Or(warehouse.QuoteAll) }

// WithQuoting returns d bound to a project's quoting: policy.
func (d Dialect) WithQuoting(p warehouse.QuotePolicy) warehouse.Dialect { d.Quote = &p; return d }

// identSQL renders a bare identifier of r (a new or temporary name) under r's policy.
func (d Dialect) identSQL(r warehouse.Relation, name string) string {
	return warehouse.QuoteIf(d.QuoteIdent, r.Quote.Or(d.Quoting()).Identifier, name)
}

var (
	_ warehouse.QuotingDialect = Dialect{}
	_ warehouse.DDL            = Dialect{}

	_ warehouse.IdentifierLimit = Dialect{}
)

// Type is the dispatch name "postgres".
func (Dialect) Type() string { return "postgres" }

// DispatchChain is ["postgres"]: PostgreSQL inherits from no other adapter.
func (Dialect) DispatchChain() []string { return []string{"postgres"} }

// QuoteIdent double-quotes name, doubling embedded quotes.
func (Dialect) QuoteIdent(name string) string { return warehouse.QuoteIdent(name) }

// QuoteString renders s as a standard-conforming SQL string literal.
func (Dialect) QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// RelationSQL renders "database"."schema"."identifier", leaving out empty parts, as
// dbt-postgres does (PostgreSQL accepts the database part when it is the current one).
func (d Dialect) RelationSQL(r warehouse.Relation) string {
	return warehouse.PolicyName(d.QuoteIdent, d.Quoting(), r)
}

// ExternalSQL is "": PostgreSQL cannot read a file in place inside a query; sources are
// loaded into tables first (macros/load_raw_postgres.sql).
func (Dialect) ExternalSQL(string) string { return "" }

// DefaultDatabase is the profile's dbname.
func (d Dialect) DefaultDatabase() string { return d.Database }

// DefaultSchema is the target's schema.
func (d Dialect) DefaultSchema() string { return d.Schema }

// CreateSchemaSQL creates a schema when it does not exist. PostgreSQL's CREATE SCHEMA takes
// no database part, so only the schema is named.
func (d Dialect) CreateSchemaSQL(_, schema string) string {
	return "create schema if not exists " + warehouse.QuoteIf(d.QuoteIdent, d.Quoting().Schema, schema)
}

// DropSchemaSQL drops a schema and everything in it.
func (d Dialect) DropSchemaSQL(_, schema string) string {
	return "drop schema if exists " + warehouse.QuoteIf(d.QuoteIdent, d.Quoting().Schema, schema) + " cascade"
}

// kind is the keyword DROP and ALTER need: PostgreSQL refuses an object of another kind.
func kind(r warehouse.Relation) string {
	switch r.Type {
	case "view":
		return "view"
	case "materialized_view", "materialized view", "materializedview":
		return "materialized view"
	}
	return "table"
}

// DropRelationSQL drops r when it exists, with the views that depend on it, as
// dbt-postgres does (PostgreSQL refuses to drop a relation other objects depend on).
func (d Dialect) DropRelationSQL(r warehouse.Relation) string {
	return "drop " + kind(r) + " if exists " + d.RelationSQL(r) + " cascade"
}

// RenameRelationSQL renames r within its schema. Dependent views follow the renamed
// relation, as PostgreSQL binds them by object, not by name.
func (d Dialect) RenameRelationSQL(r warehouse.Relation, toIdentifier string) string {
	return "alter " + kind(r) + " " + d.RelationSQL(r) + " rename to " + d.identSQL(r, toIdentifier)
}

// CreateTableAsSQL creates a table from a query. The query goes on lines of its own so a
// trailing line comment in it cannot swallow the closing parenthesis.
func (d Dialect) CreateTableAsSQL(r warehouse.Relation, sql string, temporary bool) string {
	if temporary {
		return "create temporary table " + d.identSQL(r, r.Identifier) + " as (\n" + sql + "\n)"
	}
	return "create table " + d.RelationSQL(r) + " as (\n" + sql + "\n)"
}

// CreateViewAsSQL replaces view r. PostgreSQL's CREATE OR REPLACE VIEW refuses a new
// definition that drops, renames or retypes a column, so the old view is dropped first;
// both statements travel as one simple-protocol query, which PostgreSQL runs as one
// transaction, so readers see the old view or the new one.
func (d Dialect) CreateViewAsSQL(r warehouse.Relation, sql string) string {
	v := r
	v.Type = "view"
	return d.DropRelationSQL(v) + ";\ncreate view " + d.RelationSQL(r) + " as (\n" + sql + "\n)"
}

// TruncateSQL empties a table.
func (d Dialect) TruncateSQL(r warehouse.Relation) string {
	return "truncate table " + d.RelationSQL(r)
}

// BeginSQL starts a transaction.
func (Dialect) BeginSQL() string { return "begin" }

// CommitSQL commits a transaction.
func (Dialect) CommitSQL() string { return "commit" }

// RollbackSQL rolls a transaction back.
func (Dialect) RollbackSQL() string { return "rollback" }

// TransactionalDDL is true: PostgreSQL's CREATE, ALTER and DROP commit and roll back with
// the transaction.
func (Dialect) TransactionalDDL() bool { return true }

// dbtTypes maps dbt's cross-database type macros (type_string() …) to PostgreSQL types,
// the same choices as dbt-postgres.
var dbtTypes = map[string]string{
	"string":    "varchar",
	"text":      "text",
	"int":       "integer",
	"integer":   "integer",
	"bigint":    "bigint",
	"float":     "float8",
	"numeric":   "numeric(28,6)",
	"timestamp": "timestamp",
	"boolean":   "boolean",
}

// TypeSQL maps a dbt cross-database type name to PostgreSQL's.
func (Dialect) TypeSQL(kind string) (string, error) {
	return warehouse.LookupType("postgres", dbtTypes, kind)
}

// MaxIdentifierBytes is NAMEDATALEN-1: PostgreSQL truncates longer identifiers silently.
func (Dialect) MaxIdentifierBytes() int { return 63 }
