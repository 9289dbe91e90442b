package fakesf

import (
	"regexp"
	"strings"
)

// rewrites is the whole list of changes made to Snowflake SQL before DuckDB runs it; each
// covers a difference the adapter's own SQL meets, nothing more.
var rewrites = []struct {
	re   *regexp.Regexp
	repl string
}{
	// Snowflake's timestamp without time zone.
	{regexp.MustCompile(`(?i)\btimestamp_ntz\b`), "timestamp"},
	// NUMBER(p,s) is DuckDB's DECIMAL(p,s).
	{regexp.MustCompile(`(?i)\bnumber\s*\(`), "decimal("},
	// Snowflake's FLOAT is double precision; DuckDB's is single.
	{regexp.MustCompile(`(?i)\bfloat\b`), "double"},
	// ALTER … RENAME TO db.schema.name: DuckDB takes the bare new name.
	{regexp.MustCompile(`(?is)(\balter\s+(?:table|view)\s+.+?\s+rename\s+to\s+)(?:(?:"(?:[^"]|"")*"|\w+)\.)+`), "$1"},
	// db.information_schema.x: DuckDB's information_schema spans every catalog.
	{regexp.MustCompile(`(?i)(?:"(?:[^"]|"")*"|\w+)\.information_schema\.`), "information_schema."},
	// information_schema views with Snowflake's column names (upper case) and
	// information_schema.tables' IS_DYNAMIC and statistics columns (objects.go).
	{regexp.MustCompile(`(?i)\binformation_schema\.(tables|columns|schemata|views)\b`), "memory.fakesf_meta.$1"},
	// TRUNCATE TABLE IF EXISTS: DuckDB has no IF EXISTS there.
	{regexp.MustCompile(`(?i)\btruncate\s+table\s+if\s+exists\b`), "truncate table"},
	// current_timestamp(): DuckDB takes no parentheses.
	{regexp.MustCompile(`(?i)\bcurrent_timestamp\(\s*\)`), "current_timestamp"},
	// convert_timezone('UTC', ts), dbt-snowflake's current_timestamp: DuckDB's timezone()
	// takes the same (zone, timestamp) arguments. The three-argument form is left alone,
	// so it fails on DuckDB rather than converting wrongly.
	{regexp.MustCompile(`(?i)\bconvert_timezone\(\s*('[^',]*'\s*,\s*[^,()]*(?:\(\s*\))?\s*\))`), "timezone($1"},
	// system$wait(n): a query that runs far longer than any test waits.
	{regexp.MustCompile(`(?i)system\$wait\(\s*\d+\s*\)`), "(select count(*) from range(1000000000) a, range(1000000) b where a.range + b.range = 3)"},
}

// Rewrite applies the rewrite list to one statement (whose string constants are standard
// SQL already: StandardStrings), then folds its unquoted identifiers to upper case
// (lexical.go), so the names it creates and the columns it returns are Snowflake's.
func Rewrite(q string) string {
	for _, r := range rewrites {
		q = r.re.ReplaceAllString(q, r.repl)
	}
	return strings.TrimSpace(FoldIdentifiers(splitTypedCTAS(q)))
}

// typedCTAS is the start of CREATE [OR REPLACE] [TRANSIENT|TEMPORARY] TABLE name ( — the
// form dbt-snowflake builds a contracted table with, column definitions and constraints in
// the parentheses, then AS (select).
var typedCTAS = regexp.MustCompile(`(?is)^\s*(?:/\*.*?\*/\s*)?create\s+(?:or\s+replace\s+)?(?:(?:transient|temporary|temp)\s+)?table\s+((?:(?:"(?:[^"]|"")*"|\w+)\.)*(?:"(?:[^"]|"")*"|\w+))\s*\(`)

// splitTypedCTAS turns CREATE TABLE name (columns) AS (select), which Snowflake runs as one
// statement and DuckDB does not parse, into CREATE TABLE name (columns); INSERT INTO name
// (select): the same table, filled by position. Snowflake records primary keys, unique
// and foreign keys without enforcing them, DuckDB would enforce them (and refuses foreign
// keys across databases), so they are left out (notEnforced).
func splitTypedCTAS(q string) string {
	m := typedCTAS.FindStringSubmatchIndex(q)
	if m == nil {
		return q
	}
	open := m[1] - 1
	end := matchingParen(q, open)
	if end < 0 {
		return q
	}
	rest := q[end+1:]
	as := regexp.MustCompile(`(?is)^\s*(?:copy\s+grants\s+)?as\s*\(`).FindStringIndex(rest)
	if as == nil {
		return q
	}
	name := q[m[2]:m[3]]
	return q[:open+1] + notEnforced(q[open+1:end]) + ");\ninsert into " + name + " " + rest[as[1]-1:]
}

var (
	ident          = `(?:"(?:[^"]|"")*"|\w+)`
	keyClause      = regexp.MustCompile(`(?is)^\s*(?:constraint\s+` + ident + `\s+)?(?:primary\s+key|unique|foreign\s+key)\b`)
	columnKeyWords = regexp.MustCompile(`(?is)\b(?:primary\s+key|unique)\b|\breferences\s+(?:` + ident + `\.)*` + ident + `\s*(?:\([^)]*\))?`)
)

// notEnforced drops the key constraints Snowflake does not enforce from a column list:
// table-level primary key, unique and foreign key clauses, and the same keywords on columns.
func notEnforced(defs string) string {
	var kept []string
	depth, start := 0, 0
	items := []string{}
	for i := 0; i < len(defs); i++ {
		switch defs[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				items = append(items, defs[start:i])
				start = i + 1
			}
		}
	}
	items = append(items, defs[start:])
	for _, it := range items {
		if keyClause.MatchString(it) {
			continue
		}
		kept = append(kept, columnKeyWords.ReplaceAllString(it, ""))
	}
	return strings.Join(kept, ",")
}

// matchingParen is the index of the parenthesis closing the one at open, skipping quoted
// text; -1 when there is none.
func matchingParen(q string, open int) int {
	depth := 0
	for i := open; i < len(q); i++ {
		switch q[i] {
		case '\'', '"':
			j := strings.IndexByte(q[i+1:], q[i])
			if j < 0 {
				return -1
			}
			i += j + 1
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
