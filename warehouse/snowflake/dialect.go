// Package snowflake is gdbt's Snowflake adapter, the scale-out engine of DESIGN.md, reached
// through the official client github.com/snowflakedb/gosnowflake over database/sql. It
// follows dbt-snowflake's profile fields and SQL conventions (CREATE OR REPLACE, DDL that
// commits on its own, fully qualified renames).
//
// Identifiers: gdbt always quotes ("DB"."SCHEMA"."ID"), as dbt-snowflake does with quoting
// enabled, so a name keeps the case it was written in. Snowflake upper-cases unquoted
// names, so a relation created by hand as orders is listed as ORDERS; the relation cache
// matches identifiers case-insensitively, which finds it either way.
package snowflake

import (
	"strings"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// Dialect builds Snowflake SQL text, bound to the target's database and schema.
type Dialect struct {
	Database string
	Schema   string
}

var (
	_ warehouse.Dialect = Dialect{}
	_ warehouse.DDL     = Dialect{}
)

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

// RelationSQL renders "database"."schema"."identifier", leaving out empty parts.
func (d Dialect) RelationSQL(r warehouse.Relation) string {
	return warehouse.DottedName(d.QuoteIdent, r.Database, r.Schema, r.Identifier)
}

// ExternalSQL is "": Snowflake cannot read the client's files in place, so they are loaded
// into tables first, with PUT to a stage and COPY INTO (macros/load_raw_snowflake.sql).
func (Dialect) ExternalSQL(string) string { return "" }

// DefaultDatabase is the profile's database.
func (d Dialect) DefaultDatabase() string { return d.Database }

// DefaultSchema is the profile's schema.
func (d Dialect) DefaultSchema() string { return d.Schema }

func (d Dialect) schemaSQL(database, schema string) string {
	return d.RelationSQL(warehouse.Relation{Database: database, Identifier: schema})
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
		return "create or replace temporary table " + d.QuoteIdent(r.Identifier) + " as (\n" + sql + "\n)"
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
