package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// showValue spells a warehouse value the way SQL (and dbt show's table) writes it, not
// Go's: dates 2024-01-31, timestamps 2024-01-31 12:00:00, decimals in full, lists [1, 2],
// structs and maps {'k': v}, bytes as hex, NULL as null.
func showValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return showTime(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case *big.Int:
		return x.String()
	case []byte:
		return `\x` + hex.EncodeToString(x)
	case fmt.Stringer:
		return x.String()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = nestedValue(rv.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Map:
		keys := rv.MapKeys()
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = nestedValue(k.Interface()) + ": " + nestedValue(rv.MapIndex(k).Interface())
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	case reflect.Ptr:
		if rv.IsNil() {
			return "null"
		}
		return showValue(rv.Elem().Interface())
	}
	return fmt.Sprint(v)
}

// reDecimalType reads the scale of a DECIMAL(p,s) / NUMERIC(p,s) column type.
var reDecimalType = regexp.MustCompile(`(?i)^\s*(?:decimal|numeric)\s*\(\s*\d+\s*,\s*(\d+)\s*\)`)

// showCell is showValue for a cell of a column of type dtype. show reads decimals exact
// (warehouse.Decimal, every place kept); a DECIMAL(p,s) value that still arrives as a
// float64 keeps its s decimal places, 12.50 not 12.5, as dbt's agate table prints a
// Decimal column (agate print_table: as many places as its values).
func showCell(v any, dtype string) string {
	if f, ok := v.(float64); ok {
		if m := reDecimalType.FindStringSubmatch(dtype); m != nil {
			if scale, err := strconv.Atoi(m[1]); err == nil && scale <= 38 {
				return strconv.FormatFloat(f, 'f', scale, 64)
			}
		}
	}
	return showValue(v)
}

// nestedValue is a value inside a list or struct: strings and dates quoted, as DuckDB
// prints them ('a', NULL).
func nestedValue(v any) string {
	switch v.(type) {
	case nil:
		return "NULL"
	case string, time.Time:
		return "'" + strings.ReplaceAll(showValue(v), "'", "''") + "'"
	}
	return showValue(v)
}

// showTime is a date when the value has no time of day, else a timestamp (with its
// fraction when there is one, and its offset when not UTC).
func showTime(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 && t.Location() == time.UTC {
		return t.Format("2006-01-02")
	}
	s := t.Format("2006-01-02 15:04:05.999999")
	if t.Location() != time.UTC {
		s += t.Format("-07:00")
	}
	return s
}

// jsonValue is a value for show --output json: numbers stay numbers (decimals in full),
// dates and timestamps are strings, lists and structs nest.
func jsonValue(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64:
		return x
	case time.Time:
		return showTime(x)
	case *big.Int:
		return json.Number(x.String())
	case []byte:
		return showValue(x)
	}
	if s, ok := v.(fmt.Stringer); ok {
		str := s.String()
		if _, err := strconv.ParseFloat(str, 64); err == nil {
			return json.Number(str) // DECIMAL
		}
		return str
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = jsonValue(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		for _, k := range rv.MapKeys() {
			out[showValue(k.Interface())] = jsonValue(rv.MapIndex(k).Interface())
		}
		return out
	}
	return showValue(v)
}

// tableJSON renders rows as {"node": title, "show": [{col: val}, …]} like dbt's JSON
// output, each row's keys in the query's column order (dbt's agate rows are ordered).
func tableJSON(title string, t *warehouse.Table) string {
	var b strings.Builder
	tb, _ := json.Marshal(title)
	b.WriteString(`{"node":` + string(tb) + `,"show":[`)
	if t != nil {
		for r, row := range t.Rows {
			if r > 0 {
				b.WriteString(",")
			}
			b.WriteString("{")
			for i, c := range t.Columns {
				if i > 0 {
					b.WriteString(",")
				}
				k, _ := json.Marshal(c.Name)
				var val any
				if i < len(row) {
					val = jsonValue(row[i])
				}
				vb, err := json.Marshal(val)
				if err != nil {
					vb, _ = json.Marshal(showValue(row[i]))
				}
				b.Write(k)
				b.WriteString(":")
				b.Write(vb)
			}
			b.WriteString("}")
		}
	}
	b.WriteString("]}")
	return b.String()
}
