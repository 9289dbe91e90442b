package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// listRelationsSQL lists the tables (plain, partitioned, foreign), views and materialized
// views of one schema from pg_catalog. The schema is matched case-insensitively, as
// dbt-postgres's ilike does.
const listRelationsSQL = `select n.nspname, c.relname,
  case c.relkind when 'v' then 'view' when 'm' then 'materialized_view' else 'table' end
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where lower(n.nspname) = lower($1) and c.relkind in ('r', 'p', 'f', 'v', 'm')
order by c.relname`

// checkDatabase refuses a database other than the connected one: a PostgreSQL connection
// reaches one database only. An empty name means the connected one.
func (a *Adapter) checkDatabase(database string) error {
	if database != "" && !strings.EqualFold(database, a.dialect.Database) {
		return fmt.Errorf("postgres: cross-database reference to %q is not supported (connected to %q)", database, a.dialect.Database)
	}
	return nil
}

// ListRelations lists the relations of a schema, ordered by name; a schema that does not
// exist has none.
func (a *Adapter) ListRelations(ctx context.Context, database, schema string) ([]warehouse.Relation, error) {
	if err := a.checkDatabase(database); err != nil {
		return nil, err
	}
	rows, err := a.pool.Query(ctx, listRelationsSQL, schema)
	if err != nil {
		return nil, fmt.Errorf("postgres: listing %s: %w", schema, wrapErr(ctx, err))
	}
	defer rows.Close()
	var out []warehouse.Relation
	for rows.Next() {
		r := warehouse.Relation{Database: a.dialect.Database}
		if err := rows.Scan(&r.Schema, &r.Identifier, &r.Type); err != nil {
			return nil, fmt.Errorf("postgres: listing %s: %w", schema, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: listing %s: %w", schema, wrapErr(ctx, err))
	}
	return out, nil
}

// ListSchemas lists the schemas of the connected database, sorted.
func (a *Adapter) ListSchemas(ctx context.Context, database string) ([]string, error) {
	if err := a.checkDatabase(database); err != nil {
		return nil, err
	}
	rows, err := a.pool.Query(ctx, "select nspname from pg_catalog.pg_namespace order by 1")
	if err != nil {
		return nil, fmt.Errorf("postgres: listing schemas: %w", wrapErr(ctx, err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("postgres: listing schemas: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// columnsSQL lists a relation's live columns in order with their types formatted as
// PostgreSQL prints them ("character varying(20)", "numeric(28,6)").
const columnsSQL = `select a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
from pg_catalog.pg_attribute a
join pg_catalog.pg_class c on c.oid = a.attrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped
order by a.attnum`

// Columns lists r's columns in ordinal order; warehouse.ErrRelationNotFound when r does not
// exist. An empty schema means the target's.
func (a *Adapter) Columns(ctx context.Context, r warehouse.Relation) ([]warehouse.Column, error) {
	if err := a.checkDatabase(r.Database); err != nil {
		return nil, err
	}
	schema := r.Schema
	if schema == "" {
		schema = a.dialect.Schema
	}
	rows, err := a.pool.Query(ctx, columnsSQL, schema, r.Identifier)
	if err != nil {
		return nil, fmt.Errorf("postgres: columns of %s: %w", a.dialect.RelationSQL(r), wrapErr(ctx, err))
	}
	defer rows.Close()
	var out []warehouse.Column
	for rows.Next() {
		var c warehouse.Column
		if err := rows.Scan(&c.Name, &c.DataType); err != nil {
			return nil, fmt.Errorf("postgres: columns of %s: %w", a.dialect.RelationSQL(r), err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: columns of %s: %w", a.dialect.RelationSQL(r), wrapErr(ctx, err))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("postgres: columns of %s: %w", a.dialect.RelationSQL(r), warehouse.ErrRelationNotFound)
	}
	return out, nil
}
