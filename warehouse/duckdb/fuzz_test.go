package duckdb

import (
	"strings"
	"testing"
)

// FuzzStatements checks that splitting and naming statements never panics and that the
// pieces are substrings of the input in order.
func FuzzStatements(f *testing.F) {
	for _, s := range []string{"select 1; select 2", "insert into x values (';'); -- c;\n", "/* ; */ begin; $$;$$", "'unterminated;", `"q""q";`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		rest := sql
		for _, s := range splitStatements(sql) {
			i := strings.Index(rest, s)
			if i < 0 {
				t.Fatalf("statement %q not found in order in %q", s, sql)
			}
			rest = rest[i+len(s):]
			_ = statementCode(s)
		}
		_ = retrySafe(sql)
	})
}
