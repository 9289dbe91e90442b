package warehouse

import (
	"context"
	"fmt"
)

// The methods below are dbt's adapter.* DDL calls (create_schema, drop_relation,
// rename_relation, …) as the compiler's context needs them: each issues the dialect's
// statement on ex (the node's Session, so it joins the node's transaction; nil means the
// adapter's pool) and keeps the cache current.

func (c *Cache) ddl() (DDL, error) {
	d, ok := c.a.Dialect().(DDL)
	if !ok {
		return nil, fmt.Errorf("adapter %s has no DDL builders", c.a.Dialect().Type())
	}
	return d, nil
}

func (c *Cache) run(ctx context.Context, ex Executor, sql string) error {
	if ex == nil {
		ex = c.a
	}
	_, _, err := ex.Execute(ctx, sql, false)
	return err
}

// Adapter returns the adapter the cache lists through.
func (c *Cache) Adapter() Adapter { return c.a }

// CreateSchema creates a schema when it does not exist (dbt's adapter.create_schema). The
// cache keeps what it knows: the schema may have existed with relations in it, and is
// listed lazily if nobody has yet.
func (c *Cache) CreateSchema(ctx context.Context, ex Executor, database, schema string) error {
	d, err := c.ddl()
	if err != nil {
		return err
	}
	return c.run(ctx, ex, d.CreateSchemaSQL(database, schema))
}

// DropSchema drops a schema and its relations (dbt's adapter.drop_schema); the cache then
// knows it as empty.
func (c *Cache) DropSchema(ctx context.Context, ex Executor, database, schema string) error {
	d, err := c.ddl()
	if err != nil {
		return err
	}
	if err := c.run(ctx, ex, d.DropSchemaSQL(database, schema)); err != nil {
		return err
	}
	database, schema = c.norm(database, schema)
	c.mu.Lock()
	e := &schemaEntry{ready: make(chan struct{}), rels: map[string]Relation{}}
	close(e.ready)
	c.schemas[schemaKey(database, schema)] = e
	c.mu.Unlock()
	return nil
}

// DropRelation drops r when it exists (dbt's adapter.drop_relation). When r.Type is empty
// the cache supplies it, as DuckDB's DROP TABLE refuses a view.
func (c *Cache) DropRelation(ctx context.Context, ex Executor, r Relation) error {
	d, err := c.ddl()
	if err != nil {
		return err
	}
	if r.Type == "" {
		found, err := c.Get(ctx, r.Database, r.Schema, r.Identifier)
		if err != nil {
			return err
		}
		if found == nil {
			return nil
		}
		r.Type = found.Type
	}
	if err := c.run(ctx, ex, d.DropRelationSQL(r)); err != nil {
		return err
	}
	c.Drop(r)
	return nil
}

// RenameRelation renames r to toIdentifier in its schema (dbt's adapter.rename_relation).
func (c *Cache) RenameRelation(ctx context.Context, ex Executor, r Relation, toIdentifier string) error {
	d, err := c.ddl()
	if err != nil {
		return err
	}
	if r.Type == "" {
		found, err := c.Get(ctx, r.Database, r.Schema, r.Identifier)
		if err != nil {
			return err
		}
		if found == nil {
			return fmt.Errorf("rename %s: %w", r.Identifier, ErrRelationNotFound)
		}
		r.Type = found.Type
	}
	if err := c.run(ctx, ex, d.RenameRelationSQL(r, toIdentifier)); err != nil {
		return err
	}
	c.Rename(r, toIdentifier)
	return nil
}
