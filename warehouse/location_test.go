package warehouse

import "testing"

func TestFormatLocation(t *testing.T) {
	fields := map[string]string{"name": "orders", "schema": "raw"}
	for _, tc := range []struct{ in, want string }{
		{"data/{name}.csv", "data/orders.csv"},
		{"{schema}/{name}/*.parquet", "raw/orders/*.parquet"},
		{"literal {{braces}}/{name}", "literal {braces}/orders"},
		{"{name!s}.csv", "orders.csv"},
		{"plain.csv", "plain.csv"},
	} {
		got, err := FormatLocation(tc.in, fields)
		if err != nil || got != tc.want {
			t.Errorf("FormatLocation(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"{missing}.csv", "{name", "a}b"} {
		if _, err := FormatLocation(bad, fields); err == nil {
			t.Errorf("FormatLocation(%q) succeeded", bad)
		}
	}
}
