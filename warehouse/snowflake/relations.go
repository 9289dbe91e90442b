package snowflake

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// infoSchema names database's information_schema view.
func (d Dialect) infoSchema(database, view string) string {
	if database == "" {
		database = d.Database
	}
	return d.quoteIf(d.Quoting().Database, database) + ".information_schema." + view
}

// ListRelations lists the tables, views and dynamic tables of one schema from
// information_schema.tables.
// The schema matches case-insensitively, as Snowflake folds unquoted names to upper case.
func (a *Adapter) ListRelations(ctx context.Context, database, schema string) ([]warehouse.Relation, error) {
	d := a.dialect
	if database == "" {
		database = d.Database
	}
	// is_dynamic: a dynamic table is a BASE TABLE in table_type; dbt-snowflake tells it
	// apart (is_dynamic of SHOW OBJECTS) so its materialization alters rather than replaces.
	q := "select table_catalog, table_schema, table_name, table_type, is_dynamic from " + d.infoSchema(database, "tables") +
		" where upper(table_schema) = upper(" + d.QuoteString(schema) + ")"
	_, t, err := a.Execute(ctx, q, true)
	if err != nil {
		return nil, err
	}
	out := make([]warehouse.Relation, 0, len(t.Rows))
	for _, row := range t.Rows {
		typ := "table"
		if strings.EqualFold(fmt.Sprint(row[4]), "YES") {
			typ = "dynamic_table"
		} else if tt := strings.ToUpper(fmt.Sprint(row[3])); strings.Contains(tt, "VIEW") {
			typ = "view"
		} else if strings.Contains(tt, "EXTERNAL") {
			typ = "external"
		}
		out = append(out, warehouse.Relation{Database: database, Schema: fmt.Sprint(row[1]), Identifier: fmt.Sprint(row[2]), Type: typ})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Identifier < out[j].Identifier })
	return out, nil
}

// Columns lists r's columns in order from information_schema.columns; the identifier
// matches as Snowflake resolves it (exactly when quoted, folded to upper case when not),
// the schema case-insensitively.
func (a *Adapter) Columns(ctx context.Context, r warehouse.Relation) ([]warehouse.Column, error) {
	d := a.dialect
	ident := CatalogName(r.Identifier, r.Quote.Or(d.Quoting()).Identifier)
	q := "select column_name, data_type from " + d.infoSchema(r.Database, "columns") +
		" where upper(table_schema) = upper(" + d.QuoteString(r.Schema) + ") and table_name = " +
		d.QuoteString(ident) + " order by ordinal_position"
	_, t, err := a.Execute(ctx, q, true)
	if err != nil {
		return nil, err
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("snowflake: %s: %w", d.RelationSQL(r), warehouse.ErrRelationNotFound)
	}
	out := make([]warehouse.Column, 0, len(t.Rows))
	for _, row := range t.Rows {
		out = append(out, warehouse.Column{Name: fmt.Sprint(row[0]), DataType: fmt.Sprint(row[1])})
	}
	return out, nil
}

// ListSchemas lists the schemas of a database, sorted.
func (a *Adapter) ListSchemas(ctx context.Context, database string) ([]string, error) {
	q := "select schema_name from " + a.dialect.infoSchema(database, "schemata")
	_, t, err := a.Execute(ctx, q, true)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(t.Rows))
	for _, row := range t.Rows {
		out = append(out, fmt.Sprint(row[0]))
	}
	sort.Strings(out)
	return out, nil
}
