package docs

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// CatalogSchemaVersion is the dbt_schema_version of catalog.json.
const CatalogSchemaVersion = "https://schemas.getdbt.com/dbt/catalog/v1.json"

// Catalog is target/catalog.json: what the warehouse says about each node's and source's
// relation (dbt's CatalogArtifact, schema v1).
type Catalog struct {
	Metadata CatalogMetadata          `json:"metadata"`
	Nodes    map[string]*CatalogTable `json:"nodes"`
	Sources  map[string]*CatalogTable `json:"sources"`
	Errors   []string                 `json:"errors"`
}

// CatalogMetadata is the artifact header.
type CatalogMetadata struct {
	DbtSchemaVersion    string            `json:"dbt_schema_version"`
	DbtVersion          string            `json:"dbt_version"`
	GeneratedAt         string            `json:"generated_at"`
	InvocationID        string            `json:"invocation_id"`
	InvocationStartedAt string            `json:"invocation_started_at,omitempty"`
	Env                 map[string]string `json:"env"`
}

// CatalogTable is one relation: its metadata, columns by name, and stats by id.
type CatalogTable struct {
	Metadata TableMetadata             `json:"metadata"`
	Columns  map[string]*CatalogColumn `json:"columns"`
	Stats    map[string]*StatsItem     `json:"stats"`
	UniqueID string                    `json:"unique_id"`
}

// TableMetadata is the relation's type ("BASE TABLE", "VIEW", …), name and comment.
type TableMetadata struct {
	Type     string  `json:"type"`
	Schema   string  `json:"schema"`
	Name     string  `json:"name"`
	Database *string `json:"database"`
	Comment  *string `json:"comment"`
	Owner    *string `json:"owner"`
}

// CatalogColumn is one column with the warehouse's type name and 1-based position.
type CatalogColumn struct {
	Type    string  `json:"type"`
	Index   int     `json:"index"`
	Name    string  `json:"name"`
	Comment *string `json:"comment"`
}

// StatsItem is one statistic; has_stats is always there and never included, as in dbt.
type StatsItem struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Value       any    `json:"value"`
	Include     bool   `json:"include"`
	Description string `json:"description"`
}

// CatalogOptions say which relations to read.
type CatalogOptions struct {
	// Selected limits the catalog to these unique ids (nodes and sources), as dbt 1.9's
	// `docs generate --select`; nil means every node and source.
	Selected map[string]bool
	// Empty writes the catalog without querying the warehouse (--empty-catalog).
	Empty        bool
	InvocationID string
	DbtVersion   string
}

// catalogKey is dbt's CatalogKey: database, schema and identifier, lower-cased
// (dbt/task/docs/generate.py, mapping_key).
type catalogKey struct{ db, schema, ident string }

func keyOf(db, schema, ident string) catalogKey {
	return catalogKey{strings.ToLower(db), strings.ToLower(schema), strings.ToLower(ident)}
}

// catalogable is one relation to look up and the unique ids that point at it.
type catalogable struct {
	rel      warehouse.Relation
	external string // a source read in place (DuckDB's external_location)
	ids      []string
	source   bool
}

// BuildCatalog reads the columns of every relational, non-ephemeral node (models, seeds,
// snapshots) and every source from the warehouse, as dbt's GenerateTask does
// (dbt/task/docs/generate.py: catalogable nodes are is_relational and not ephemeral;
// relations are listed per used schema, then matched to unique ids by lower-cased
// database.schema.identifier). A relation that cannot be read becomes an entry of errors,
// not a failure of the whole catalog.
func BuildCatalog(ctx context.Context, m *manifest.Manifest, a warehouse.Adapter, o CatalogOptions) (*Catalog, error) {
	cat := &Catalog{
		Metadata: CatalogMetadata{DbtSchemaVersion: CatalogSchemaVersion, DbtVersion: o.DbtVersion,
			GeneratedAt: time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"), InvocationID: o.InvocationID, Env: map[string]string{}},
		Nodes: map[string]*CatalogTable{}, Sources: map[string]*CatalogTable{},
	}
	if o.Empty {
		return cat, nil
	}
	if a == nil {
		return nil, fmt.Errorf("docs: building the catalog needs a warehouse connection (or --empty-catalog)")
	}
	want := map[catalogKey]*catalogable{}
	add := func(db, schema, ident, id string, src bool, ext string) {
		if o.Selected != nil && !o.Selected[id] {
			return
		}
		k := keyOf(db, schema, ident)
		c := want[k]
		if c == nil {
			c = &catalogable{rel: warehouse.Relation{Database: db, Schema: schema, Identifier: ident}, external: ext, source: src}
			want[k] = c
		}
		c.ids = append(c.ids, id)
	}
	for id, n := range m.Nodes {
		switch n.ResourceType {
		case manifest.Model, manifest.Seed, manifest.Snapshot:
		default:
			continue
		}
		if !n.Enabled() || n.Materialized() == "ephemeral" {
			continue
		}
		ident := n.Alias
		if ident == "" {
			ident = n.Name
		}
		add(n.Database, n.Schema, ident, id, false, "")
	}
	for id, s := range m.Sources {
		add(s.Database, s.Schema, s.Identifier, id, true, s.ExternalLocation)
	}
	// List each used schema once (dbt's get_catalog takes the used schemas), so a relation
	// that is not built yet is simply absent, as in dbt.
	schemas := map[catalogKey]warehouse.Relation{}
	for _, c := range want {
		if c.external == "" {
			schemas[keyOf(c.rel.Database, c.rel.Schema, "")] = c.rel
		}
	}
	found := map[catalogKey]warehouse.Relation{}
	for _, sk := range sortedKeys(schemas) {
		r := schemas[sk]
		rels, err := a.ListRelations(ctx, r.Database, r.Schema)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			cat.Errors = append(cat.Errors, err.Error())
			continue
		}
		for _, x := range rels {
			found[keyOf(x.Database, x.Schema, x.Identifier)] = x
		}
	}
	for _, k := range sortedKeys(want) {
		c := want[k]
		var t *CatalogTable
		var err error
		if c.external != "" {
			t, err = externalTable(ctx, a, c)
		} else if x, ok := found[k]; ok {
			t, err = relationTable(ctx, a, x)
		} else {
			continue // not in the warehouse: dbt's catalog leaves it out
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			cat.Errors = append(cat.Errors, err.Error())
			continue
		}
		sort.Strings(c.ids)
		for _, id := range c.ids {
			cp := *t
			cp.UniqueID = id
			if c.source {
				cat.Sources[id] = &cp
			} else {
				cat.Nodes[id] = &cp
			}
		}
	}
	return cat, nil
}

