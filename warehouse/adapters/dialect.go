package adapters

import (
	"fmt"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/duckdb"
	"github.com/gdbt-dev/gdbt/warehouse/postgres"
	"github.com/gdbt-dev/gdbt/warehouse/snowflake"
)

// Dialect returns the SQL dialect of engine typ for a target's database and schema without
// connecting, so that an offline `gdbt compile` renders the same SQL (type names, quoting,
// file readers) as `gdbt run` against that engine.
func Dialect(typ, database, schema string) (warehouse.Dialect, error) {
	switch typ {
	case "duckdb":
		return duckdb.Dialect{Database: database, Schema: schema}, nil
	case "postgres":
		return postgres.Dialect{Database: database, Schema: schema}, nil
	case "snowflake":
		return snowflake.Dialect{Database: database, Schema: schema}, nil
	}
	if open, ok := engines[typ]; ok && open == nil {
		return nil, fmt.Errorf("adapter type %q: %w", typ, ErrNotBuilt)
	}
	return nil, fmt.Errorf("unknown adapter type %q (known: %v)", typ, Known())
}
