package warehouse

import (
	"regexp"
	"strconv"
	"strings"
)

// The ways the engines say where in the SQL they found an error:
//
//	DuckDB:     "LINE 4:   nosuchcol + 1 as b\n              ^" (the line, shortened with
//	            "..." around the error when long, and a caret under the spot)
//	PostgreSQL: "(at line 4, column 3 of the SQL sent)" (added by gdbt's adapter)
//	Snowflake:  "error line 4 at position 2" (position 0-based)
var (
	duckLineRe = regexp.MustCompile(`(?m)^LINE (\d+): (.*)\n( *)\^`)
	pgLineRe   = regexp.MustCompile(`\(at line (\d+), column (\d+) of the SQL sent\)`)
	sfLineRe   = regexp.MustCompile(`(?i)error line (\d+) at position (\d+)`)
)

// ErrorPosition reads the 1-based line and column of the SQL sent (sql) that a warehouse
// error message points at, for the error to be mapped back to the file the SQL came from.
// ok is false when the message has no position; col is 0 when only the line is known.
func ErrorPosition(msg, sql string) (line, col int, ok bool) {
	if m := duckLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		prefix := len("LINE ") + len(m[1]) + len(": ")
		return line, duckColumn(sqlLine(sql, line), m[2], len(m[3])-prefix), line > 0
	}
	if m := pgLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
		return line, col, line > 0
	}
	if m := sfLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		pos, _ := strconv.Atoi(m[2])
		return line, pos + 1, line > 0
	}
	return 0, 0, false
}

// duckColumn finds DuckDB's excerpt of the line in the line itself (the excerpt drops
// leading and trailing parts as "...") and returns the caret's column in the full line,
// or 0 when the excerpt cannot be placed.
func duckColumn(full, excerpt string, caret int) int {
	if caret < 0 || caret > len(excerpt) {
		return 0
	}
	if strings.HasPrefix(excerpt, "...") {
		excerpt, caret = excerpt[3:], caret-3
	}
	excerpt = strings.TrimSuffix(excerpt, "...")
	if caret < 0 || excerpt == "" {
		return 0
	}
	i := strings.Index(full, excerpt)
	if i < 0 {
		return 0
	}
	return i + caret + 1
}

// sqlLine is line n (1-based) of s, "" when s is shorter.
func sqlLine(s string, n int) string {
	for i := 1; i < n; i++ {
		j := strings.IndexByte(s, '\n')
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	return s
}
