package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	duckdbdriver "github.com/duckdb/duckdb-go/v2"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// querier is what *sql.DB and *sql.Conn share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// execute runs a string of one or more statements (the driver runs all but the last, then
// the last), returning the last one's response and, with fetch, its rows. Cancelling ctx
// interrupts the statement in flight. A string of only comments and whitespace is a no-op.
func execute(ctx context.Context, q querier, query string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	stmts := splitStatements(query)
	if len(stmts) == 0 {
		// Only whitespace and comments (a hook or statement that rendered to nothing):
		// nothing to run, which is not an error.
		if fetch {
			return warehouse.Response{Message: "OK", RowsAffected: -1}, &warehouse.Table{Rows: [][]any{}}, nil
		}
		return warehouse.Response{Message: "OK", RowsAffected: -1}, nil, nil
	}
	code := statementCode(stmts[len(stmts)-1])
	resp := warehouse.Response{Message: "OK", Code: code, RowsAffected: -1}
	// DuckDB answers CREATE TABLE … AS with a one-row "Count" result but reports no rows
	// changed, so that statement is read as a query to learn how many rows it created.
	ctas := code == "CREATE TABLE"
	if !fetch && !ctas {
		res, err := q.ExecContext(ctx, query)
		if err != nil {
			return resp, nil, wrapErr(ctx, err)
		}
		if reportsRows(code) {
			if n, err := res.RowsAffected(); err == nil {
				resp.RowsAffected = n
			}
		}
		return resp, nil, nil
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return resp, nil, wrapErr(ctx, err)
	}
	defer rows.Close()
	t, err := readTable(rows, warehouse.ExactDecimals(ctx))
	if err != nil {
		return resp, nil, wrapErr(ctx, err)
	}
	if (ctas || reportsRows(code)) && len(t.Rows) == 1 && len(t.Columns) == 1 && t.Columns[0].Name == "Count" {
		// DuckDB answers DML and CREATE TABLE … AS with one "Count" row.
		if n, ok := t.Rows[0][0].(int64); ok {
			resp.RowsAffected = n
		}
	}
	if !fetch {
		return resp, nil, nil
	}
	return resp, t, nil
}

// wrapErr prefers the context's error when the statement was interrupted by cancellation,
// so callers can test errors.Is(err, context.Canceled).
func wrapErr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%w: %v", ctxErr, err)
	}
	return err
}

// reportsRows tells whether DuckDB's rows-changed count means something for a statement.
func reportsRows(code string) bool {
	switch code {
	case "INSERT", "UPDATE", "DELETE", "MERGE", "COPY":
		return true
	}
	return false
}

// readTable reads every row, converting DuckDB values to the Go values warehouse.Table
// promises (with exact, decimals as warehouse.Decimal).
func readTable(rows *sql.Rows, exact bool) (*warehouse.Table, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	t := &warehouse.Table{Columns: make([]warehouse.Column, len(types)), Rows: [][]any{}}
	for i, ct := range types {
		t.Columns[i] = warehouse.Column{Name: ct.Name(), DataType: ct.DatabaseTypeName()}
	}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]any, len(vals))
		for i, v := range vals {
			row[i] = convert(v, t.Columns[i].DataType, exact)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, rows.Err()
}

// convert maps a driver value to nil, bool, int64, float64, string, time.Time or []byte.
// Decimals become float64, or with exact a warehouse.Decimal of their digits; HUGEINT an int64 when it fits and
// a float64 otherwise, UUIDs and intervals strings; lists become []any and structs and maps
// map[string]any with converted elements.
func convert(v any, dbType string, exact bool) any {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, time.Time:
		return x
	case []byte:
		if dbType == "UUID" && len(x) == 16 {
			u := duckdbdriver.UUID(x)
			return u.String()
		}
		return x
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		if x > math.MaxInt64 {
			return float64(x)
		}
		return int64(x)
	case float32:
		return float64(x)
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case duckdbdriver.Decimal:
		if exact {
			return warehouse.ScaledDecimal(x.Value, int(x.Scale)) // every place of DECIMAL(p,s), as DuckDB prints it
		}
		return x.Float64()
	case duckdbdriver.Interval:
		return intervalString(x)
	case duckdbdriver.UUID:
		return x.String()
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = convert(e, "", exact)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = convert(e, "", exact)
		}
		return out
	case duckdbdriver.Map:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(convert(k, "", exact))] = convert(e, "", exact)
		}
		return out
	}
	return fmt.Sprint(v)
}

// intervalString renders an interval the way DuckDB prints one: "1 year 2 months 3 days
// 04:05:06.5".
func intervalString(iv duckdbdriver.Interval) string {
	var parts []string
	unit := func(n int64, one, many string) {
		if n == 0 {
			return
		}
		if n == 1 || n == -1 {
			parts = append(parts, fmt.Sprintf("%d %s", n, one))
			return
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, many))
	}
	unit(int64(iv.Months/12), "year", "years")
	unit(int64(iv.Months%12), "month", "months")
	unit(int64(iv.Days), "day", "days")
	if iv.Micros != 0 || len(parts) == 0 {
		us := iv.Micros
		sign := ""
		if us < 0 {
			sign, us = "-", -us
		}
		s := fmt.Sprintf("%s%02d:%02d:%02d", sign, us/3_600_000_000, us/60_000_000%60, us/1_000_000%60)
		if frac := us % 1_000_000; frac != 0 {
			s += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}
