package jinja

import (
	"html"
	"strings"
)

// Attribute, item and slice access with Jinja2's getattr/getitem rules.

// getattr is Jinja2's environment.getattr: attribute first, then item.
func (r *renderer) getattr(obj Value, name string, pos int) Value {
	return r.attr(obj, name, pos, true)
}

// getattrFn is getattr for a callee: a built-in value's method comes as the bare function,
// since it is called at once and never shown (no builtinMethod to allocate).
func (r *renderer) getattrFn(obj Value, name string, pos int) Value {
	return r.attr(obj, name, pos, false)
}

// attr looks name up on obj; wrap gives built-in values' methods their bound-method repr.
func (r *renderer) attr(obj Value, name string, pos int, wrap bool) Value {
	switch o := obj.(type) {
	case *Undefined:
		r.undefinedError(pos, o)
	case *Dict:
		if m := dictMethod(o, name); m != nil {
			return wrapMethod(m, name, "dict", wrap)
		}
		if v, ok := o.Get(name); ok {
			return v
		}
	case *Namespace:
		if v, ok := o.Attrs.Get(name); ok {
			return v
		}
	case *loopObj:
		if v, ok := o.attr(name); ok {
			return v
		}
	case *macroValue:
		if v, ok := o.attr(name); ok {
			return v
		}
	case Object:
		if v, ok := o.Attr(name); ok {
			return normalize(v)
		}
	case string:
		if m := strMethod(o, name); m != nil {
			return wrapMethod(m, name, "str", wrap)
		}
	case bytesVal:
		if m := bytesAttr(o, name, wrap); m != nil {
			return m
		}
	case Markup:
		switch name {
		case "striptags": // markupsafe's own methods, returning str
			return wrapMarkupMethod(Func(func(*Call, []Value, []KeywordArg) (Value, error) { return stripTags(string(o)), nil }), name, o, wrap)
		case "escape": // a class method: Markup.escape(s) is escape(s)
			return wrapMarkupMethod(Func(func(c *Call, args []Value, kw []KeywordArg) (Value, error) {
				a, err := bindArgs("escape", args, kw, []string{"s"}, []Value{required})
				if err != nil {
					return nil, err
				}
				if m, ok := a[0].(Markup); ok {
					return m, nil
				}
				return Markup(escapeHTML(str(a[0]))), nil
			}), name, o, wrap)
		case "format", "format_map":
			return wrapMarkupMethod(formatMethod(string(o), name, true), name, o, wrap)
		case "unescape":
			return wrapMarkupMethod(Func(func(*Call, []Value, []KeywordArg) (Value, error) { return html.UnescapeString(string(o)), nil }), name, o, wrap)
		}
		if m := strMethod(string(o), name); m != nil {
			return wrapMarkupMethod(markupMethod(name, m.(Func)), name, o, wrap)
		}
	case *List:
		if m := listMethod(o, name); m != nil {
			return wrapMethod(m, name, "list", wrap)
		}
	case Tuple:
		if m := tupleMethod(o, name); m != nil {
			return wrapMethod(m, name, "tuple", wrap)
		}
		if len(o) == 2 {
			switch name {
			case "grouper":
				return o[0]
			case "list":
				return o[1]
			}
		}
	case int64:
		switch name {
		case "real", "numerator":
			return o
		case "imag":
			return int64(0)
		case "denominator":
			return int64(1)
		case "bit_length":
			return Func(func(*Call, []Value, []KeywordArg) (Value, error) {
				n := int64(0)
				for u := absU(o); u > 0; u >>= 1 {
					n++
				}
				return n, nil
			})
		}
	case complexVal:
		if v := complexAttr(o, name); v != nil {
			return v
		}
	case float64:
		switch name {
		case "real":
			return o
		case "imag":
			return 0.0
		case "is_integer":
			return Func(func(*Call, []Value, []KeywordArg) (Value, error) { return o == float64(int64(o)), nil })
		}
	case rangeVal:
		switch name {
		case "start":
			return o.attr(0)
		case "stop":
			return o.attr(1)
		case "step":
			return o.attr(2)
		case "index", "count":
			return wrapMethod(o.method(name), name, "range", wrap)
		}
	}
	return &Undefined{Name: name, hint: pyQuote(objectTypeRepr(obj)) + " has no attribute " + pyQuote(name)}
}

