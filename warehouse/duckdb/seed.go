package duckdb

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// SeedSelectSQL is the query that reads a seed CSV: DuckDB's read_csv with a header row,
// the delimiter, type inference, and the explicit column_types overriding inferred ones
// (passed as read_csv's types, so a value that does not parse fails the load instead of
// being cast after inference).
func (d Dialect) SeedSelectSQL(path string, opts warehouse.SeedOptions) string {
	delim := opts.Delimiter
	if delim == "" {
		delim = ","
	}
	var b strings.Builder
	b.WriteString("select * from read_csv(")
	b.WriteString(d.QuoteString(path))
	// The dialect CheckSeedCSV accepted, spelled out so the sniffer cannot guess another.
	b.WriteString(", header = true, auto_detect = true, quote = '\"', escape = '\"', strict_mode = true, delim = ")
	b.WriteString(d.QuoteString(delim))
	if len(opts.ColumnTypes) > 0 {
		names := make([]string, 0, len(opts.ColumnTypes))
		for n := range opts.ColumnTypes {
			names = append(names, n)
		}
		sort.Strings(names)
		b.WriteString(", types = {")
		for i, n := range names {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(d.QuoteString(n))
			b.WriteString(": ")
			b.WriteString(d.QuoteString(opts.ColumnTypes[n]))
		}
		b.WriteString("}")
	}
	b.WriteString(")")
	return b.String()
}

// LoadCSV creates table r from a CSV file, replacing any previous r atomically (built under
// a temporary name, swapped in one transaction), and returns the number of rows loaded.
// Column names are kept exactly as the header spells them: DuckDB preserves their case and
// matches them case-insensitively, so quote_columns changes nothing here.
func (a *Adapter) LoadCSV(ctx context.Context, r warehouse.Relation, path string, opts warehouse.SeedOptions) (int64, error) {
	// DuckDB's read_csv sniffs and forgives (a ragged file gets a guessed header, an
	// unclosed quote is kept, NUL reads as a space): the file is checked strictly first.
	var err error
	if _, err = warehouse.CheckSeedCSV(path, opts.Delimiter); err != nil {
		return 0, fmt.Errorf("duckdb: seed %s: %w", r.Identifier, err)
	}
	if r.Database == "" {
		r.Database = a.dialect.Database
	}
	if r.Schema == "" {
		r.Schema = a.dialect.Schema
	}
	r.Type = "table"
	if opts, err = typeEmptyColumns(path, opts); err != nil {
		return 0, fmt.Errorf("duckdb: seed %s: %w", r.Identifier, err)
	}
	if _, err := warehouse.Replace(ctx, warehouse.LoggedAdapter(a, opts.Log), nil, r, a.dialect.SeedSelectSQL(path, opts)); err != nil {
		return 0, fmt.Errorf("duckdb: seed %s: %w", r.Identifier, err)
	}
	var n int64
	count := "select count(*) from " + a.dialect.RelationSQL(r)
	if _, err := opts.Log.Timed(count, func() (warehouse.Response, error) {
		return warehouse.Response{Message: "SELECT 1", Code: "SELECT", RowsAffected: 1}, a.db.QueryRowContext(ctx, count).Scan(&n)
	}); err != nil {
		return 0, fmt.Errorf("duckdb: seed %s: %w", r.Identifier, wrapErr(ctx, err))
	}
	return n, nil
}

// typeEmptyColumns adds warehouse.EmptySeedType to opts.ColumnTypes for each column with no
// value, as dbt-duckdb creates the seed table from agate's types before its COPY (DuckDB's
// own sniffer would say VARCHAR). A column_types entry for the column (any case) wins.
func typeEmptyColumns(path string, opts warehouse.SeedOptions) (warehouse.SeedOptions, error) {
	f, err := os.Open(path)
	if err != nil {
		return opts, err
	}
	defer f.Close()
	empty, err := warehouse.EmptySeedColumns(f, opts.Delimiter)
	if err != nil || len(empty) == 0 {
		return opts, err
	}
	types := make(map[string]string, len(opts.ColumnTypes)+len(empty))
	for k, v := range opts.ColumnTypes {
		types[k] = v
	}
	for _, c := range empty {
		if _, ok := types[c]; ok {
			continue
		}
		overridden := false
		for k := range opts.ColumnTypes {
			overridden = overridden || strings.EqualFold(k, c)
		}
		if !overridden {
			types[c] = warehouse.EmptySeedType
		}
	}
	opts.ColumnTypes = types
	return opts, nil
}
