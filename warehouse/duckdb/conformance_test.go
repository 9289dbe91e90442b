package duckdb_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/duckdb"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// openTemp opens a fresh database file in a test folder.
func openTemp(t *testing.T) *duckdb.Adapter {
	t.Helper()
	a, err := openPath(filepath.Join(t.TempDir(), "conf.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestConformance(t *testing.T) {
	warehousetest.Run(t, func(t *testing.T) warehouse.Adapter { return openTemp(t) })
}

func openPath(path string) (*duckdb.Adapter, error) {
	return duckdb.Open(context.Background(), duckdb.Config{Path: path, Threads: 4})
}

// autocommitDialect is DuckDB's dialect claiming that DDL commits on its own, so that the
// suite also exercises Replace's build-then-swap path that Snowflake will take.
type autocommitDialect struct{ duckdb.Dialect }

func (autocommitDialect) TransactionalDDL() bool { return false }

type autocommitAdapter struct{ *duckdb.Adapter }

func (a autocommitAdapter) Dialect() warehouse.Dialect {
	return autocommitDialect{a.Adapter.Dialect().(duckdb.Dialect)}
}

func TestConformanceAutocommitDDL(t *testing.T) {
	warehousetest.Run(t, func(t *testing.T) warehouse.Adapter { return autocommitAdapter{openTemp(t)} })
}
