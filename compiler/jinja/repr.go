package jinja

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Python's str() and repr() of engine values.

// formatFloat formats like Python's repr(float).
func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	ei := strings.IndexByte(s, 'e')
	mant, exps := s[:ei], s[ei+1:]
	exp, _ := strconv.Atoi(exps)
	digits := strings.Replace(mant, ".", "", 1)
	var out string
	if exp >= -4 && exp < 16 {
		if exp < 0 {
			out = "0." + strings.Repeat("0", -exp-1) + digits
		} else if len(digits) <= exp+1 {
			out = digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
		} else {
			out = digits[:exp+1] + "." + digits[exp+1:]
		}
	} else {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		e := strconv.Itoa(exp)
		if len(e) < 2 {
			e = "0" + e
		}
		out = m + "e" + sign + e
	}
	if neg {
		return "-" + out
	}
	return out
}

// pyQuote is Python's repr of a str.
func pyQuote(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteByte(q)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteString(hex2(int(r)))
		case r >= 0x80 && !unicode.IsPrint(r) && r != utf8.RuneError:
			switch {
			case r < 0x100:
				b.WriteString(`\x` + hex2(int(r)))
			case r < 0x10000:
				b.WriteString(`\u` + hex2(int(r)>>8) + hex2(int(r)&0xff))
			default:
				b.WriteString(`\U` + hex2(int(r)>>24) + hex2(int(r)>>16&0xff) + hex2(int(r)>>8&0xff) + hex2(int(r)&0xff))
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

func hex2(n int) string {
	const h = "0123456789abcdef"
	return string([]byte{h[n>>4&15], h[n&15]})
}

// repr is Python's repr() of v.
// Repr is Python's repr() of a value, for host code that quotes values in messages and
// reprs of its own objects as Python would.
func Repr(v Value) string { return repr(v) }

func repr(v Value) string {
	var b strings.Builder
	writeRepr(&b, v, &reprState{})
	return b.String()
}

// reprState holds the containers being repr'd, as CPython's Py_ReprEnter does, so that a
// list or dict reached again inside itself prints as [...] or {...} (whatever the path: a
// list holding a list that holds the first).
type reprState struct{ active []any }

// enter marks c as being repr'd; false when it already is.
func (s *reprState) enter(c any) bool {
	for _, a := range s.active {
		if a == c {
			return false
		}
	}
	s.active = append(s.active, c)
	return true
}

func (s *reprState) leave() { s.active = s.active[:len(s.active)-1] }

func writeRepr(b *strings.Builder, v Value, st *reprState) {
	if len(st.active) > 100 {
		b.WriteString("...")
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("None")
	case bool:
		if x {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		b.WriteString(formatFloat(x))
	case *big.Int:
		b.WriteString(x.String())
	case complexVal:
		b.WriteString(x.repr())
	case string:
		b.WriteString(pyQuote(x))
	case Markup:
		b.WriteString("Markup(" + pyQuote(string(x)) + ")")
	case *List:
		if !st.enter(x) {
			b.WriteString("[...]")
			return
		}
		b.WriteByte('[')
		for i, it := range x.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, it, st)
		}
		b.WriteByte(']')
		st.leave()
	case Tuple:
		b.WriteByte('(')
		for i, it := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, it, st)
		}
		if len(x) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
	case *Dict:
		if !st.enter(x) {
			b.WriteString("{...}")
			return
		}
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, k, st)
			b.WriteString(": ")
			writeRepr(b, x.vals[i], st)
		}
		b.WriteByte('}')
		st.leave()
	case *Undefined:
		b.WriteString("Undefined")
	case rangeVal:
		b.WriteString(x.repr())
	case *dictView:
		if !st.enter(x) { // dictview_repr: Py_ReprEnter on the view itself
			b.WriteString("...")
			return
		}
		b.WriteString(x.kind + "(")
		writeRepr(b, &List{Items: x.items()}, st)
		b.WriteByte(')')
		st.leave()
	case *Namespace:
		b.WriteString("<Namespace ")
		writeRepr(b, x.Attrs, st)
		b.WriteByte('>')
	case Stringer:
		b.WriteString(x.JinjaString())
	case *macroValue:
		if x.node == nil && x.bound == nil {
			b.WriteString("<Macro anonymous>")
		} else {
			b.WriteString("<Macro '" + x.name + "'>")
		}
	case *pyClass:
		b.WriteString("<class '" + x.name + "'>")
	case *builtinMethod:
		b.WriteString(x.repr())
	case *loopObj:
		b.WriteString("<LoopContext " + strconv.Itoa(x.index0+1) + "/" + strconv.Itoa(len(x.items)) + ">")
	case Callable:
		b.WriteString("<function>")
	case Object:
		b.WriteString("<object>")
	default:
		b.WriteString("<object>")
	}
}

// typeName is Python's type(v).__name__.
func typeName(v Value) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64, int, *big.Int:
		return "int"
	case float64:
		return "float"
	case complexVal:
		return "complex"
	case string:
		return "str"
	case Markup:
		return "Markup"
	case *List:
		return "list"
	case Tuple:
		return "tuple"
	case *Dict:
		return "dict"
	case *Undefined:
		return "Undefined"
	case rangeVal:
		return "range"
	case *Namespace:
		return "Namespace"
	case *macroValue:
		return "Macro"
	case *loopObj:
		return "LoopContext"
	case *builtinMethod:
		return x.typeName()
	case *pyClass:
		return "type"
	case *dictView:
		return x.kind
	case TypeNamer:
		return x.JinjaTypeName()
	case Callable:
		return "function"
	}
	return "object"
}

// objectTypeRepr is Jinja2's object_type_repr, used in undefined messages.
func objectTypeRepr(v Value) string {
	switch v.(type) {
	case nil:
		return "None"
	}
	return typeName(v) + " object"
}
