package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// execute runs a string of one or more statements with the simple query protocol, which
// PostgreSQL runs as one implicit transaction unless the string has its own BEGIN/COMMIT.
// It returns the last statement's response and, with fetch, its rows. Cancelling ctx sends
// the server a cancel request (see Open). A string of only comments is a no-op.
func execute(ctx context.Context, c *pgx.Conn, query string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	resp := warehouse.Response{Message: "OK", RowsAffected: -1}
	var last *warehouse.Table
	mrr := c.PgConn().Exec(ctx, query)
	for mrr.NextResult() {
		rr := mrr.ResultReader()
		var t *warehouse.Table
		if fetch {
			t = newTable(c.TypeMap(), rr.FieldDescriptions())
			for rr.NextRow() {
				row, err := decodeRow(c.TypeMap(), rr.FieldDescriptions(), rr.Values(), warehouse.ExactDecimals(ctx))
				if err != nil {
					_, _ = rr.Close()
					_ = mrr.Close()
					return resp, nil, err
				}
				t.Rows = append(t.Rows, row)
			}
		}
		tag, err := rr.Close()
		if err != nil {
			_ = mrr.Close()
			return resp, nil, queryErr(ctx, query, err)
		}
		resp = response(tag)
		last = t
	}
	if err := mrr.Close(); err != nil {
		return resp, nil, queryErr(ctx, query, err)
	}
	if !fetch {
		return resp, nil, nil
	}
	if last == nil {
		last = &warehouse.Table{Rows: [][]any{}}
	}
	return resp, last, nil
}

// response turns a command tag ("INSERT 0 2", "SELECT 3", "CREATE TABLE") into dbt's
// adapter response: the tag is the message, its words the code, its count the rows.
func response(tag pgconn.CommandTag) warehouse.Response {
	s := tag.String()
	var words []string
	counted := false
	for _, w := range strings.Fields(s) {
		if strings.Trim(w, "0123456789") == "" {
			counted = true
			continue
		}
		words = append(words, w)
	}
	r := warehouse.Response{Message: s, Code: strings.Join(words, " "), RowsAffected: -1}
	if s == "" {
		r.Message = "OK"
	}
	if counted {
		r.RowsAffected = tag.RowsAffected()
	}
	return r
}

// queryErr wraps a server error (callers add the "postgres: " prefix): the context's error first when the statement was cancelled
// (so callers can test errors.Is(err, context.Canceled)), and the position PostgreSQL
// reports turned into a line and column of the SQL sent.
func queryErr(ctx context.Context, query string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Position > 0 {
		line, col := lineCol(query, int(pe.Position))
		err = fmt.Errorf("%w (at line %d, column %d of the SQL sent)", err, line, col)
	}
	return wrapErr(ctx, err)
}

// lineCol converts PostgreSQL's 1-based character position into a line and column.
func lineCol(s string, pos int) (int, int) {
	line, col, n := 1, 1, 0
	for _, r := range s {
		n++
		if n >= pos {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// wrapErr prefers the context's error when the statement was interrupted by cancellation.
func wrapErr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("%w: %w", ctxErr, err)
	}
	return err
}

// newTable starts a result with the columns' names and type names.
func newTable(m *pgtype.Map, fds []pgconn.FieldDescription) *warehouse.Table {
	t := &warehouse.Table{Columns: make([]warehouse.Column, len(fds)), Rows: [][]any{}}
	for i, fd := range fds {
		name := fmt.Sprintf("oid %d", fd.DataTypeOID)
		if typ, ok := m.TypeForOID(fd.DataTypeOID); ok {
			name = typ.Name
		}
		t.Columns[i] = warehouse.Column{Name: fd.Name, DataType: name}
	}
	return t
}

// textOIDs are types kept as the server prints them: their Go decodings (byte arrays,
// structs) mean less to a template than the text does.
var textOIDs = map[uint32]bool{
	pgtype.UUIDOID: true, pgtype.IntervalOID: true, pgtype.JSONOID: true, pgtype.JSONBOID: true,
	pgtype.TimeOID: true, pgtype.InetOID: true, pgtype.CIDROID: true, pgtype.MacaddrOID: true,
	pgtype.BitOID: true, pgtype.VarbitOID: true, pgtype.TIDOID: true, pgtype.XIDOID: true,
	pgtype.CIDOID: true, pgtype.JSONPathOID: true,
}

// decodeRow converts one row of text-format values to the Go values warehouse.Table
// promises: nil, bool, int64, float64, string, time.Time, []byte (and []any for arrays);
// with exact, numerics are warehouse.Decimal.
func decodeRow(m *pgtype.Map, fds []pgconn.FieldDescription, vals [][]byte, exact bool) ([]any, error) {
	row := make([]any, len(vals))
	for i, raw := range vals {
		if raw == nil {
			continue
		}
		fd := fds[i]
		typ, ok := m.TypeForOID(fd.DataTypeOID)
		if !ok || textOIDs[fd.DataTypeOID] {
			if fd.Format == pgtype.TextFormatCode {
				row[i] = string(raw)
				continue
			}
			row[i] = append([]byte(nil), raw...)
			continue
		}
		v, err := typ.Codec.DecodeValue(m, fd.DataTypeOID, fd.Format, raw)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", fd.Name, err)
		}
		row[i] = convert(v, raw, fd.Format, exact)
	}
	return row, nil
}

// convert maps a decoded value to gdbt's value set. Numerics become float64, or with exact
// a warehouse.Decimal of their digits; every integer width int64; anything else is the
// server's text.
func convert(v any, raw []byte, format int16, exact bool) any {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, time.Time:
		return x
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint32:
		return int64(x)
	case float32:
		return float64(x)
	case pgtype.Numeric:
		if exact && x.Valid && !x.NaN && x.InfinityModifier == pgtype.Finite {
			return warehouse.ScaledDecimal(x.Int, -int(x.Exp)) // numeric_out's digits and scale
		}
		f, err := x.Float64Value()
		if err != nil || !f.Valid {
			return nil
		}
		if x.Valid && x.NaN {
			return math.NaN()
		}
		return f.Float64
	case []byte:
		return append([]byte(nil), x...)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = convert(e, nil, format, exact)
		}
		return out
	}
	if raw != nil && format == pgtype.TextFormatCode {
		return string(raw)
	}
	return fmt.Sprint(v)
}
