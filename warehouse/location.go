package warehouse

import (
	"fmt"
	"sort"
	"strings"
)

// FormatLocation expands an external_location template the way dbt-duckdb does (Python's
// str.format_map over the source's fields): "{name}" is replaced by fields["name"], "{{"
// and "}}" stand for literal braces. A placeholder with no field is an error rather than
// a path with braces in it.
func FormatLocation(template string, fields map[string]string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(template); i++ {
		c := template[i]
		switch {
		case c == '{' && i+1 < len(template) && template[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(template) && template[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(template[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("external location %q: unclosed {", template)
			}
			key := template[i+1 : i+end]
			if j := strings.IndexAny(key, "!:"); j >= 0 {
				key = key[:j] // conversions and format specs are not supported; the value is used as is
			}
			v, ok := fields[key]
			if !ok {
				known := make([]string, 0, len(fields))
				for k := range fields {
					known = append(known, k)
				}
				sort.Strings(known)
				return "", fmt.Errorf("external location %q: no field %q (known: %s)", template, key, strings.Join(known, ", "))
			}
			b.WriteString(v)
			i += end
		case c == '}':
			return "", fmt.Errorf("external location %q: single } ", template)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