// getitem is Jinja2's environment.getitem: item first, then attribute for str keys.
func (r *renderer) getitem(obj Value, key Value, pos int) Value {
	switch o := obj.(type) {
	case *Undefined:
		r.undefinedError(pos, o)
	case *Dict:
		// An unhashable key raises TypeError, which the sandbox's getitem turns into
		// an Undefined (jinja2/sandbox.py getitem).
		if v, ok := o.Get(key); ok {
			return v
		}
	case *List:
		if i, ok := indexOf(key, len(o.Items)); ok {
			return o.Items[i]
		}
	case Tuple:
		if i, ok := indexOf(key, len(o)); ok {
			return o[i]
		}
	case string:
		if _, isInt := asInt(key); isInt {
			rs := []rune(o)
			if i, ok := indexOf(key, len(rs)); ok {
				return string(rs[i])
			}
		}
	case Markup:
		if _, isInt := asInt(key); isInt {
			rs := []rune(string(o))
			if i, ok := indexOf(key, len(rs)); ok {
				return Markup(rs[i])
			}
		}
	case rangeVal:
		if i, ok := asInt(key); ok {
			n := o.length()
			if i < 0 {
				i += n
			}
			if i >= 0 && i < n {
				return o.at(i)
			}
		}
	case *Namespace:
		if v, ok := o.Attrs.Get(key); ok {
			return v
		}
	case Indexable:
		if v, ok := o.JinjaItem(key); ok {
			return normalize(v)
		}
	}
	if s, ok := key.(string); ok {
		if _, isObj := obj.(*Namespace); !isObj {
			v := r.getattr(obj, s, pos)
			return v
		}
	}
	return &Undefined{hint: pyQuote(objectTypeRepr(obj)) + " has no element " + repr(key)}
}

// indexOf converts a Python index (negative from the end) to a slice index.
func indexOf(key Value, n int) (int, bool) {
	i, ok := asInt(key)
	if !ok {
		return 0, false
	}
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return 0, false
	}
	return int(i), true
}

func asInt(v Value) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int:
		return int64(x), true
	}
	return 0, false
}

// sliceIndices is Python's slice.indices.
func sliceIndices(start, stop, step *int64, n int) (int, int, int, bool) {
	st := 1
	if step != nil {
		st = int(*step)
		if st == 0 {
			return 0, 0, 0, false
		}
	}
	clamp := func(p *int64, def int, lo, hi int) int {
		if p == nil {
			return def
		}
		v := int(*p)
		if v < 0 {
			v += n
			if v < lo {
				v = lo
			}
		} else if v > hi {
			v = hi
		}
		return v
	}
	var s, e int
	if st > 0 {
		s = clamp(start, 0, 0, n)
		e = clamp(stop, n, 0, n)
	} else {
		s = clamp(start, n-1, -1, n-1)
		e = clamp(stop, -1, -1, n-1)
	}
	return s, e, st, true
}

func sliceItems(items []Value, start, stop, step *int64) ([]Value, bool) {
	s, e, st, ok := sliceIndices(start, stop, step, len(items))
	if !ok {
		return nil, false
	}
	var out []Value
	if st > 0 {
		for i := s; i < e; i += st {
			out = append(out, items[i])
		}
	} else {
		for i := s; i > e; i += st {
			out = append(out, items[i])
		}
	}
	if out == nil {
		out = []Value{}
	}
	return out, true
}

