package snowflake

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// insertBatch is how many rows one INSERT … VALUES carries. Snowflake limits one
// statement's text (1 MB by default) and a VALUES list to 16,384 rows, so seeds are sent in
// batches; this is fine for dbt-sized seeds, while large files belong in a stage and COPY.
const insertBatch = 500

var (
	intRe   = regexp.MustCompile(`^[+-]?\d+$`)
	floatRe = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)
	dateRe  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	tsRe    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$`)
)

// leadingZero tells a code such as 01234 (kept as text, so the zero survives) from a number.
func leadingZero(s string) bool {
	s = strings.TrimLeft(s, "+-")
	return len(s) > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9'
}

// inferType picks the narrowest type every non-empty value of a column fits, the way
// agate does: integer, float, boolean, date, timestamp, else varchar.
func inferType(vals []string) string {
	checks := []struct {
		typ string
		ok  func(string) bool
	}{
		{"integer", func(s string) bool {
			return intRe.MatchString(s) && len(strings.TrimLeft(s, "+-")) < 19 && !leadingZero(s)
		}},
		{"float", func(s string) bool { return floatRe.MatchString(s) && !leadingZero(s) }},
		{"boolean", func(s string) bool { l := strings.ToLower(s); return l == "true" || l == "false" }},
		{"date", dateRe.MatchString},
		{"timestamp_ntz", tsRe.MatchString},
	}
	if !slices.ContainsFunc(vals, func(v string) bool { return v != "" }) {
		return warehouse.EmptySeedType // agate's Integer wins when no value rules it out
	}
	for _, c := range checks {
		all, any := true, false
		for _, v := range vals {
			if v == "" {
				continue
			}
			any = true
			if !c.ok(v) {
				all = false
				break
			}
		}
		if all && any {
			return c.typ
		}
	}
	return "varchar"
}

// LoadCSV loads a CSV file into table r: it builds the table under r's name plus
// warehouse.TmpSuffix with typed columns and batched INSERTs, then swaps it into place, so a
// file that fails to load leaves the previous table untouched.
func (a *Adapter) LoadCSV(ctx context.Context, r warehouse.Relation, path string, opts warehouse.SeedOptions) (int64, error) {
	if _, err := warehouse.CheckSeedCSV(path, opts.Delimiter); err != nil {
		return 0, fmt.Errorf("snowflake: seed %s: %w", r.Identifier, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("snowflake: seed: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	if opts.Delimiter != "" {
		cr.Comma = []rune(opts.Delimiter)[0]
	}
	recs, err := cr.ReadAll()
	if err != nil {
		return 0, fmt.Errorf("snowflake: seed %s: %w", path, err)
	}
	if len(recs) == 0 {
		return 0, fmt.Errorf("snowflake: seed %s: %w", path, errors.New("no header row"))
	}
	header, data := recs[0], recs[1:]
	d := a.dialect
	cols := make([]string, len(header))
	for i, name := range header {
		typ := ""
		for k, v := range opts.ColumnTypes {
			if strings.EqualFold(k, name) {
				typ = v
			}
		}
		if typ == "" {
			vals := make([]string, len(data))
			for j, row := range data {
				if i < len(row) {
					vals[j] = row[i]
				}
			}
			typ = inferType(vals)
		}
		// dbt-snowflake's quote_seed_column: quoted only with quote_columns: true, so a
		// header's id is the column ID, as a model's unquoted id.
		col := name
		if opts.QuotedColumns {
			col = d.QuoteIdent(name)
		}
		cols[i] = col + " " + typ
	}
	tmp := r
	tmp.Identifier = r.Identifier + warehouse.TmpSuffix
	tmp.Type = "table"
	stmts := []string{"create or replace table " + d.RelationSQL(tmp) + " (" + strings.Join(cols, ", ") + ")"}
	// shown is each statement as the debug log gets it: an INSERT's values (the file's
	// data) as a row count.
	shown := []string{stmts[0]}
	for start := 0; start < len(data); start += insertBatch {
		end := min(start+insertBatch, len(data))
		var b strings.Builder
		b.WriteString("insert into " + d.RelationSQL(tmp) + " values ")
		shown = append(shown, fmt.Sprintf("%s/* %d rows of %s */", b.String(), end-start, filepath.Base(path)))
		for j, row := range data[start:end] {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for k := range header {
				if k > 0 {
					b.WriteString(", ")
				}
				if k >= len(row) || row[k] == "" {
					b.WriteString("null")
				} else {
					b.WriteString(d.QuoteString(row[k]))
				}
			}
			b.WriteByte(')')
		}
		stmts = append(stmts, b.String())
	}
	run := func(ctx context.Context, sql, show string) error {
		_, err := opts.Log.Timed(show, func() (warehouse.Response, error) {
			resp, _, err := a.Execute(ctx, sql, false)
			return resp, err
		})
		return err
	}
	for i, s := range stmts {
		if err := run(ctx, s, shown[i]); err != nil {
			drop := d.DropRelationSQL(tmp)
			_ = run(context.WithoutCancel(ctx), drop, drop)
			return 0, fmt.Errorf("seed %s: %w", path, err)
		}
	}
	// DDL commits on its own in Snowflake: drop-then-rename leaves a short window without
	// the table, the same window dbt-snowflake's seeds have.
	// Snowflake refuses DROP TABLE on a view, so the existing relation's kind is looked up.
	target := r
	target.Type = "table"
	if existing, err := warehouse.FinderFor(a)(ctx, r.Database, r.Schema, r.Identifier); err != nil {
		return 0, fmt.Errorf("seed %s: %w", path, err)
	} else if existing != nil {
		target.Identifier, target.Type = existing.Identifier, existing.Type
	}
	for _, s := range []string{d.DropRelationSQL(target), d.RenameRelationSQL(tmp, r.Identifier)} {
		if err := run(ctx, s, s); err != nil {
			return 0, fmt.Errorf("seed %s: %w", path, err)
		}
	}
	return int64(len(data)), nil
}
