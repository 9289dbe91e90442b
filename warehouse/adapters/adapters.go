// Package adapters opens a warehouse adapter by its profile type. It is the one explicit
// list of engines (no init()-time registration), kept apart from package warehouse so that
// the engines can import warehouse without a cycle.
package adapters

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/duckdb"
	"github.com/gdbt-dev/gdbt/warehouse/postgres"
	"github.com/gdbt-dev/gdbt/warehouse/snowflake"
)

// ErrNotBuilt is returned for engines gdbt knows of but does not have yet.
var ErrNotBuilt = errors.New("adapter not built yet")

// opener opens one engine from a profile target's fields.
type opener func(ctx context.Context, fields map[string]any, projectDir string) (warehouse.Adapter, error)

// engines is the list of adapters. A nil opener is an engine that is planned but not built.
var engines = map[string]opener{
	"duckdb":    openDuckDB,
	"postgres":  openPostgres,
	"snowflake": openSnowflake,
}

// Known lists the adapter types a profile may name, sorted.
func Known() []string {
	out := make([]string, 0, len(engines))
	for k := range engines {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Open opens the adapter of profile type typ with the target's fields. projectDir anchors
// relative paths and the default DuckDB file, <projectDir>/target/gdbt.duckdb.
func Open(ctx context.Context, typ string, fields map[string]any, projectDir string) (warehouse.Adapter, error) {
	open, ok := engines[typ]
	if !ok {
		return nil, fmt.Errorf("unknown adapter type %q (known: %v)", typ, Known())
	}
	if open == nil {
		return nil, fmt.Errorf("adapter type %q: %w", typ, ErrNotBuilt)
	}
	return open(ctx, fields, projectDir)
}

// DefaultDuckDBPath is where gdbt builds when the profile names no file, relative to the
// project folder.
const DefaultDuckDBPath = "target/gdbt.duckdb"

func openDuckDB(ctx context.Context, fields map[string]any, projectDir string) (warehouse.Adapter, error) {
	cfg, err := duckdb.ParseConfig(fields, DefaultDuckDBPath, projectDir)
	if err != nil {
		return nil, err
	}
	if _, named := fields["path"]; !named {
		// gdbt's own default file: its folder is created (a path the profile names is not).
		os.MkdirAll(filepath.Dir(cfg.Path), 0o755)
	}
	return duckdb.Open(ctx, cfg)
}

// openPostgres connects to a PostgreSQL server from dbt-postgres's profile fields; it needs
// no project folder.
func openPostgres(ctx context.Context, fields map[string]any, _ string) (warehouse.Adapter, error) {
	cfg, err := postgres.ParseConfig(fields)
	if err != nil {
		return nil, err
	}
	return postgres.Open(ctx, cfg)
}

// openSnowflake logs in to a Snowflake account from dbt-snowflake's profile fields; it needs
// no project folder.
func openSnowflake(ctx context.Context, fields map[string]any, _ string) (warehouse.Adapter, error) {
	cfg, err := snowflake.ParseConfig(fields)
	if err != nil {
		return nil, err
	}
	return snowflake.Open(ctx, cfg)
}
