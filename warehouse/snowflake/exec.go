package snowflake

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// execute runs the statements of query one by one on c (Snowflake's multi-statement mode
// would need MULTI_STATEMENT_COUNT and child-result fetching; splitting here keeps each
// statement's error and row count), returning the last statement's response and, with
// fetch, its rows.
func execute(ctx context.Context, c *sql.Conn, query string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	stmts := SplitStatements(query)
	resp := warehouse.Response{RowsAffected: -1}
	if len(stmts) == 0 {
		return resp, nil, nil
	}
	for i, s := range stmts {
		resp = warehouse.Response{Code: statementCode(s), RowsAffected: -1}
		if fetch && i == len(stmts)-1 {
			t, err := queryTable(ctx, c, s)
			if err != nil {
				return resp, nil, wrapCtx(ctx, err)
			}
			resp.Message = resp.Code
			resp.RowsAffected = int64(len(t.Rows))
			return resp, t, nil
		}
		res, err := c.ExecContext(ctx, s)
		if err != nil {
			return resp, nil, wrapCtx(ctx, err)
		}
		if n, err := res.RowsAffected(); err == nil && isDML(resp.Code) {
			resp.RowsAffected = n
		}
		resp.Message = resp.Code
	}
	return resp, nil, nil
}

func isDML(code string) bool {
	switch code {
	case "INSERT", "UPDATE", "DELETE", "MERGE":
		return true
	}
	return false
}

// statementCode is the statement's first keyword, upper-cased ("SELECT", "INSERT"), with
// the object kind for CREATE ("CREATE TABLE").
func statementCode(s string) string {
	f := strings.Fields(strings.ToUpper(stripLeadingComments(s)))
	if len(f) == 0 {
		return ""
	}
	if f[0] == "WITH" {
		return "SELECT"
	}
	if f[0] == "CREATE" {
		for _, w := range f[1:] {
			switch w {
			case "TABLE", "VIEW", "SCHEMA":
				return "CREATE " + w
			}
		}
	}
	return f[0]
}

func stripLeadingComments(s string) string {
	for {
		s = strings.TrimSpace(s)
		switch {
		case strings.HasPrefix(s, "--"):
			if i := strings.IndexByte(s, '\n'); i >= 0 {
				s = s[i+1:]
				continue
			}
			return ""
		case strings.HasPrefix(s, "/*"):
			if i := strings.Index(s, "*/"); i >= 0 {
				s = s[i+2:]
				continue
			}
			return ""
		}
		return s
	}
}

// queryTable runs one query and converts its rows to gdbt's Go values. The JSON result
// format carries numbers as text, so they are parsed here by column type: NUMBER with
// scale 0 → int64, other numbers → float64 (warehouse.Decimal under
// warehouse.WithExactDecimals), BOOLEAN → bool.
func queryTable(ctx context.Context, c *sql.Conn, q string) (*warehouse.Table, error) {
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	t := &warehouse.Table{Rows: [][]any{}}
	exact := warehouse.ExactDecimals(ctx)
	for _, ct := range cts {
		t.Columns = append(t.Columns, warehouse.Column{Name: ct.Name(), DataType: ct.DatabaseTypeName()})
	}
	for rows.Next() {
		vals := make([]any, len(cts))
		ptrs := make([]any, len(cts))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, ct := range cts {
			v, err := convert(ct, vals[i], exact)
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", ct.Name(), err)
			}
			vals[i] = v
		}
		t.Rows = append(t.Rows, vals)
	}
	return t, rows.Err()
}

// convert maps a driver value to gdbt's value set: a NUMBER with a scale is a float64, or
// with exact a warehouse.Decimal of the digits Snowflake sent.
func convert(ct *sql.ColumnType, v any, exact bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	s, isStr := v.(string)
	switch ct.DatabaseTypeName() {
	case "FIXED":
		if !isStr {
			return v, nil
		}
		if _, scale, ok := ct.DecimalSize(); ok && scale == 0 {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n, nil
			}
		}
		if exact {
			return warehouse.Decimal(s), nil
		}
		return strconv.ParseFloat(s, 64)
	case "REAL":
		if isStr {
			return strconv.ParseFloat(s, 64)
		}
	case "BOOLEAN":
		if isStr {
			return s == "1" || strings.EqualFold(s, "true"), nil
		}
	}
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case []byte:
		return x, nil
	}
	return v, nil
}

// SplitStatements splits a script at semicolons outside string literals, quoted
// identifiers, $$-quoted bodies and comments, dropping empty statements. Comments stay with
// the statement they are in.
func SplitStatements(sql string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		if s := strings.TrimSpace(sql[start:end]); stripLeadingComments(s) != "" {
			out = append(out, s)
		}
		start = end + 1
	}
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; {
		case c == '\'' || c == '"':
			for i++; i < len(sql); i++ {
				if c == '\'' && sql[i] == '\\' {
					i++
					continue
				}
				if sql[i] == c {
					if i+1 < len(sql) && sql[i+1] == c {
						i++
						continue
					}
					break
				}
			}
		case c == '$' && strings.HasPrefix(sql[i:], "$$"):
			if j := strings.Index(sql[i+2:], "$$"); j >= 0 {
				i += j + 3
			} else {
				i = len(sql)
			}
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			if j := strings.IndexByte(sql[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(sql)
			}
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			if j := strings.Index(sql[i+2:], "*/"); j >= 0 {
				i += j + 3
			} else {
				i = len(sql)
			}
		case c == ';':
			flush(i)
		}
	}
	if start < len(sql) {
		flush(len(sql))
	}
	return out
}
