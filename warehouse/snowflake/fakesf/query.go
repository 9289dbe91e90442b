package fakesf

import (
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// Statement type ids gosnowflake tells results apart by.
const (
	typeSelect = 0x1000
	typeInsert = 0x3100
	typeDDL    = 0x6000
)

func (s *Server) query(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	var req struct {
		SQLText string `json:"sqlText"`
	}
	if err := json.NewDecoder(body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	conn, ok := s.sessions[token(r)]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, map[string]any{"success": false, "code": "390112", "message": "session not found"})
		return
	}
	s.queries.Add(1)
	reqID := r.URL.Query().Get("requestId")
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s.mu.Lock()
	s.running[reqID] = cancel
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.running, reqID)
		s.mu.Unlock()
	}()
	s.mu.Lock()
	s.log = append(s.log, req.SQLText)
	s.mu.Unlock()
	// Backslash escapes and $$ constants become standard SQL strings first, so that every
	// later step (and DuckDB) reads string constants by the same rule.
	std := StandardStrings(req.SQLText)
	if s.CheckFunctions.Load() {
		if err := checkFunctions(std); err != nil {
			writeJSON(w, map[string]any{"success": false, "code": "002003", "message": err.Error(),
				"data": map[string]any{"sqlState": "42000", "queryId": reqID}})
			return
		}
	}
	sqlText, err := rewriteCalls(std)
	if err != nil {
		writeJSON(w, map[string]any{"success": false, "code": "002003", "message": err.Error(),
			"data": map[string]any{"sqlState": "42000", "queryId": reqID}})
		return
	}
	data, handled, err := s.objectCommand(ctx, conn, token(r), sqlText)
	if !handled {
		data, handled, err = s.stageCommand(ctx, conn, sqlText)
	}
	if !handled && err == nil {
		data, err = run(ctx, conn, Rewrite(sqlText))
	}
	if err != nil {
		writeJSON(w, map[string]any{"success": false, "code": "002003", "message": err.Error(),
			"data": map[string]any{"sqlState": "42000", "queryId": reqID}})
		return
	}
	data["queryId"] = reqID
	data["queryResultFormat"] = "json"
	writeJSON(w, map[string]any{"success": true, "code": nil, "message": nil, "data": data})
}

// run executes one statement and shapes its result the way Snowflake's JSON result does.
func run(ctx context.Context, c *sql.Conn, q string) (map[string]any, error) {
	first := strings.ToLower(firstWord(q))
	switch first {
	case "insert", "update", "delete", "merge":
		res, err := c.ExecContext(ctx, q)
		if err != nil {
			return nil, err
		}
		n, _ := res.RowsAffected()
		return map[string]any{"statementTypeId": typeInsert,
			"rowtype": []any{map[string]any{"name": "number of rows " + first + "d", "type": "fixed", "precision": 38, "scale": 0, "nullable": false}},
			"rowset":  [][]*string{{ptr(strconv.FormatInt(n, 10))}}, "total": 1, "returned": 1}, nil
	case "select", "with", "from", "values", "show", "describe", "table":
	default:
		if _, err := c.ExecContext(ctx, q); err != nil {
			// Snowflake accepts COMMIT and ROLLBACK outside a transaction; DuckDB does not.
			if (first == "commit" || first == "rollback") && strings.Contains(err.Error(), "no transaction is active") {
				err = nil
			}
			if err != nil {
				return nil, err
			}
		}
		return map[string]any{"statementTypeId": typeDDL,
			"rowtype": []any{map[string]any{"name": "status", "type": "text", "nullable": true}},
			"rowset":  [][]*string{{ptr("Statement executed successfully.")}}, "total": 1, "returned": 1}, nil
	}
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	rowtype := make([]any, len(cts))
	kinds := make([]string, len(cts))
	for i, ct := range cts {
		kind, prec, scale := sfType(ct)
		kinds[i] = kind
		rowtype[i] = map[string]any{"name": ct.Name(), "type": kind, "precision": prec, "scale": scale, "nullable": true}
	}
	rowset := [][]*string{}
	for rows.Next() {
		vals := make([]any, len(cts))
		ptrs := make([]any, len(cts))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out := make([]*string, len(cts))
		for i, v := range vals {
			out[i] = encode(kinds[i], v)
		}
		rowset = append(rowset, out)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return map[string]any{"statementTypeId": typeSelect, "rowtype": rowtype, "rowset": rowset,
		"total": len(rowset), "returned": len(rowset)}, nil
}

func ptr(s string) *string { return &s }

func firstWord(q string) string {
	q = strings.TrimLeft(q, " \t\r\n(")
	for strings.HasPrefix(q, "--") || strings.HasPrefix(q, "/*") {
		end := "\n"
		if q[1] == '*' {
			end = "*/"
		}
		i := strings.Index(q, end)
		if i < 0 {
			return ""
		}
		q = strings.TrimLeft(q[i+len(end):], " \t\r\n(")
	}
	if f := strings.Fields(q); len(f) > 0 {
		return f[0]
	}
	return ""
}

// sfType maps a DuckDB column type to Snowflake's result type name, precision and scale.
func sfType(ct *sql.ColumnType) (string, int64, int64) {
	t := strings.ToUpper(ct.DatabaseTypeName())
	switch {
	case strings.HasPrefix(t, "DECIMAL"):
		p, s, _ := ct.DecimalSize()
		return "fixed", p, s
	case strings.Contains(t, "INT"):
		return "fixed", 38, 0
	case t == "DOUBLE" || t == "FLOAT" || t == "REAL":
		return "real", 0, 0
	case t == "BOOLEAN":
		return "boolean", 0, 0
	case t == "DATE":
		return "date", 0, 0
	case strings.HasPrefix(t, "TIMESTAMP"):
		return "timestamp_ntz", 0, 9
	}
	return "text", 0, 0
}

// encode renders a DuckDB value as Snowflake's JSON result text for the column's type.
func encode(kind string, v any) *string {
	if v == nil {
		return nil
	}
	switch x := v.(type) {
	case bool:
		if x {
			return ptr("1")
		}
		return ptr("0")
	case time.Time:
		if kind == "date" {
			return ptr(strconv.FormatInt(x.Unix()/86400, 10))
		}
		return ptr(fmt.Sprintf("%d.%09d", x.Unix(), x.Nanosecond()))
	case float64:
		return ptr(strconv.FormatFloat(x, 'g', -1, 64))
	case float32:
		return ptr(strconv.FormatFloat(float64(x), 'g', -1, 32))
	case *big.Int:
		return ptr(x.String())
	case duckdb.Decimal:
		// Snowflake sends a NUMBER(p,s) with all s places (12.50), where the driver's
		// String trims them (12.5).
		return ptr(warehouse.ScaledDecimal(x.Value, int(x.Scale)).String())
	case []byte:
		return ptr(string(x))
	case fmt.Stringer:
		return ptr(x.String())
	}
	return ptr(fmt.Sprint(v))
}
