package duckdb

import (
	"fmt"
	"strings"
)

// CopyToSQL writes a query's result to a file, for dbt-duckdb's external materialization.
// format is "parquet", "csv" or "json"; empty picks it from the location's extension
// (parquet when there is none).
func (d Dialect) CopyToSQL(sql, location, format string) (string, error) {
	if format == "" {
		switch fileFormat(location) {
		case "csv", "tsv":
			format = "csv"
		case "json":
			format = "json"
		default:
			format = "parquet"
		}
	}
	var opts string
	switch strings.ToLower(format) {
	case "parquet":
		opts = "format parquet"
	case "csv":
		opts = "format csv, header true"
	case "json":
		opts = "format json"
	default:
		return "", fmt.Errorf("duckdb: cannot write format %q (parquet, csv, json)", format)
	}
	return "copy (\n" + sql + "\n) to " + d.QuoteString(location) + " (" + opts + ")", nil
}
