package snowflake

import (
	"context"
	"fmt"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// TableStats reads r's statistics from information_schema.tables as dbt-snowflake's
// snowflake__get_catalog_tables_sql does (dbt/include/snowflake/macros/catalog.sql):
// clustering key, row count, bytes and last modified (UTC, "yyyy-mm-dd HH24:MI" + "UTC", only
// for base tables), each included when not null.
func (a *Adapter) TableStats(ctx context.Context, r warehouse.Relation) ([]warehouse.TableStat, error) {
	d := a.dialect
	ident := CatalogName(r.Identifier, r.Quote.Or(d.Quoting()).Identifier)
	q := "select clustering_key, row_count, bytes, last_altered, table_type from " + d.infoSchema(r.Database, "tables") +
		" where upper(table_schema) = upper(" + d.QuoteString(r.Schema) + ") and table_name = " + d.QuoteString(ident)
	_, t, err := a.Execute(ctx, q, true)
	if err != nil {
		return nil, err
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("snowflake: %s: %w", d.RelationSQL(r), warehouse.ErrRelationNotFound)
	}
	row := t.Rows[0]
	lastMod := any(nil)
	if ts, ok := row[3].(time.Time); ok {
		lastMod = ts.UTC().Format("2006-01-02 15:04") + "UTC"
	}
	return []warehouse.TableStat{
		{ID: "clustering_key", Label: "Clustering Key", Value: row[0], Description: "The key used to cluster this table", Include: row[0] != nil},
		{ID: "row_count", Label: "Row Count", Value: row[1], Description: "An approximate count of rows in this table", Include: row[1] != nil},
		{ID: "bytes", Label: "Approximate Size", Value: row[2], Description: "Approximate size of the table as reported by Snowflake", Include: row[2] != nil},
		{ID: "last_modified", Label: "Last Modified", Value: lastMod, Description: "The timestamp for last update/change",
			Include: lastMod != nil && fmt.Sprint(row[4]) == "BASE TABLE"},
	}, nil
}
