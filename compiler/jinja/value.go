package jinja

import (
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tupleKey is the hashable form of a Tuple used as a dict key.
type tupleKey struct{ s string }

// hashKey normalises a key the way Python hashes it: 1, 1.0 and True are one key.
func hashKey(k Value) any {
	switch x := k.(type) {
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case int:
		return int64(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x)
		}
		return x
	case *big.Int:
		return "big:" + x.String()
	case Tuple:
		var b strings.Builder
		for _, it := range x {
			b.WriteString(repr(it))
			b.WriteByte(0)
		}
		return tupleKey{b.String()}
	case *List, *Dict:
		return nil // unhashable; callers check hashable first
	default:
		return k
	}
}

// hashable reports whether k can be a dict key.
func hashable(k Value) bool {
	switch x := k.(type) {
	case nil, bool, int, int64, float64, string, *big.Int:
		return true
	case Tuple:
		for _, it := range x {
			if !hashable(it) {
				return false
			}
		}
		return true
	case *List, *Dict, *Undefined, *Namespace:
		return false
	}
	return false
}

// NewDict returns an empty dict.
func NewDict() *Dict { return &Dict{} }

// Get looks a key up.
func (d *Dict) Get(k Value) (Value, bool) {
	if d == nil || d.idx == nil {
		return nil, false
	}
	if !hashable(k) {
		return nil, false
	}
	i, ok := d.idx[hashKey(k)]
	if !ok {
		return nil, false
	}
	return d.vals[i], true
}

// Set adds or replaces a key, keeping the original insertion position.
func (d *Dict) Set(k, v Value) {
	if d.idx == nil {
		d.idx = make(map[any]int)
	}
	hk := hashKey(k)
	if i, ok := d.idx[hk]; ok {
		d.vals[i] = v
		return
	}
	d.idx[hk] = len(d.keys)
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

// Delete removes a key and reports whether it was there.
func (d *Dict) Delete(k Value) bool {
	if d.idx == nil || !hashable(k) {
		return false
	}
	hk := hashKey(k)
	i, ok := d.idx[hk]
	if !ok {
		return false
	}
	delete(d.idx, hk)
	copy(d.keys[i:], d.keys[i+1:])
	copy(d.vals[i:], d.vals[i+1:])
	d.keys = d.keys[:len(d.keys)-1]
	d.vals = d.vals[:len(d.vals)-1]
	for j := i; j < len(d.keys); j++ {
		d.idx[hashKey(d.keys[j])] = j
	}
	return true
}

// Len is the number of keys.
func (d *Dict) Len() int {
	if d == nil {
		return 0
	}
	return len(d.keys)
}

// Keys returns the keys in insertion order (a copy).
func (d *Dict) Keys() []Value { return append([]Value(nil), d.keys...) }

// Values returns the values in insertion order (a copy).
func (d *Dict) Values() []Value { return append([]Value(nil), d.vals...) }

func (d *Dict) clear() {
	d.keys, d.vals, d.idx = nil, nil, nil
}

func (d *Dict) copyDict() *Dict {
	n := &Dict{keys: append([]Value(nil), d.keys...), vals: append([]Value(nil), d.vals...)}
	if d.idx != nil {
		n.idx = make(map[any]int, len(d.idx))
		for k, v := range d.idx {
			n.idx[k] = v
		}
	}
	return n
}

// NewList returns a list holding items (not copied).
func NewList(items ...Value) *List { return &List{Items: items} }

// rangeVal is Python's range object.
type rangeVal struct{ start, stop, step int64 }

func (r rangeVal) length() int64 {
	if r.step > 0 && r.start < r.stop {
		return (r.stop - r.start + r.step - 1) / r.step
	}
	if r.step < 0 && r.start > r.stop {
		return (r.start - r.stop - r.step - 1) / (-r.step)
	}
	return 0
}

func (r rangeVal) items() []Value {
	n := r.length()
	out := make([]Value, 0, n)
	for i := int64(0); i < n; i++ {
		out = append(out, r.start+i*r.step)
	}
	return out
}

// Markup is a string already HTML-escaped (what the escape filter returns); escaping it
// again is a no-op, as with Jinja2's markupsafe.Markup.
type Markup string

// normalize turns host numeric and slice types into engine values.
func normalize(v Value) Value {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, *List, Tuple, *Dict, *Undefined, *Namespace:
		return v
	case int:
		return int64(x)
	}
	return FromGo(v)
}

// Truthy reports Python truthiness of v.
func Truthy(v Value) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case int:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case Markup:
		return x != ""
	case *List:
		return len(x.Items) > 0
	case Tuple:
		return len(x) > 0
	case *Dict:
		return x.Len() > 0
	case *Undefined:
		return false
	case rangeVal:
		return x.length() > 0
	case *big.Int:
		return x.Sign() != 0
	case *dictView:
		return len(x.items) > 0
	}
	return true
}

