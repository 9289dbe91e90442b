package postgres

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// Seed column types inferred the way dbt-postgres types an agate table: booleans, integers
// (bigint past 32 bits), other numbers as float8, ISO dates and timestamps, text otherwise.
var (
	intRE   = regexp.MustCompile(`^[+-]?[0-9]+$`)
	floatRE = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)
	dateRE  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	tsRE    = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$`)
)

// typeCandidates are tried in order; the first every non-empty value of a column fits wins.
var typeCandidates = []struct {
	name string
	fits func(string) bool
}{
	{"boolean", func(s string) bool { return strings.EqualFold(s, "true") || strings.EqualFold(s, "false") }},
	{"integer", func(s string) bool {
		n, err := strconv.ParseInt(s, 10, 64)
		return intRE.MatchString(s) && err == nil && n >= math.MinInt32 && n <= math.MaxInt32
	}},
	{"bigint", func(s string) bool { _, err := strconv.ParseInt(s, 10, 64); return intRE.MatchString(s) && err == nil }},
	{"float8", func(s string) bool { return floatRE.MatchString(s) }},
	{"date", func(s string) bool { _, err := time.Parse("2006-01-02", s); return dateRE.MatchString(s) && err == nil }},
	{"timestamp", func(s string) bool {
		if !tsRE.MatchString(s) {
			return false
		}
		_, err := time.Parse("2006-01-02 15:04", strings.Replace(s, "T", " ", 1)[:16])
		return err == nil
	}},
}

// InferSeedTypes reads a CSV file's header and values and returns the column names (as the
// header spells them) and a PostgreSQL type for each; opts.ColumnTypes overrides inference
// (matched exactly, then case-insensitively). An empty field is NULL and fits every type;
// a column with no values at all is warehouse.EmptySeedType, as in dbt.
func InferSeedTypes(r io.Reader, opts warehouse.SeedOptions) (names, types []string, err error) {
	cr := csv.NewReader(r)
	if opts.Delimiter != "" {
		d := []rune(opts.Delimiter)
		if len(d) != 1 || len(opts.Delimiter) != 1 {
			return nil, nil, fmt.Errorf("delimiter %q: want one single-byte character", opts.Delimiter)
		}
		cr.Comma = d[0]
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, errors.New("empty file: no header row")
	}
	if err != nil {
		return nil, nil, err
	}
	names = append([]string(nil), header...)
	if len(names) > 0 {
		names[0] = strings.TrimPrefix(names[0], "\ufeff")
	}
	// fit[i] is the index of the first candidate still possible for column i.
	fit := make([]int, len(names))
	seen := make([]bool, len(names))
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		for i, v := range rec {
			if v == "" {
				continue
			}
			seen[i] = true
			for fit[i] < len(typeCandidates) && !typeCandidates[fit[i]].fits(v) {
				fit[i]++
			}
		}
	}
	types = make([]string, len(names))
	for i, n := range names {
		switch {
		case !seen[i]:
			types[i] = warehouse.EmptySeedType
		case fit[i] == len(typeCandidates):
			types[i] = "text"
		default:
			types[i] = typeCandidates[fit[i]].name
		}
		if t, ok := overrideType(opts.ColumnTypes, n); ok {
			types[i] = t
		}
	}
	return names, types, nil
}

func overrideType(m map[string]string, name string) (string, bool) {
	if t, ok := m[name]; ok {
		return t, true
	}
	for k, t := range m {
		if strings.EqualFold(k, name) {
			return t, true
		}
	}
	return "", false
}

// seedColumn is a seed column as dbt's quote_seed_column writes it: quoted as the header
// spells it (its case kept), or with quote_columns false as written, so PostgreSQL folds
// it to lower case (dbt-adapters dbt/adapters/base/impl.py quote_seed_column).
func (d Dialect) seedColumn(name string, quote bool) string {
	if quote {
		return d.QuoteIdent(name)
	}
	return name
}

// SeedTableSQL creates the table a seed loads into, its columns named by seedColumn.
func (d Dialect) SeedTableSQL(r warehouse.Relation, names, types []string, quote bool) string {
	var b strings.Builder
	b.WriteString("create table " + d.RelationSQL(r) + " (")
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.seedColumn(n, quote) + " " + types[i])
	}
	b.WriteString(")")
	return b.String()
}

// SeedCopySQL is the COPY that streams the CSV file (header and all) into table r.
func (d Dialect) SeedCopySQL(r warehouse.Relation, names []string, delimiter string, quote bool) string {
	if delimiter == "" {
		delimiter = ","
	}
	cols := make([]string, len(names))
	for i, n := range names {
		cols[i] = d.seedColumn(n, quote)
	}
	return "copy " + d.RelationSQL(r) + " (" + strings.Join(cols, ", ") + ") from stdin with (format csv, header true, delimiter " + d.QuoteString(delimiter) + ")"
}

// LoadCSV creates table r from a CSV file, replacing any previous r atomically: the file is
// streamed with COPY FROM STDIN into a table under a temporary name, then swapped in, all in
// one transaction, so a value the server cannot parse leaves the previous table intact.
// It returns the number of rows loaded.
func (a *Adapter) LoadCSV(ctx context.Context, r warehouse.Relation, path string, opts warehouse.SeedOptions) (int64, error) {
	fail := func(err error) (int64, error) {
		return 0, fmt.Errorf("postgres: seed %s: %w", r.Identifier, err)
	}
	if _, err := warehouse.CheckSeedCSV(path, opts.Delimiter); err != nil {
		return fail(err)
	}
	f, err := os.Open(path)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	names, types, err := InferSeedTypes(f, opts)
	if err != nil {
		return fail(fmt.Errorf("%s: %w", path, err))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	if r.Database == "" {
		r.Database = a.dialect.Database
	}
	if r.Schema == "" {
		r.Schema = a.dialect.Schema
	}
	r.Type = "table"
	find := warehouse.FinderFor(a)
	existing, err := find(ctx, r.Database, r.Schema, r.Identifier)
	if err != nil {
		return fail(err)
	}
	tmp, backup := r, r
	tmp.Identifier = warehouse.DerivedIdentifier(a.dialect, r.Identifier, warehouse.ScratchSuffix(ctx, warehouse.TmpSuffix))
	backup.Identifier = warehouse.DerivedIdentifier(a.dialect, r.Identifier, warehouse.ScratchSuffix(ctx, warehouse.BackupSuffix))
	d := a.dialect
	pre := []string{d.BeginSQL()}
	// Leftovers of an interrupted load are dropped with the right kind of DROP.
	for _, id := range []string{tmp.Identifier, backup.Identifier} {
		old, err := find(ctx, r.Database, r.Schema, id)
		if err != nil {
			return fail(err)
		}
		if old != nil {
			pre = append(pre, d.DropRelationSQL(*old))
		}
	}
	pre = append(pre, d.SeedTableSQL(tmp, names, types, !opts.UnquotedColumns))
	var swap []string
	if existing != nil {
		swap = append(swap, d.RenameRelationSQL(*existing, backup.Identifier))
	}
	swap = append(swap, d.RenameRelationSQL(tmp, r.Identifier))
	if existing != nil {
		parked := *existing
		parked.Identifier = backup.Identifier
		swap = append(swap, d.DropRelationSQL(parked))
	}
	swap = append(swap, d.CommitSQL())

	c, err := a.pool.Acquire(ctx)
	if err != nil {
		return fail(wrapErr(ctx, err))
	}
	defer c.Release()
	defer rollbackOpen(c.Conn().PgConn())
	// Each statement goes to opts.Log as sent; the COPY's rows stream after its text.
	script := func(sql string) error {
		_, err := opts.Log.Timed(sql, func() (warehouse.Response, error) {
			resp, _, err := execute(ctx, c.Conn(), sql, false)
			return resp, err
		})
		return err
	}
	if err := script(strings.Join(pre, ";\n")); err != nil {
		return fail(err)
	}
	copySQL := d.SeedCopySQL(tmp, names, opts.Delimiter, !opts.UnquotedColumns)
	resp, err := opts.Log.Timed(copySQL, func() (warehouse.Response, error) {
		tag, err := c.Conn().PgConn().CopyFrom(ctx, f, copySQL)
		if err != nil {
			return warehouse.Response{RowsAffected: -1}, queryErr(ctx, "", err)
		}
		return warehouse.Response{Message: tag.String(), Code: "COPY", RowsAffected: tag.RowsAffected()}, nil
	})
	if err != nil {
		return fail(err)
	}
	if err := script(strings.Join(swap, ";\n")); err != nil {
		return fail(err)
	}
	return resp.RowsAffected, nil
}
