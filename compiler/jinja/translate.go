package jinja

import "strings"

// str.maketrans and str.translate (Objects/unicodeobject.c unicode_maketrans_impl and
// unicode_translate): a table maps code points to code points, strings or None.

// strMaketrans is str.maketrans(x[, y[, z]]).
func strMaketrans(args []Value, kw []KeywordArg) (Value, error) {
	if len(kw) > 0 {
		return nil, typeErr("str.maketrans() takes no keyword arguments")
	}
	d := NewDict()
	switch len(args) {
	case 1:
		src, ok := args[0].(*Dict)
		if !ok {
			return nil, typeErr("if you give only one argument to maketrans it must be a dict")
		}
		for i, k := range src.keys {
			switch x := k.(type) {
			case string:
				r := []rune(x)
				if len(r) != 1 {
					return nil, typeErr("string keys in translate table must be of length 1")
				}
				d.Set(int64(r[0]), src.vals[i])
			case int64, bool:
				d.Set(x, src.vals[i])
			default:
				return nil, typeErr("keys in translate table must be strings or integers")
			}
		}
		return d, nil
	case 2, 3:
		for i, a := range args {
			if _, ok := a.(string); !ok {
				return nil, typeErr("maketrans() argument " + string(rune('1'+i)) + " must be str, not " + typeName(a))
			}
		}
		x, y := []rune(args[0].(string)), []rune(args[1].(string))
		if len(x) != len(y) {
			return nil, typeErr("the first two maketrans arguments must have equal length")
		}
		for i := range x {
			d.Set(int64(x[i]), int64(y[i]))
		}
		if len(args) == 3 {
			for _, r := range args[2].(string) {
				d.Set(int64(r), nil)
			}
		}
		return d, nil
	case 0:
		return nil, typeErr("maketrans() takes at least 1 argument (0 given)")
	}
	return nil, typeErr("maketrans() takes at most 3 arguments (" + itoa(len(args)) + " given)")
}

// hashKeyInt is an int or bool key as maketrans stores it (True is 1).
func hashKeyInt(v Value) int64 {
	if b, ok := v.(bool); ok {
		if b {
			return 1
		}
		return 0
	}
	return v.(int64)
}

// strTranslate is str.translate(table): each character is looked up by its code point;
// a missing entry keeps it, None deletes it, an int or a str replaces it.
func strTranslate(s string, table Value) (Value, error) {
	var b strings.Builder
	for _, r := range s {
		var v Value
		found := false
		switch t := table.(type) {
		case *Dict:
			v, found = t.Get(int64(r))
		case *List:
			if int(r) < len(t.Items) {
				v, found = t.Items[r], true
			}
		case Tuple:
			if int(r) < len(t) {
				v, found = t[r], true
			}
		default:
			return nil, typeErr("'" + typeName(table) + "' object is not subscriptable")
		}
		if !found {
			b.WriteRune(r)
			continue
		}
		switch x := v.(type) {
		case nil:
		case string:
			b.WriteString(x)
		case bool:
			b.WriteRune(rune(hashKeyInt(x)))
		case int64:
			if x < 0 || x > 0x10ffff {
				return nil, typeErr("character mapping must be in range(0x110000)")
			}
			b.WriteRune(rune(x))
		default:
			return nil, typeErr("character mapping must return integer, None or str")
		}
	}
	return b.String(), nil
}
