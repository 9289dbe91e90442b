package fakesf

import (
	"fmt"
	"regexp"
	"strings"
)

// Snowflake functions DuckDB lacks or spells otherwise, which dbt-snowflake's
// cross-database macros emit: DATEADD/DATEDIFF/TIMESTAMPADD/TIMESTAMPDIFF and LAST_DAY take a
// date part as a bare word (DuckDB would read it as a column), ARRAY_CONSTRUCT is DuckDB's
// list_value, and LISTAGG/ARRAY_AGG … WITHIN GROUP (ORDER BY …) carry their order inside
// the call in DuckDB. Each rewrite checks what Snowflake checks at compile time: the date
// part must be one Snowflake knows and the argument count must match; DuckDB's own typing
// then refuses a date part applied to text or a number. BOOLOR_AGG/BOOLAND_AGG are
// DuckDB's bool_or/bool_and, POSITION(a, b) its strpos(b, a), TO_TIMESTAMP_TZ/LTZ/NTZ(x) a cast.

// dateParts are Snowflake's date and time parts (and their common abbreviations) mapped
// to DuckDB's names.
var dateParts = map[string]string{
	"year": "year", "years": "year", "y": "year", "yy": "year", "yyyy": "year", "yr": "year", "yrs": "year",
	"quarter": "quarter", "quarters": "quarter", "q": "quarter", "qtr": "quarter", "qtrs": "quarter",
	"month": "month", "months": "month", "mm": "month", "mon": "month", "mons": "month",
	"week": "week", "weeks": "week", "w": "week", "wk": "week", "weekofyear": "week", "woy": "week", "wy": "week",
	"day": "day", "days": "day", "d": "day", "dd": "day", "dayofmonth": "day",
	"hour": "hour", "hours": "hour", "h": "hour", "hh": "hour", "hr": "hour", "hrs": "hour",
	"minute": "minute", "minutes": "minute", "m": "minute", "mi": "minute", "min": "minute", "mins": "minute",
	"second": "second", "seconds": "second", "s": "second", "sec": "second", "secs": "second",
	"millisecond": "millisecond", "milliseconds": "millisecond", "ms": "millisecond", "msec": "millisecond",
	"microsecond": "microsecond", "microseconds": "microsecond", "us": "microsecond", "usec": "microsecond",
}

var callRe = regexp.MustCompile(`(?i)\b(dateadd|timestampadd|datediff|timestampdiff|last_day|array_construct|listagg|array_agg|boolor_agg|booland_agg|position|to_timestamp_tz|to_timestamp_ltz|to_timestamp_ntz)\s*\(`)

// rewriteCalls rewrites the calls above, innermost arguments included.
func rewriteCalls(q string) (string, error) {
	var b strings.Builder
	for {
		loc := callRe.FindStringSubmatchIndex(q)
		if loc == nil {
			b.WriteString(q)
			return b.String(), nil
		}
		if end := literalEnd(q, loc[0]); end >= 0 { // inside a quoted string or name
			b.WriteString(q[:end])
			q = q[end:]
			continue
		}
		name := strings.ToLower(q[loc[2]:loc[3]])
		open := loc[1] - 1
		end := matchingParen(q, open)
		if end < 0 {
			b.WriteString(q)
			return b.String(), nil
		}
		args := splitArgs(q[open+1 : end])
		for i := range args {
			a, err := rewriteCalls(args[i])
			if err != nil {
				return "", err
			}
			args[i] = a
		}
		rest := q[end+1:]
		out, rest, err := rewriteCall(name, args, rest)
		if err != nil {
			return "", err
		}
		b.WriteString(q[:loc[0]])
		b.WriteString(out)
		q = rest
	}
}

var withinGroupRe = regexp.MustCompile(`(?is)^\s*within\s+group\s*\(`)

