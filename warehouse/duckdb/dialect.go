// Package duckdb is gdbt's embedded default warehouse: DuckDB in-process through
// github.com/duckdb/duckdb-go/v2, one database file opened once per run and shared by all
// workers through one connection pool. It follows dbt-duckdb's conventions (relations
// rendered with their catalog, external_location sources read in place) so that projects
// written for dbt-duckdb compile to the same SQL.
package duckdb

import (
	"strings"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// Dialect builds DuckDB SQL text. The zero value renders relations without defaults; an
// adapter's dialect knows its database (the file's catalog) and schema.
type Dialect struct {
	Database string
	Schema   string
	// Quote is the project's quoting: policy; nil is dbt-duckdb's default, every part quoted.
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
)

// Type is the dispatch name "duckdb".
func (Dialect) Type() string { return "duckdb" }

// DispatchChain is ["duckdb"]: DuckDB inherits from no other adapter.
func (Dialect) DispatchChain() []string { return []string{"duckdb"} }

// QuoteIdent double-quotes name, doubling embedded quotes.
func (Dialect) QuoteIdent(name string) string { return warehouse.QuoteIdent(name) }

// QuoteString renders s as a SQL string literal.
func (Dialect) QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// RelationSQL renders "database"."schema"."identifier", leaving out empty parts. The
// database is always included when set, as dbt-duckdb does, so that SQL stays correct when
// other databases are attached.
func (d Dialect) RelationSQL(r warehouse.Relation) string {
	return warehouse.PolicyName(d.QuoteIdent, d.Quoting(), r)
}

// ExternalSQL reads a file-backed source in place, choosing the reader from the location's
// extension (a compression suffix such as .gz is looked through, globs are fine):
// read_csv_auto for csv/tsv/txt, read_parquet, read_json_auto. A location that already is
// a function call (it contains "(") or a quoted literal is used as written, and one with
// another extension is
// quoted as a string and left to DuckDB's replacement scan, as dbt-duckdb does.
func (d Dialect) ExternalSQL(location string) string {
	if strings.Contains(location, "(") || strings.HasPrefix(location, "'") {
		return location
	}
	lit := d.QuoteString(location)
	switch fileFormat(location) {
	case "csv":
		return "read_csv_auto(" + lit + ")"
	case "tsv":
		return "read_csv_auto(" + lit + ", delim='\\t')"
	case "parquet":
		return "read_parquet(" + lit + ")"
	case "json":
		return "read_json_auto(" + lit + ")"
	}
	return lit
}

// fileFormat names the reader a location needs: "csv", "tsv", "parquet", "json" or "".
func fileFormat(location string) string {
	name := strings.ToLower(location)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	for _, c := range []string{".gz", ".gzip", ".zst", ".zstd", ".bz2", ".xz"} {
		name = strings.TrimSuffix(name, c)
	}
	ext := name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		ext = name[i+1:]
	} else {
		return ""
	}
	switch ext {
	case "csv", "txt":
		return "csv"
	case "tsv", "tab":
		return "tsv"
	case "parquet", "pq":
		return "parquet"
	case "json", "jsonl", "ndjson":
		return "json"
	}
	return ""
}

// DefaultDatabase is the catalog of the opened file (DuckDB names it after the file stem).
func (d Dialect) DefaultDatabase() string { return d.Database }

// DefaultSchema is the target's schema, "main" unless the profile says otherwise.
func (d Dialect) DefaultSchema() string { return d.Schema }

// CreateSchemaSQL creates a schema when it does not exist.
func (d Dialect) CreateSchemaSQL(database, schema string) string {
	return "create schema if not exists " + warehouse.SchemaName(d.QuoteIdent, d.Quoting(), database, schema)
}

// DropSchemaSQL drops a schema and its relations.
func (d Dialect) DropSchemaSQL(database, schema string) string {
	return "drop schema if exists " + warehouse.SchemaName(d.QuoteIdent, d.Quoting(), database, schema) + " cascade"
}

// kind is the keyword DuckDB's DROP and ALTER need: they refuse an object of the other kind.
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

// RenameRelationSQL renames r within its schema.
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

// CreateViewAsSQL creates or replaces a view.
func (d Dialect) CreateViewAsSQL(r warehouse.Relation, sql string) string {
	return "create or replace view " + d.RelationSQL(r) + " as (\n" + sql + "\n)"
}

// TruncateSQL empties a table.
func (d Dialect) TruncateSQL(r warehouse.Relation) string {
	return "truncate table " + d.RelationSQL(r)
}

// BeginSQL starts a transaction.
func (Dialect) BeginSQL() string { return "begin transaction" }

// CommitSQL commits a transaction.
func (Dialect) CommitSQL() string { return "commit" }

// RollbackSQL rolls a transaction back.
func (Dialect) RollbackSQL() string { return "rollback" }

// TransactionalDDL is true: DuckDB's catalog changes commit and roll back with the
// transaction.
func (Dialect) TransactionalDDL() bool { return true }

// dbtTypes maps dbt's cross-database type macros (type_string() …) to DuckDB types, the
// same choices as dbt-duckdb.
var dbtTypes = map[string]string{
	"string":    "VARCHAR",
	"text":      "VARCHAR",
	"int":       "INTEGER",
	"integer":   "INTEGER",
	"bigint":    "BIGINT",
	"float":     "DOUBLE",
	"numeric":   "DECIMAL(28,6)",
	"timestamp": "TIMESTAMP",
	"boolean":   "BOOLEAN",
}

// TypeSQL maps a dbt cross-database type name to DuckDB's.
func (Dialect) TypeSQL(kind string) (string, error) {
	return warehouse.LookupType("duckdb", dbtTypes, kind)
}