// slice evaluates x[a:b:c]. Jinja2 compiles slices to plain Python subscription, so bad
// operands raise; but when everything is a literal its optimizer folds the expression
// through getitem, which turns the same errors into Undefined. konst says which applies.
func (r *renderer) slice(obj Value, s *SliceExpr, sc *scope, konst bool) Value {
	bad := func(msg string) Value {
		if konst {
			return &Undefined{hint: pyQuote(objectTypeRepr(obj)) + " has no element slice"}
		}
		r.fail(s.Pos, msg)
		return nil
	}
	switch obj.(type) {
	case *Dict:
		return bad("unhashable type: 'slice'")
	case *List, Tuple, string, Markup, rangeVal, *Undefined, bytesVal:
	default:
		return bad(pyQuote(typeName(obj)) + " object is not subscriptable")
	}
	var parts [3]*int64
	for i, e := range []Expr{s.Start, s.Stop, s.Step} {
		if e == nil {
			continue
		}
		v := r.eval(e, sc)
		if v == nil {
			continue
		}
		n, ok := asInt(v)
		if !ok {
			if u, isU := obj.(*Undefined); isU {
				r.undefinedError(s.Pos, u)
			}
			return bad("slice indices must be integers or None or have an __index__ method")
		}
		parts[i] = &n
	}
	switch o := obj.(type) {
	case *Undefined:
		r.undefinedError(s.Pos, o)
	case *List:
		out, ok := sliceItems(o.Items, parts[0], parts[1], parts[2])
		if !ok {
			r.fail(s.Pos, "slice step cannot be zero")
		}
		return &List{Items: out}
	case Tuple:
		out, ok := sliceItems(o, parts[0], parts[1], parts[2])
		if !ok {
			r.fail(s.Pos, "slice step cannot be zero")
		}
		return Tuple(out)
	case string, Markup:
		str := ToString(o)
		rs := []rune(str)
		items := make([]Value, len(rs))
		for i, c := range rs {
			items[i] = c
		}
		out, ok := sliceItems(items, parts[0], parts[1], parts[2])
		if !ok {
			r.fail(s.Pos, "slice step cannot be zero")
		}
		var b strings.Builder
		for _, c := range out {
			b.WriteRune(c.(rune))
		}
		if _, ok := o.(Markup); ok {
			return Markup(b.String()) // markupsafe: Markup.__getitem__ keeps the type
		}
		return b.String()
	case bytesVal:
		s0, e0, st, ok := sliceIndices(parts[0], parts[1], parts[2], len(o.s))
		if !ok {
			r.fail(s.Pos, "slice step cannot be zero")
		}
		var b strings.Builder
		for i := s0; st > 0 && i < e0 || st < 0 && i > e0; i += st {
			b.WriteByte(o.s[i])
		}
		return newBytes(b.String())
	case rangeVal:
		n := o.length()
		if n > maxRange { // only reachable through hosts: the sandbox caps range()
			n = maxRange
		}
		s0, e0, st, ok := sliceIndices(parts[0], parts[1], parts[2], int(n))
		if !ok {
			r.fail(s.Pos, "slice step cannot be zero")
		}
		return o.slice(s0, e0, st)
	}
	return &Undefined{hint: pyQuote(objectTypeRepr(obj)) + " has no element slice"}
}

// markupWraps are the str methods markupsafe 3.0's Markup overrides to return Markup
// (markupsafe/__init__.py, class Markup), each with the index of the one positional
// argument it passes through escape() first, or -1: replace escapes only new, ljust, rjust
// and center only fillchar, join every item; strip's chars, partition's sep, removeprefix's
// prefix and the rest go to str's method as they are. format and format_map escape each
// formatted field (markupFormat); every other method is plain str's (find('&') looks for
// "&", startswith gives a bool).
var markupWraps = map[string]int{
	"capitalize": -1, "title": -1, "lower": -1, "upper": -1, "swapcase": -1, "casefold": -1,
	"replace": 1, "ljust": 1, "rjust": 1, "center": 1, "join": 0,
	"lstrip": -1, "rstrip": -1, "strip": -1, "translate": -1, "expandtabs": -1, "zfill": -1,
	"removeprefix": -1, "removesuffix": -1, "partition": -1, "rpartition": -1,
	"split": -1, "rsplit": -1, "splitlines": -1,
}

