package main

import (
	"strings"
	"testing"
)

// TestShowSQLValues runs gdbt show on DuckDB values of every kind: the text table spells
// them as SQL does, decimals exact (a DECIMAL(38,10) beyond float64's precision: dbt's
// agate keeps Python Decimals), and --output json keeps the query's column order.
func TestShowSQLValues(t *testing.T) {
	dir := fixtureProject(t, "shop.txtar")
	q := `select 3 as z, date '2024-01-31' as d, timestamp '2024-01-31 12:30:00.5' as ts, 12.50::decimal(10,2) as amount, 7::decimal(18,3) as qty,
	      [1, 2] as l, {'a': 1, 'b': 'x'} as s, 'txt' as a, 1234567890123456789012345678.0123456789::decimal(38,10) as big`
	code, out, errb := runCLI(t, "show", "--inline", q, "--project-dir", dir)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	for _, want := range []string{"| 2024-01-31 |", "| 2024-01-31 12:30:00.5 |", "| 12.50  |", "| 7.000 |", "| [1, 2] |", "| {'a': 1, 'b': 'x'} |", "| 1234567890123456789012345678.0123456789 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("text table lacks %q:\n%s", want, out)
		}
	}
	code, out, errb = runCLI(t, "show", "--inline", q, "--output", "json", "--project-dir", dir)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	want := `{"node":"inline query","show":[{"z":3,"d":"2024-01-31","ts":"2024-01-31 12:30:00.5","amount":12.50,"qty":7.000,"l":[1,2],"s":{"a":1,"b":"x"},"a":"txt","big":1234567890123456789012345678.0123456789}]}`
	if !strings.Contains(out, want) {
		t.Errorf("JSON output:\n%s\nwant %s", out, want)
	}
}