// ToString renders v as {{ v }} would.
func ToString(v Value) string {
	switch x := v.(type) {
	case string:
		return x
	case Markup:
		return string(x)
	case *Undefined:
		return ""
	case Stringer:
		return x.JinjaString()
	}
	return repr(v)
}

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
func repr(v Value) string {
	var b strings.Builder
	writeRepr(&b, v, 0)
	return b.String()
}

func writeRepr(b *strings.Builder, v Value, depth int) {
	if depth > 100 {
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
	case string:
		b.WriteString(pyQuote(x))
	case Markup:
		b.WriteString("Markup(" + pyQuote(string(x)) + ")")
	case *List:
		b.WriteByte('[')
		for i, it := range x.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			if l, ok := it.(*List); ok && l == x {
				b.WriteString("[...]")
				continue
			}
			writeRepr(b, it, depth+1)
		}
		b.WriteByte(']')
	case Tuple:
		b.WriteByte('(')
		for i, it := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, it, depth+1)
		}
		if len(x) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
	case *Dict:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, k, depth+1)
			b.WriteString(": ")
			if d, ok := x.vals[i].(*Dict); ok && d == x {
				b.WriteString("{...}")
				continue
			}
			writeRepr(b, x.vals[i], depth+1)
		}
		b.WriteByte('}')
	case *Undefined:
		b.WriteString("Undefined")
	case rangeVal:
		b.WriteString("range(" + strconv.FormatInt(x.start, 10) + ", " + strconv.FormatInt(x.stop, 10))
		if x.step != 1 {
			b.WriteString(", " + strconv.FormatInt(x.step, 10))
		}
		b.WriteByte(')')
	case *dictView:
		b.WriteString(x.kind + "(")
		writeRepr(b, &List{Items: x.items}, depth+1)
		b.WriteByte(')')
	case *Namespace:
		b.WriteString("<Namespace ")
		writeRepr(b, x.Attrs, depth+1)
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
	case *pyClass:
		return "type"
	case *dictView:
		return x.kind
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

// FromGo converts a Go value to the engine's representation (maps become *Dict with sorted
// keys, slices become *List, ints become int64, structs are not converted).
func FromGo(v any) Value {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, *List, Tuple, *Dict, *Undefined, *Namespace, Markup:
		return v
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case float32:
		return float64(x)
	case []any:
		l := make([]Value, len(x))
		for i, it := range x {
			l[i] = FromGo(it)
		}
		return &List{Items: l}
	case []string:
		l := make([]Value, len(x))
		for i, it := range x {
			l[i] = it
		}
		return &List{Items: l}
	case []int:
		l := make([]Value, len(x))
		for i, it := range x {
			l[i] = int64(it)
		}
		return &List{Items: l}
	case []int64:
		l := make([]Value, len(x))
		for i, it := range x {
			l[i] = it
		}
		return &List{Items: l}
	case []float64:
		l := make([]Value, len(x))
		for i, it := range x {
			l[i] = it
		}
		return &List{Items: l}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		d := NewDict()
		for _, k := range keys {
			d.Set(k, FromGo(x[k]))
		}
		return d
	case map[string]string:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		d := NewDict()
		for _, k := range keys {
			d.Set(k, x[k])
		}
		return d
	case func(c *Call, args []Value, kwargs []KeywordArg) (Value, error):
		return Func(x)
	}
	return v
}

// ToGo converts an engine value to plain Go (map[string]any, []any, int64, …) for the host.
// Dict keys that are not strings are rendered with ToString.
func ToGo(v Value) any { return toGoDepth(v, 0) }

func toGoDepth(v Value, depth int) any {
	if depth > maxNest {
		return nil
	}
	switch x := v.(type) {
	case *List:
		out := make([]any, len(x.Items))
		for i, it := range x.Items {
			out[i] = toGoDepth(it, depth+1)
		}
		return out
	case Tuple:
		out := make([]any, len(x))
		for i, it := range x {
			out[i] = toGoDepth(it, depth+1)
		}
		return out
	case *Dict:
		out := make(map[string]any, x.Len())
		for i, k := range x.keys {
			ks, ok := k.(string)
			if !ok {
				ks = ToString(k)
			}
			out[ks] = toGoDepth(x.vals[i], depth+1)
		}
		return out
	case *Namespace:
		return toGoDepth(x.Attrs, depth+1)
	case *Undefined:
		return nil
	case Markup:
		return string(x)
	case rangeVal:
		return toGoDepth(&List{Items: x.items()}, depth+1)
	}
	return v
}
