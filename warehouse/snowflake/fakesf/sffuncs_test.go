package fakesf

import (
	"strings"
	"testing"
)

// TestRewriteCalls: Snowflake's date-part functions get DuckDB's quoted parts, an unknown
// part or a wrong argument count is Snowflake's compile error, and WITHIN GROUP moves into
// the aggregate; string literals are left alone.
func TestRewriteCalls(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`select datediff(day, a, b)`, `select date_diff('day', a, b)`},
		{`select dateadd(mm, 2, cast(x as date))`, `select (cast(x as date) + cast(cast((2) as varchar) || ' month' as interval))`},
		{`select listagg(name, ', ') within group (order by name) from t`, `select string_agg(name, ', ' order by name) from t`},
		{`select array_construct(1, 2), 'dateadd(day, 1, x)'`, `select list_value(1, 2), 'dateadd(day, 1, x)'`},
		{`select position('c', 'abc'), position('c' in 'abc')`, `select strpos('abc', 'c'), position('c' in 'abc')`},
	} {
		got, err := rewriteCalls(c.in)
		if err != nil || got != c.want {
			t.Errorf("rewriteCalls(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for in, want := range map[string]string{
		`select dateadd(fortnight, 1, d)`: "invalid date or time part 'fortnight' for function DATEADD",
		`select datediff(day, d)`:         "invalid argument count 2 for function DATEDIFF",
	} {
		if _, err := rewriteCalls(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("rewriteCalls(%q) error = %v, want %q", in, err, want)
		}
	}
}
