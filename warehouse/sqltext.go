package warehouse

import (
	"fmt"
	"strings"
)

// SQL text helpers shared by the adapters' dialects: every engine gdbt speaks quotes
// identifiers the ANSI way and names relations as dotted parts, so these live once here.

// QuoteIdent double-quotes name, doubling embedded quotes (ANSI SQL).
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// DottedName renders the non-empty parts quoted with quote and joined by dots, e.g. a
// relation's "database"."schema"."identifier".
func DottedName(quote func(string) string, parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(quote(p))
	}
	return b.String()
}

// LookupType maps a dbt cross-database type name (type_string, string, …) to an engine's
// type through its table; engine names the adapter in the error.
func LookupType(engine string, types map[string]string, kind string) (string, error) {
	if t, ok := types[strings.TrimPrefix(strings.ToLower(kind), "type_")]; ok {
		return t, nil
	}
	return "", fmt.Errorf("%s: no type for dbt type %q", engine, kind)
}