// relationTable reads one relation's columns.
func relationTable(ctx context.Context, a warehouse.Adapter, r warehouse.Relation) (*CatalogTable, error) {
	cols, err := a.Columns(ctx, r)
	if err != nil {
		return nil, err
	}
	t := newTable(r, tableType(r.Type), cols)
	if sr, ok := a.(warehouse.StatsReader); ok {
		stats, err := sr.TableStats(ctx, r)
		if err != nil {
			return nil, err
		}
		for _, st := range stats {
			t.Stats[st.ID] = &StatsItem{ID: st.ID, Label: st.Label, Value: st.Value, Include: st.Include, Description: st.Description}
		}
		// format_stats (dbt/task/docs/generate.py): has_stats is whether any stat came back.
		t.Stats["has_stats"].Value = len(stats) > 0
	}
	return t, nil
}

// externalTable describes a source read in place from files (dbt-duckdb's
// external_location): DESCRIBE of the engine's reading SQL gives its columns.
func externalTable(ctx context.Context, a warehouse.Adapter, c *catalogable) (*CatalogTable, error) {
	from := a.Dialect().ExternalSQL(c.external)
	if from == "" {
		return nil, fmt.Errorf("docs: %s engine cannot read external_location %q", a.Dialect().Type(), c.external)
	}
	_, tab, err := a.Execute(ctx, "describe select * from "+from, true)
	if err != nil {
		return nil, fmt.Errorf("docs: columns of %s: %w", c.external, err)
	}
	var cols []warehouse.Column
	for _, row := range tab.Rows {
		if len(row) >= 2 {
			cols = append(cols, warehouse.Column{Name: fmt.Sprint(row[0]), DataType: fmt.Sprint(row[1])})
		}
	}
	return newTable(c.rel, "external", cols), nil
}

// tableType spells a relation type as the adapters' get_catalog macros do
// (information_schema.tables.table_type: "BASE TABLE", "VIEW").
func tableType(t string) string {
	switch strings.ToLower(t) {
	case "table", "base table":
		return "BASE TABLE"
	case "view":
		return "VIEW"
	case "":
		return "BASE TABLE"
	}
	return strings.ToUpper(t)
}

func newTable(r warehouse.Relation, typ string, cols []warehouse.Column) *CatalogTable {
	t := &CatalogTable{
		Metadata: TableMetadata{Type: typ, Schema: r.Schema, Name: r.Identifier},
		Columns:  map[string]*CatalogColumn{},
		// dbt/task/docs/generate.py format_stats: has_stats is always present, never included.
		Stats: map[string]*StatsItem{"has_stats": {ID: "has_stats", Label: "Has Stats?", Value: false,
			Description: "Indicates whether there are statistics for this table"}},
	}
	if r.Database != "" {
		db := r.Database
		t.Metadata.Database = &db
	}
	for i, c := range cols {
		t.Columns[c.Name] = &CatalogColumn{Type: c.DataType, Index: i + 1, Name: c.Name}
	}
	return t
}

// WriteCatalog writes the catalog as JSON (keys sorted, so the file is byte-stable for the
// same warehouse), through a temporary file and a rename.
func WriteCatalog(path string, c *Catalog) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("docs: encoding catalog: %w", err)
	}
	return writeFileAtomic(path, b)
}

// ReadCatalog reads a catalog.json written earlier (nil, nil when there is none).
func ReadCatalog(path string) (*Catalog, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var c Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func sortedKeys[V any](m map[catalogKey]V) []catalogKey {
	ks := make([]catalogKey, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		a, b := ks[i], ks[j]
		if a.db != b.db {
			return a.db < b.db
		}
		if a.schema != b.schema {
			return a.schema < b.schema
		}
		return a.ident < b.ident
	})
	return ks
}
