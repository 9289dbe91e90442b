package warehouse

import (
	"context"
	"sort"
	"strings"
	"sync"
)

// Cache is the relation cache of one run: each schema is listed at most once, lazily, the
// first time a node asks about it (concurrent askers wait for the one listing), and the
// runner updates it as nodes build, so that adapter.get_relation and the materializations'
// "does it exist, and as what?" questions cost no query. Names match case-insensitively, as
// DuckDB, Snowflake (unquoted) and PostgreSQL (unquoted) resolve them. Safe for concurrent
// use.
type Cache struct {
	a       Adapter
	mu      sync.Mutex
	schemas map[string]*schemaEntry // key: lower(database) + "\x00" + lower(schema)
}

type schemaEntry struct {
	ready chan struct{} // closed when the listing finished
	err   error
	rels  map[string]Relation // key: lower(identifier)
}

// NewCache returns an empty cache over a.
func NewCache(a Adapter) *Cache {
	return &Cache{a: a, schemas: map[string]*schemaEntry{}}
}

// norm fills an empty database or schema with the target's, as SQL without them means.
func (c *Cache) norm(database, schema string) (string, string) {
	if database == "" {
		database = c.a.Dialect().DefaultDatabase()
	}
	if schema == "" {
		schema = c.a.Dialect().DefaultSchema()
	}
	return database, schema
}

func schemaKey(database, schema string) string {
	return strings.ToLower(database) + "\x00" + strings.ToLower(schema)
}

// schema returns the listed entry of a schema, listing it when no one has yet. A failed
// listing is not remembered, so a later call tries again.
func (c *Cache) schema(ctx context.Context, database, schema string) (*schemaEntry, error) {
	database, schema = c.norm(database, schema)
	key := schemaKey(database, schema)
	for {
		c.mu.Lock()
		e, ok := c.schemas[key]
		if !ok {
			e = &schemaEntry{ready: make(chan struct{})}
			c.schemas[key] = e
			c.mu.Unlock()
			rels, err := c.a.ListRelations(ctx, database, schema)
			c.mu.Lock()
			if err != nil {
				e.err = err
				delete(c.schemas, key)
			} else {
				e.rels = make(map[string]Relation, len(rels))
				for _, r := range rels {
					e.rels[strings.ToLower(r.Identifier)] = r
				}
			}
			close(e.ready)
			c.mu.Unlock()
			return e, err
		}
		c.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err == nil {
			return e, nil
		}
		// The listing we waited for failed (perhaps its caller was cancelled): try ourselves.
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// Get returns the relation named database.schema.identifier, or nil when it does not
// exist. The returned relation carries the names as the warehouse spells them. An empty
// database or schema means the target's, in Get and in every other method.
func (c *Cache) Get(ctx context.Context, database, schema, identifier string) (*Relation, error) {
	e, err := c.schema(ctx, database, schema)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := e.rels[strings.ToLower(identifier)]
	if !ok {
		return nil, nil
	}
	return &r, nil
}

// Finder returns c.Get as a Finder for Replace.
func (c *Cache) Finder() Finder { return c.Get }

// List returns the relations of a schema sorted by identifier.
func (c *Cache) List(ctx context.Context, database, schema string) ([]Relation, error) {
	e, err := c.schema(ctx, database, schema)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	out := make([]Relation, 0, len(e.rels))
	for _, r := range e.rels {
		out = append(out, r)
	}
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Identifier < out[j].Identifier })
	return out, nil
}

// listed returns the entry of a schema when it has been listed, nil otherwise: updates to a
// schema nobody listed yet are left to the listing, which will see them in the warehouse.
func (c *Cache) listed(database, schema string) *schemaEntry {
	database, schema = c.norm(database, schema)
	e, ok := c.schemas[schemaKey(database, schema)]
	if !ok {
		return nil
	}
	select {
	case <-e.ready:
		if e.err != nil {
			return nil
		}
		return e
	default:
		return nil
	}
}

// Add records that r now exists (it was just created or replaced).
func (c *Cache) Add(r Relation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.listed(r.Database, r.Schema); e != nil {
		e.rels[strings.ToLower(r.Identifier)] = r
	}
}

// Drop records that r no longer exists.
func (c *Cache) Drop(r Relation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.listed(r.Database, r.Schema); e != nil {
		delete(e.rels, strings.ToLower(r.Identifier))
	}
}

// Rename records that r is now called toIdentifier in the same schema.
func (c *Cache) Rename(r Relation, toIdentifier string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.listed(r.Database, r.Schema); e != nil {
		old, ok := e.rels[strings.ToLower(r.Identifier)]
		if !ok {
			old = r
		}
		delete(e.rels, strings.ToLower(r.Identifier))
		old.Identifier = toIdentifier
		if r.Quote != nil {
			old.Quote = r.Quote // the new name is written under the renamer's policy
		}
		e.rels[strings.ToLower(toIdentifier)] = old
	}
}

// AddSchema records that a schema was just created (and so is empty): no listing is needed.
func (c *Cache) AddSchema(database, schema string) {
	database, schema = c.norm(database, schema)
	c.mu.Lock()
	defer c.mu.Unlock()
	key := schemaKey(database, schema)
	if _, ok := c.schemas[key]; ok {
		return
	}
	e := &schemaEntry{ready: make(chan struct{}), rels: map[string]Relation{}}
	close(e.ready)
	c.schemas[key] = e
}

// Invalidate forgets a schema, so that the next Get lists it again; for SQL the runner
// cannot follow, such as a hook or run-operation that creates or drops relations. It is
// not needed after CREATE SCHEMA IF NOT EXISTS, which changes no relation, and calling
// it per node would cost a listing per node.
func (c *Cache) Invalidate(database, schema string) {
	database, schema = c.norm(database, schema)
	c.mu.Lock()
	defer c.mu.Unlock()
	key := schemaKey(database, schema)
	if e, ok := c.schemas[key]; ok {
		select {
		case <-e.ready:
			delete(c.schemas, key)
		default: // a listing is under way; it will finish with what it saw
		}
	}
}

// Replace is warehouse.Replace with the cache as its finder, kept up to date afterwards:
// the target exists with its new type, the temporary and backup names do not.
func (c *Cache) Replace(ctx context.Context, r Relation, query string) (ReplaceResult, error) {
	res, err := Replace(ctx, c.a, c.Get, r, query)
	tmp, backup := r, r
	tmp.Identifier = DerivedIdentifier(c.a.Dialect(), r.Identifier, ScratchSuffix(ctx, TmpSuffix))
	backup.Identifier = DerivedIdentifier(c.a.Dialect(), r.Identifier, ScratchSuffix(ctx, BackupSuffix))
	if err != nil {
		// What exists now is uncertain only for the temporary name; relist lazily.
		c.Invalidate(r.Database, r.Schema)
		return res, err
	}
	c.Drop(tmp)
	c.Drop(backup)
	c.Add(r)
	return res, nil
}
