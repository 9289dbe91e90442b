package fakesf

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Snowflake's lexical rules that DuckDB does not share, applied by scanning the statement
// once: string constants take backslash escapes ('o\'k', '\n'; Snowflake SQL reference,
// "String & binary data types" › escape sequences) and may be $$dollar-quoted$$; unquoted
// identifiers are folded to upper case ("Identifier requirements"), quoted ones kept
// exactly. DuckDB keeps an unquoted name as written and resolves names case-insensitively,
// so folding every unquoted word makes the columns a CREATE … AS SELECT stores, and the
// column names of a result set, what Snowflake reports (ID for id, "mixedCase" as quoted),
// while references in any case still resolve.

// StandardStrings rewrites q's Snowflake string constants as standard SQL ones DuckDB
// reads the same way: backslash escapes decoded, $$…$$ turned into '…', quotes doubled.
// Comments and quoted identifiers are copied unchanged.
func StandardStrings(q string) string { return scan(q, true, false) }

// FoldIdentifiers upper-cases q's unquoted identifiers (and keywords, which DuckDB reads in
// any case); string constants (standard SQL, as StandardStrings leaves them), quoted
// identifiers and comments are copied unchanged.
func FoldIdentifiers(q string) string { return scan(q, false, true) }

func scan(q string, strs, fold bool) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == '-' && strings.HasPrefix(q[i:], "--"):
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			j := strings.Index(q[i+2:], "*/")
			if j < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+2+j+2])
			i += 2 + j + 2
		case c == '"':
			j := i + 1
			for j < len(q) {
				if q[j] == '"' {
					if j+1 < len(q) && q[j+1] == '"' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			end := min(j+1, len(q))
			b.WriteString(q[i:end])
			i = end
		case c == '\'':
			val, n, closed := readString(q[i:], strs)
			if strs && closed {
				b.WriteString(sqlString(val))
			} else {
				b.WriteString(q[i : i+n])
			}
			i += n
		case c == '$' && strings.HasPrefix(q[i:], "$$") && strs:
			j := strings.Index(q[i+2:], "$$")
			if j < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(sqlString(q[i+2 : i+2+j]))
			i += 2 + j + 2
		case isIdentStart(c):
			j := i + 1
			for j < len(q) && (isIdentStart(q[j]) || q[j] >= '0' && q[j] <= '9' || q[j] == '$') {
				j++
			}
			if fold {
				b.WriteString(strings.ToUpper(q[i:j]))
			} else {
				b.WriteString(q[i:j])
			}
			i = j
		case c >= '0' && c <= '9':
			// A number, with its exponent or suffix letters, is not an identifier.
			j := i + 1
			for j < len(q) && (isIdentStart(q[j]) || q[j] >= '0' && q[j] <= '9') {
				j++
			}
			b.WriteString(q[i:j])
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// readString reads the string constant at the start of s (s[0] is the quote) and returns
// its value, its length in s and whether it is closed. With escapes, a backslash escapes
// the next character as Snowflake reads it; an unterminated constant runs to the end (and
// is copied as it is, for the engine to report).
func readString(s string, escapes bool) (string, int, bool) {
	var v strings.Builder
	i := 1
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\'' && i+1 < len(s) && s[i+1] == '\'':
			v.WriteByte('\'')
			i += 2
		case c == '\'':
			return v.String(), i + 1, true
		case c == '\\' && escapes && i+1 < len(s):
			n := unescape(&v, s[i+1:])
			i += 1 + n
		default:
			v.WriteByte(c)
			i++
		}
	}
	return v.String(), len(s), false
}

// unescape writes the character an escape sequence stands for (s follows the backslash)
// and returns how many bytes of s it used: \' \" \\ \b \f \n \r \t \0, octal \ooo, hex
// \xhh, Unicode \uhhhh; any other character stands for itself.
func unescape(v *strings.Builder, s string) int {
	simple := map[byte]string{'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t"}
	c := s[0]
	if r, ok := simple[c]; ok {
		v.WriteString(r)
		return 1
	}
	digits := func(n, base int) (rune, bool) {
		if len(s) < 1+n {
			return 0, false
		}
		x, err := strconv.ParseUint(s[1:1+n], base, 32)
		return rune(x), err == nil
	}
	switch c {
	case 'x':
		if r, ok := digits(2, 16); ok {
			v.WriteRune(r)
			return 3
		}
	case 'u':
		if r, ok := digits(4, 16); ok && utf8.ValidRune(r) {
			v.WriteRune(r)
			return 5
		}
	}
	if c >= '0' && c <= '7' {
		n := 1
		for n < 3 && n < len(s) && s[n] >= '0' && s[n] <= '7' {
			n++
		}
		x, _ := strconv.ParseUint(s[:n], 8, 32)
		if x != 0 { // DuckDB strings hold no NUL character: \0 is dropped
			v.WriteRune(rune(x))
		}
		return n
	}
	v.WriteByte(c)
	return 1
}

// sqlString quotes v as a standard SQL string constant.
func sqlString(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }
