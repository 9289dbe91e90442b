package warehouse

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// EmptySeedType is the type dbt gives a seed column with no value at all (or a seed with a
// header and no rows). dbt types a seed through agate's TypeTester, whose hypotheses start
// as every type and lose only those a value fails to cast to; an empty field casts to None
// under every type, so nothing is ever removed and the first type of dbt's order wins:
// Integer (dbt-common dbt_common/clients/agate_helper.py build_type_tester), which the
// adapters turn into "integer" (dbt-adapters dbt/adapters/sql/impl.py convert_integer_type;
// dbt-duckdb and dbt-snowflake keep it). Engines whose own CSV sniffer would say text use
// EmptySeedColumns to find such columns.
const EmptySeedType = "integer"

// EmptySeedColumns reads a seed CSV and returns, in header order, the columns whose every
// field is empty.
func EmptySeedColumns(r io.Reader, delimiter string) ([]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	if delimiter != "" {
		d := []rune(delimiter)
		if len(d) != 1 || len(delimiter) != 1 {
			return nil, fmt.Errorf("delimiter %q: want one single-byte character", delimiter)
		}
		cr.Comma = d[0]
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: no header row")
	}
	if err != nil {
		return nil, err
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	seen := make([]bool, len(header))
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		for i, v := range rec {
			if i < len(seen) && v != "" {
				seen[i] = true
			}
		}
	}
	var out []string
	for i, h := range header {
		if !seen[i] {
			out = append(out, h)
		}
	}
	return out, nil
}