func rewriteCall(name string, args []string, rest string) (string, string, error) {
	part := func(i int) (string, error) {
		w := strings.ToLower(strings.Trim(strings.TrimSpace(args[i]), `'"`))
		p, ok := dateParts[w]
		if !ok {
			return "", fmt.Errorf("SQL compilation error: invalid date or time part '%s' for function %s", strings.TrimSpace(args[i]), strings.ToUpper(name))
		}
		return "'" + p + "'", nil
	}
	argc := func(n ...int) error {
		for _, k := range n {
			if len(args) == k {
				return nil
			}
		}
		return fmt.Errorf("SQL compilation error: error line 0 at position 0\ninvalid argument count %d for function %s", len(args), strings.ToUpper(name))
	}
	switch name {
	case "dateadd", "timestampadd":
		if err := argc(3); err != nil {
			return "", "", err
		}
		p, err := part(0)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("(%s + %s)", args[2], interval(p, args[1])), rest, nil
	case "datediff", "timestampdiff":
		if err := argc(3); err != nil {
			return "", "", err
		}
		p, err := part(0)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("date_diff(%s, %s, %s)", p, args[1], args[2]), rest, nil
	case "last_day":
		if err := argc(1, 2); err != nil {
			return "", "", err
		}
		p := "'month'"
		if len(args) == 2 {
			var err error
			if p, err = part(1); err != nil {
				return "", "", err
			}
		}
		return fmt.Sprintf("cast(date_trunc(%s, %s) + %s - interval 1 day as date)", p, args[0], interval(p, "1")), rest, nil
	case "array_construct":
		return "list_value(" + strings.Join(args, ", ") + ")", rest, nil
	case "boolor_agg", "booland_agg":
		if err := argc(1); err != nil {
			return "", "", err
		}
		return map[string]string{"boolor_agg": "bool_or", "booland_agg": "bool_and"}[name] + "(" + args[0] + ")", rest, nil
	case "to_timestamp_tz", "to_timestamp_ltz", "to_timestamp_ntz":
		// TO_TIMESTAMP_TZ('2024-01-02 00:00:00+00:00'), as dbt-snowflake's microbatch and
		// event-time filters write a batch bound: a cast to DuckDB's timestamp with or
		// without time zone. The format argument is not emulated: refused, not guessed.
		if err := argc(1); err != nil {
			return "", "", fmt.Errorf("fakesf: %s with a format argument is not emulated: %w", strings.ToUpper(name), err)
		}
		typ := map[string]string{"to_timestamp_tz": "timestamptz", "to_timestamp_ltz": "timestamptz", "to_timestamp_ntz": "timestamp"}[name]
		return "cast(" + args[0] + " as " + typ + ")", rest, nil
	case "position":
		// POSITION(needle, haystack [, start]); the SQL form POSITION(a IN b) is DuckDB's too.
		switch len(args) {
		case 1:
			return "position(" + args[0] + ")", rest, nil
		case 2:
			return "strpos(" + args[1] + ", " + args[0] + ")", rest, nil
		}
		return "", "", argc(1, 2)
	default: // listagg, array_agg
		order := ""
		if withinGroupRe.MatchString(rest) {
			m := withinGroupRe.FindStringIndex(rest)
			open := m[1] - 1
			end := matchingParen(rest, open)
			if end < 0 {
				return "", "", fmt.Errorf("SQL compilation error: unbalanced WITHIN GROUP")
			}
			order = " " + strings.TrimSpace(rest[open+1:end])
			rest = rest[end+1:]
		}
		if name == "listagg" {
			if err := argc(1, 2); err != nil {
				return "", "", err
			}
			sep := "''"
			if len(args) == 2 {
				sep = args[1]
			}
			return "string_agg(" + args[0] + ", " + sep + order + ")", rest, nil
		}
		return "array_agg(" + strings.Join(args, ", ") + order + ")", rest, nil
	}
}

// splitArgs splits a call's argument text at its top-level commas.
func splitArgs(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'', '"':
			if j := strings.IndexByte(s[i+1:], s[i]); j >= 0 {
				i += j + 1
			}
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// interval is DuckDB's interval of n date parts p (p quoted, as part returns it).
func interval(p, n string) string {
	unit := strings.Trim(p, "'")
	switch unit {
	case "quarter":
		return fmt.Sprintf("cast(cast((%s) * 3 as varchar) || ' month' as interval)", n)
	case "week":
		return fmt.Sprintf("cast(cast((%s) * 7 as varchar) || ' day' as interval)", n)
	}
	return fmt.Sprintf("cast(cast((%s) as varchar) || ' %s' as interval)", n, unit)
}

// literalEnd tells whether pos lies inside a quoted string or name of q: then it returns
// the index just past its closing quote (or len(q)), else -1.
func literalEnd(q string, pos int) int {
	for i := 0; i < pos; i++ {
		if q[i] != '\'' && q[i] != '"' {
			continue
		}
		j := strings.IndexByte(q[i+1:], q[i])
		if j < 0 {
			return len(q)
		}
		if i+1+j >= pos {
			return i + j + 2
		}
		i += j + 1
	}
	return -1
}
