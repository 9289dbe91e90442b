package duckdb

import (
	"context"
	"fmt"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// listRelationsSQL lists the tables and views of one schema from DuckDB's catalog functions
// (cheaper than information_schema, which is a view over them), matching names
// case-insensitively as DuckDB resolves identifiers.
const listRelationsSQL = `select database_name, schema_name, table_name, 'table' from duckdb_tables()
 where lower(database_name) = lower(?) and lower(schema_name) = lower(?)
union all
select database_name, schema_name, view_name, 'view' from duckdb_views()
 where not internal and lower(database_name) = lower(?) and lower(schema_name) = lower(?)
order by 3`

// ListRelations lists the tables and views of a schema, ordered by name; a schema that does
// not exist has none. An empty database means the adapter's.
func (a *Adapter) ListRelations(ctx context.Context, database, schema string) ([]warehouse.Relation, error) {
	if database == "" {
		database = a.dialect.Database
	}
	rows, err := a.db.QueryContext(ctx, listRelationsSQL, database, schema, database, schema)
	if err != nil {
		return nil, fmt.Errorf("duckdb: listing %s.%s: %w", database, schema, wrapErr(ctx, err))
	}
	defer rows.Close()
	var out []warehouse.Relation
	for rows.Next() {
		var r warehouse.Relation
		if err := rows.Scan(&r.Database, &r.Schema, &r.Identifier, &r.Type); err != nil {
			return nil, fmt.Errorf("duckdb: listing %s.%s: %w", database, schema, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: listing %s.%s: %w", database, schema, wrapErr(ctx, err))
	}
	return out, nil
}

// ListSchemas lists the schemas of a database (the adapter's when empty), sorted.
func (a *Adapter) ListSchemas(ctx context.Context, database string) ([]string, error) {
	if database == "" {
		database = a.dialect.Database
	}
	rows, err := a.db.QueryContext(ctx, "select schema_name from duckdb_schemas() where lower(database_name) = lower(?) order by 1", database)
	if err != nil {
		return nil, fmt.Errorf("duckdb: listing schemas of %s: %w", database, wrapErr(ctx, err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("duckdb: listing schemas of %s: %w", database, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// columnsSQL lists a table's or view's columns in order. A temporary table is found under
// the "temp" catalog, so the database is matched only when given.
const columnsSQL = `select column_name, data_type from duckdb_columns()
 where (? = '' or lower(database_name) = lower(?)) and lower(schema_name) = lower(?) and lower(table_name) = lower(?)
 order by column_index`

// Columns lists r's columns in ordinal order; warehouse.ErrRelationNotFound when r has none
// (it does not exist). An empty schema means the adapter's.
func (a *Adapter) Columns(ctx context.Context, r warehouse.Relation) ([]warehouse.Column, error) {
	schema := r.Schema
	if schema == "" {
		schema = a.dialect.Schema
	}
	rows, err := a.db.QueryContext(ctx, columnsSQL, r.Database, r.Database, schema, r.Identifier)
	if err != nil {
		return nil, fmt.Errorf("duckdb: columns of %s: %w", a.dialect.RelationSQL(r), wrapErr(ctx, err))
	}
	defer rows.Close()
	var out []warehouse.Column
	for rows.Next() {
		var c warehouse.Column
		if err := rows.Scan(&c.Name, &c.DataType); err != nil {
			return nil, fmt.Errorf("duckdb: columns of %s: %w", a.dialect.RelationSQL(r), err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: columns of %s: %w", a.dialect.RelationSQL(r), err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("duckdb: columns of %s: %w", a.dialect.RelationSQL(r), warehouse.ErrRelationNotFound)
	}
	return out, nil
}