// markupPosOnly are the positional-only parameters of Markup's overrides (those not
// listed take keywords as str's do: split, rsplit, splitlines, expandtabs; removesuffix
// takes suffix= as markupsafe 3.0 declares it).
var markupPosOnly = map[string][]string{
	"ljust": {"width", "fillchar"}, "rjust": {"width", "fillchar"}, "center": {"width", "fillchar"},
	"replace": {"old", "new", "count"}, "lstrip": {"chars"}, "rstrip": {"chars"}, "strip": {"chars"},
	"translate": {"table"}, "zfill": {"width"}, "removeprefix": {"prefix"}, "partition": {"sep"},
	"rpartition": {"sep"}, "join": {"iterable"}, "capitalize": nil, "title": nil, "lower": nil,
	"upper": nil, "swapcase": nil, "casefold": nil,
}

// markupKeywords checks the keyword arguments of a Markup override as Python binds a
// def with positional-only parameters, turning removesuffix's suffix= positional.
func markupKeywords(name string, args []Value, kw []KeywordArg) ([]Value, error) {
	if len(kw) == 0 {
		return args, nil
	}
	if name == "removesuffix" && len(kw) == 1 && kw[0].Name == "suffix" && len(args) == 0 {
		return []Value{kw[0].Value}, nil
	}
	var passed []string
	for _, p := range markupPosOnly[name] {
		for _, k := range kw {
			if k.Name == p {
				passed = append(passed, p)
			}
		}
	}
	if len(passed) > 0 {
		return nil, typeErr("Markup." + name + "() got some positional-only arguments passed as keyword arguments: '" + strings.Join(passed, ", ") + "'")
	}
	return nil, typeErr("Markup." + name + "() got an unexpected keyword argument '" + kw[0].Name + "'")
}

// markupMethod wraps a str method for a Markup receiver as markupsafe does (markupWraps).
func markupMethod(name string, f Func) Func {
	esc, ok := markupWraps[name]
	if !ok {
		return f
	}
	_, posOnly := markupPosOnly[name]
	return func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		if posOnly || name == "removesuffix" {
			var err error
			if args, err = markupKeywords(name, args, kwargs); err != nil {
				return nil, err
			}
			kwargs = nil
		}
		if esc >= 0 && esc < len(args) {
			args = append([]Value(nil), args...)
			if name == "join" {
				items, ok := iterValues(args[0])
				if ok {
					out := make([]Value, len(items))
					for i, it := range items {
						out[i] = markupEscapeValue(it)
					}
					args[0] = &List{Items: out}
				}
			} else {
				args[esc] = markupEscapeValue(args[esc])
			}
		}
		v, err := f(c, args, kwargs)
		if err != nil {
			return nil, err
		}
		return toMarkup(v), nil
	}
}

// markupEscapeValue is markupsafe's escape(v) as the str it makes: a Markup as it is,
// anything else str() of it (an Undefined: ""), HTML-escaped.
func markupEscapeValue(v Value) Value {
	if m, ok := v.(Markup); ok {
		return string(m)
	}
	return escapeHTML(ToString(v))
}

func toMarkup(v Value) Value {
	switch x := v.(type) {
	case string:
		return Markup(x)
	case Tuple:
		out := make(Tuple, len(x))
		for i, it := range x {
			out[i] = toMarkup(it)
		}
		return out
	case *List:
		out := make([]Value, len(x.Items))
		for i, it := range x.Items {
			out[i] = toMarkup(it)
		}
		return &List{Items: out}
	}
	return v
}
