package jinja

import (
	"errors"
	"sort"
	"strings"
	"unicode"
)

// method builds a bound method value.
func method(fn func(args []Value, kwargs []KeywordArg) (Value, error)) Func {
	return func(_ *Call, args []Value, kwargs []KeywordArg) (Value, error) { return fn(args, kwargs) }
}

func strArg(fname string, v Value) (string, error) {
	s, ok := optStr(v)
	if !ok {
		return "", typeErr(fname + "() argument must be str, not " + typeName(v))
	}
	return s, nil
}

// pyIsSpace matches Python's str.isspace for a rune.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || r == 0x1c || r == 0x1d || r == 0x1e || r == 0x1f
}

func stripChars(s string, chars Value, left, right bool) (string, error) {
	if chars == nil {
		if left {
			s = strings.TrimLeftFunc(s, pyIsSpace)
		}
		if right {
			s = strings.TrimRightFunc(s, pyIsSpace)
		}
		return s, nil
	}
	cs, ok := optStr(chars)
	if !ok {
		return "", typeErr("strip arg must be None or str")
	}
	if left {
		s = strings.TrimLeft(s, cs)
	}
	if right {
		s = strings.TrimRight(s, cs)
	}
	return s, nil
}

// pySplit is str.split / str.rsplit.
func pySplit(s string, sep Value, maxsplit int64, fromRight bool) ([]Value, error) {
	var parts []string
	if sep == nil {
		fields := strings.FieldsFunc(s, pyIsSpace)
		if maxsplit < 0 || int(maxsplit) >= len(fields) {
			parts = fields
		} else if !fromRight {
			// keep the remainder after maxsplit splits, left-trimmed only
			rest := strings.TrimLeftFunc(s, pyIsSpace)
			for i := int64(0); i < maxsplit; i++ {
				j := strings.IndexFunc(rest, pyIsSpace)
				if j < 0 {
					break
				}
				parts = append(parts, rest[:j])
				rest = strings.TrimLeftFunc(rest[j:], pyIsSpace)
			}
			if rest != "" {
				parts = append(parts, rest)
			}
		} else {
			rest := strings.TrimRightFunc(s, pyIsSpace)
			var rev []string
			for i := int64(0); i < maxsplit; i++ {
				j := strings.LastIndexFunc(rest, pyIsSpace)
				if j < 0 {
					break
				}
				_, size := decodeRune(rest[j:])
				rev = append(rev, rest[j+size:])
				rest = strings.TrimRightFunc(rest[:j], pyIsSpace)
			}
			if rest != "" {
				rev = append(rev, rest)
			}
			for i := len(rev) - 1; i >= 0; i-- {
				parts = append(parts, rev[i])
			}
		}
	} else {
		sp, ok := optStr(sep)
		if !ok {
			return nil, typeErr("must be str or None, not " + typeName(sep))
		}
		if sp == "" {
			return nil, errors.New("empty separator")
		}
		n := -1
		if maxsplit >= 0 {
			n = int(maxsplit) + 1
		}
		if !fromRight || n < 0 {
			parts = strings.SplitN(s, sp, n)
		} else {
			rest := s
			var rev []string
			for i := int64(0); i < maxsplit; i++ {
				j := strings.LastIndex(rest, sp)
				if j < 0 {
					break
				}
				rev = append(rev, rest[j+len(sp):])
				rest = rest[:j]
			}
			rev = append(rev, rest)
			for i := len(rev) - 1; i >= 0; i-- {
				parts = append(parts, rev[i])
			}
		}
	}
	out := make([]Value, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func decodeRune(s string) (rune, int) {
	for i, r := range s {
		_ = i
		return r, len(string(r))
	}
	return 0, 0
}

func pyTitle(s string) string {
	var b strings.Builder
	prevCased := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if prevCased {
				b.WriteString(pyLower(string(r)))
			} else {
				b.WriteString(titleRune(r))
			}
			prevCased = unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r)
		} else {
			b.WriteRune(r)
			prevCased = false
		}
	}
	return b.String()
}

func pyCapitalize(s string) string {
	if s == "" {
		return s
	}
	rs := []rune(s)
	return titleRune(rs[0]) + pyLower(string(rs[1:]))
}

func pyCenter(s string, width int, fill string) string {
	n := len([]rune(s))
	if width <= n {
		return s
	}
	pad := width - n
	left := pad/2 + (pad & width & 1)
	return strings.Repeat(fill, left) + s + strings.Repeat(fill, pad-left)
}

func allRunes(s string, f func(rune) bool) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !f(r) {
			return false
		}
	}
	return true
}

func casedCheck(s string, upper bool) bool {
	cased := false
	for _, r := range s {
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			if !upper {
				return false
			}
			cased = true
		} else if unicode.IsLower(r) {
			if upper {
				return false
			}
			cased = true
		}
	}
	return cased
}

func matchAffix(s string, arg Value, prefix bool) (bool, error) {
	check := func(a Value) (bool, error) {
		p, ok := optStr(a)
		if !ok {
			return false, typeErr("startswith first arg must be str or a tuple of str, not " + typeName(a))
		}
		if prefix {
			return strings.HasPrefix(s, p), nil
		}
		return strings.HasSuffix(s, p), nil
	}
	if t, ok := arg.(Tuple); ok {
		for _, a := range t {
			ok, err := check(a)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	}
	return check(arg)
}

// strMethod returns the bound str method name of s, or nil.
func strMethod(s string, name string) Value {
	simple := func(f func() Value) Value {
		return method(func(args []Value, kw []KeywordArg) (Value, error) {
			if len(args)+len(kw) > 0 {
				return nil, typeErr("str." + name + "() takes no arguments")
			}
			return f(), nil
		})
	}
	with := func(params []string, defaults []Value, f func(a []Value) (Value, error)) Value {
		return method(func(args []Value, kw []KeywordArg) (Value, error) {
			a, err := bindArgs(name, args, kw, params, defaults)
			if err != nil {
				return nil, err
			}
			return f(a)
		})
	}
	switch name {
	case "upper":
		return simple(func() Value { return pyUpper(s) })
	case "lower":
		return simple(func() Value { return pyLower(s) })
	case "casefold":
		return simple(func() Value { return strings.ReplaceAll(strings.ToLower(s), "ß", "ss") })
	case "swapcase":
		return simple(func() Value {
			return strings.Map(func(r rune) rune {
				if unicode.IsUpper(r) {
					return unicode.ToLower(r)
				}
				return unicode.ToUpper(r)
			}, s)
		})
	case "title":
		return simple(func() Value { return pyTitle(s) })
	case "capitalize":
		return simple(func() Value { return pyCapitalize(s) })
	case "strip", "lstrip", "rstrip":
		return with([]string{"chars"}, []Value{nil}, func(a []Value) (Value, error) {
			return stripChars(s, a[0], name != "rstrip", name != "lstrip")
		})
	case "split", "rsplit":
		return with([]string{"sep", "maxsplit"}, []Value{nil, int64(-1)}, func(a []Value) (Value, error) {
			n, err := mustInt(name, a[1])
			if err != nil {
				return nil, err
			}
			parts, err := pySplit(s, a[0], n, name == "rsplit")
			if err != nil {
				return nil, err
			}
			return &List{Items: parts}, nil
		})
	case "splitlines":
		return with([]string{"keepends"}, []Value{false}, func(a []Value) (Value, error) {
			var out []Value
			rest := s
			for rest != "" {
				j := strings.IndexAny(rest, "\n\r\v\f\x1c\x1d\x1e")
				if j < 0 {
					out = append(out, rest)
					break
				}
				end := j + 1
				if rest[j] == '\r' && end < len(rest) && rest[end] == '\n' {
					end++
				}
				if Truthy(a[0]) {
					out = append(out, rest[:end])
				} else {
					out = append(out, rest[:j])
				}
				rest = rest[end:]
			}
			if out == nil {
				out = []Value{}
			}
			return &List{Items: out}, nil
		})
	case "replace":
		return with([]string{"old", "new", "count"}, []Value{required, required, int64(-1)}, func(a []Value) (Value, error) {
			o, err := strArg("replace", a[0])
			if err != nil {
				return nil, err
			}
			n, err := strArg("replace", a[1])
			if err != nil {
				return nil, err
			}
			c, err := mustInt("replace", a[2])
			if err != nil {
				return nil, err
			}
			return strings.Replace(s, o, n, int(c)), nil
		})
	case "startswith", "endswith":
		return with([]string{"prefix", "start", "end"}, []Value{required, nil, nil}, func(a []Value) (Value, error) {
			if a[1] == nil && a[2] == nil {
				return matchAffix(s, a[0], name == "startswith")
			}
			rs := []rune(s)
			var st, en *int64
			if a[1] != nil {
				v, _ := asInt(a[1])
				st = &v
			}
			if a[2] != nil {
				v, _ := asInt(a[2])
				en = &v
			}
			lo, hi, _, _ := sliceIndices(st, en, nil, len(rs))
			if hi < lo {
				return false, nil
			}
			return matchAffix(string(rs[lo:hi]), a[0], name == "startswith")
		})
	case "removeprefix":
		return with([]string{"prefix"}, []Value{required}, func(a []Value) (Value, error) {
			p, err := strArg(name, a[0])
			return strings.TrimPrefix(s, p), err
		})
	case "removesuffix":
		return with([]string{"suffix"}, []Value{required}, func(a []Value) (Value, error) {
			p, err := strArg(name, a[0])
			return strings.TrimSuffix(s, p), err
		})
	case "join":
		return with([]string{"iterable"}, []Value{required}, func(a []Value) (Value, error) {
			items, ok := iterValues(a[0])
			if !ok {
				return nil, typeErr("can only join an iterable")
			}
			var b strings.Builder
			for i, it := range items {
				str, ok := optStr(it)
				if !ok {
					return nil, typeErr("sequence item " + itoa(i) + ": expected str instance, " + typeName(it) + " found")
				}
				if i > 0 {
					b.WriteString(s)
				}
				b.WriteString(str)
			}
			return b.String(), nil
		})
	case "format":
		return method(func(args []Value, kw []KeywordArg) (Value, error) { return strFormat(s, args, kw) })
	case "find", "rfind", "index", "rindex", "count":
		return with([]string{"sub", "start", "end"}, []Value{required, nil, nil}, func(a []Value) (Value, error) {
			sub, err := strArg(name, a[0])
			if err != nil {
				return nil, err
			}
			rs := []rune(s)
			var st, en *int64
			if a[1] != nil {
				v, _ := asInt(a[1])
				st = &v
			}
			if a[2] != nil {
				v, _ := asInt(a[2])
				en = &v
			}
			lo, hi, _, _ := sliceIndices(st, en, nil, len(rs))
			if hi < lo {
				hi = lo
			}
			hay := string(rs[lo:hi])
			switch name {
			case "count":
				if sub == "" {
					return int64(len([]rune(hay)) + 1), nil
				}
				return int64(strings.Count(hay, sub)), nil
			case "find", "index":
				i := strings.Index(hay, sub)
				if i < 0 {
					if name == "index" {
						return nil, errors.New("substring not found")
					}
					return int64(-1), nil
				}
				return int64(lo + len([]rune(hay[:i]))), nil
			default:
				i := strings.LastIndex(hay, sub)
				if i < 0 {
					if name == "rindex" {
						return nil, errors.New("substring not found")
					}
					return int64(-1), nil
				}
				return int64(lo + len([]rune(hay[:i]))), nil
			}
		})
	case "isdecimal":
		return simple(func() Value { return allRunes(s, unicode.IsDigit) })
	case "isdigit":
		return simple(func() Value { return allRunes(s, isPyDigit) })
	case "isnumeric":
		return simple(func() Value { return allRunes(s, unicode.IsNumber) })
	case "isalpha":
		return simple(func() Value { return allRunes(s, unicode.IsLetter) })
	case "isalnum":
		return simple(func() Value {
			return allRunes(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
		})
	case "isspace":
		return simple(func() Value { return allRunes(s, pyIsSpace) })
	case "isupper":
		return simple(func() Value { return casedCheck(s, true) })
	case "islower":
		return simple(func() Value { return casedCheck(s, false) })
	case "istitle":
		return simple(func() Value {
			return s != "" && pyTitle(s) == s && casedCheck(s, true) || (s != "" && pyTitle(s) == s && strings.ToLower(s) != s)
		})
	case "isidentifier":
		return simple(func() Value {
			if s == "" {
				return false
			}
			for i, r := range s {
				if !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
					return false
				}
			}
			return true
		})
	case "zfill":
		return with([]string{"width"}, []Value{required}, func(a []Value) (Value, error) {
			w, err := mustInt(name, a[0])
			if err != nil {
				return nil, err
			}
			n := len([]rune(s))
			if int(w) <= n {
				return s, nil
			}
			pad := strings.Repeat("0", int(w)-n)
			if s != "" && (s[0] == '-' || s[0] == '+') {
				return s[:1] + pad + s[1:], nil
			}
			return pad + s, nil
		})
	case "ljust", "rjust", "center":
		return with([]string{"width", "fillchar"}, []Value{required, " "}, func(a []Value) (Value, error) {
			w, err := mustInt(name, a[0])
			if err != nil {
				return nil, err
			}
			fill, err := strArg(name, a[1])
			if err != nil {
				return nil, err
			}
			if len([]rune(fill)) != 1 {
				return nil, typeErr("The fill character must be exactly one character long")
			}
			n := len([]rune(s))
			if int(w) <= n {
				return s, nil
			}
			switch name {
			case "ljust":
				return s + strings.Repeat(fill, int(w)-n), nil
			case "rjust":
				return strings.Repeat(fill, int(w)-n) + s, nil
			}
			return pyCenter(s, int(w), fill), nil
		})
	case "partition", "rpartition":
		return with([]string{"sep"}, []Value{required}, func(a []Value) (Value, error) {
			sep, err := strArg(name, a[0])
			if err != nil {
				return nil, err
			}
			if sep == "" {
				return nil, errors.New("empty separator")
			}
			var i int
			if name == "partition" {
				i = strings.Index(s, sep)
				if i < 0 {
					return Tuple{s, "", ""}, nil
				}
			} else {
				i = strings.LastIndex(s, sep)
				if i < 0 {
					return Tuple{"", "", s}, nil
				}
			}
			return Tuple{s[:i], sep, s[i+len(sep):]}, nil
		})
	case "expandtabs":
		return with([]string{"tabsize"}, []Value{int64(8)}, func(a []Value) (Value, error) {
			ts, err := mustInt(name, a[0])
			if err != nil {
				return nil, err
			}
			var b strings.Builder
			col := 0
			for _, r := range s {
				switch r {
				case '\t':
					if ts > 0 {
						n := int(ts) - col%int(ts)
						b.WriteString(strings.Repeat(" ", n))
						col += n
					}
				case '\n', '\r':
					b.WriteRune(r)
					col = 0
				default:
					b.WriteRune(r)
					col++
				}
			}
			return b.String(), nil
		})
	}
	return nil
}

func itoa(i int) string { return formatInt(int64(i)) }

// listMethod returns the bound list method name of l, or nil.
func listMethod(l *List, name string) Value {
	with := func(params []string, defaults []Value, f func(a []Value) (Value, error)) Value {
		return method(func(args []Value, kw []KeywordArg) (Value, error) {
			a, err := bindArgs(name, args, kw, params, defaults)
			if err != nil {
				return nil, err
			}
			return f(a)
		})
	}
	switch name {
	case "append":
		return with([]string{"object"}, []Value{required}, func(a []Value) (Value, error) {
			l.Items = append(l.Items, a[0])
			return nil, nil
		})
	case "extend":
		return with([]string{"iterable"}, []Value{required}, func(a []Value) (Value, error) {
			items, ok := iterValues(a[0])
			if !ok {
				return nil, typeErr(pyQuote(typeName(a[0])) + " object is not iterable")
			}
			l.Items = append(l.Items, items...)
			return nil, nil
		})
	case "insert":
		return with([]string{"index", "object"}, []Value{required, required}, func(a []Value) (Value, error) {
			i, err := mustInt(name, a[0])
			if err != nil {
				return nil, err
			}
			n := int64(len(l.Items))
			if i < 0 {
				i += n
				if i < 0 {
					i = 0
				}
			}
			if i > n {
				i = n
			}
			l.Items = append(l.Items, nil)
			copy(l.Items[i+1:], l.Items[i:])
			l.Items[i] = a[1]
			return nil, nil
		})
	case "pop":
		return with([]string{"index"}, []Value{int64(-1)}, func(a []Value) (Value, error) {
			if len(l.Items) == 0 {
				return nil, errors.New("pop from empty list")
			}
			i, ok := indexOf(a[0], len(l.Items))
			if !ok {
				return nil, errors.New("pop index out of range")
			}
			v := l.Items[i]
			l.Items = append(l.Items[:i], l.Items[i+1:]...)
			return v, nil
		})
	case "remove":
		return with([]string{"value"}, []Value{required}, func(a []Value) (Value, error) {
			for i, it := range l.Items {
				if equal(it, a[0]) {
					l.Items = append(l.Items[:i], l.Items[i+1:]...)
					return nil, nil
				}
			}
			return nil, errors.New("list.remove(x): x not in list")
		})
	case "index":
		return with([]string{"value", "start", "stop"}, []Value{required, nil, nil}, func(a []Value) (Value, error) {
			var st, en *int64
			if a[1] != nil {
				v, _ := asInt(a[1])
				st = &v
			}
			if a[2] != nil {
				v, _ := asInt(a[2])
				en = &v
			}
			lo, hi, _, _ := sliceIndices(st, en, nil, len(l.Items))
			for i := lo; i < hi; i++ {
				if equal(l.Items[i], a[0]) {
					return int64(i), nil
				}
			}
			return nil, errors.New(repr(a[0]) + " is not in list")
		})
	case "count":
		return with([]string{"value"}, []Value{required}, func(a []Value) (Value, error) {
			n := int64(0)
			for _, it := range l.Items {
				if equal(it, a[0]) {
					n++
				}
			}
			return n, nil
		})
	case "reverse":
		return with(nil, nil, func(a []Value) (Value, error) {
			for i, j := 0, len(l.Items)-1; i < j; i, j = i+1, j-1 {
				l.Items[i], l.Items[j] = l.Items[j], l.Items[i]
			}
			return nil, nil
		})
	case "sort":
		return with([]string{"reverse"}, []Value{false}, func(a []Value) (Value, error) {
			items := append([]Value(nil), l.Items...)
			if err := sortValues(items, func(v Value) Value { return v }, Truthy(a[0])); err != nil {
				return nil, err
			}
			l.Items = items
			return nil, nil
		})
	case "copy":
		return with(nil, nil, func(a []Value) (Value, error) {
			return &List{Items: append([]Value(nil), l.Items...)}, nil
		})
	case "clear":
		return with(nil, nil, func(a []Value) (Value, error) {
			l.Items = nil
			return nil, nil
		})
	}
	return nil
}

// sortValues sorts stably by key, failing like Python on unorderable values.
func sortValues(items []Value, key func(Value) Value, reverse bool) error {
	var err error
	keys := make([]Value, len(items))
	for i, it := range items {
		keys[i] = key(it)
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := keys[idx[a]], keys[idx[b]]
		if reverse {
			ka, kb = kb, ka
		}
		c, ok := compare(ka, kb)
		if !ok && err == nil {
			err = typeErr("'<' not supported between instances of " + pyQuote(typeName(ka)) + " and " + pyQuote(typeName(kb)))
		}
		return c < 0
	})
	sorted := make([]Value, len(items))
	for i, j := range idx {
		sorted[i] = items[j]
	}
	copy(items, sorted)
	return err
}

func tupleMethod(t Tuple, name string) Value {
	switch name {
	case "index", "count":
		return listMethod(&List{Items: t}, name)
	}
	return nil
}

// dictView is what dict.items()/keys()/values() return: iterable, rendered like Python.
type dictView struct {
	kind  string
	items []Value
}

// JinjaIter implements iterable.
func (v *dictView) JinjaIter() []Value { return v.items }

// dictMethod returns the bound dict method name of d, or nil.
func dictMethod(d *Dict, name string) Value {
	with := func(params []string, defaults []Value, f func(a []Value) (Value, error)) Value {
		return method(func(args []Value, kw []KeywordArg) (Value, error) {
			a, err := bindArgs(name, args, kw, params, defaults)
			if err != nil {
				return nil, err
			}
			return f(a)
		})
	}
	switch name {
	case "items":
		return with(nil, nil, func([]Value) (Value, error) {
			items := make([]Value, len(d.keys))
			for i, k := range d.keys {
				items[i] = Tuple{k, d.vals[i]}
			}
			return &dictView{kind: "dict_items", items: items}, nil
		})
	case "keys":
		return with(nil, nil, func([]Value) (Value, error) {
			return &dictView{kind: "dict_keys", items: d.Keys()}, nil
		})
	case "values":
		return with(nil, nil, func([]Value) (Value, error) {
			return &dictView{kind: "dict_values", items: d.Values()}, nil
		})
	case "get":
		return with([]string{"key", "default"}, []Value{required, nil}, func(a []Value) (Value, error) {
			if !hashable(a[0]) {
				return nil, typeErr("unhashable type: " + pyQuote(typeName(a[0])))
			}
			if v, ok := d.Get(a[0]); ok {
				return v, nil
			}
			return a[1], nil
		})
	case "setdefault":
		return with([]string{"key", "default"}, []Value{required, nil}, func(a []Value) (Value, error) {
			if !hashable(a[0]) {
				return nil, typeErr("unhashable type: " + pyQuote(typeName(a[0])))
			}
			if v, ok := d.Get(a[0]); ok {
				return v, nil
			}
			d.Set(a[0], a[1])
			return a[1], nil
		})
	case "pop":
		return method(func(args []Value, kw []KeywordArg) (Value, error) {
			if len(args) < 1 || len(args) > 2 {
				return nil, typeErr("pop expected at most 2 arguments, got " + itoa(len(args)))
			}
			if v, ok := d.Get(args[0]); ok {
				d.Delete(args[0])
				return v, nil
			}
			if len(args) == 2 {
				return args[1], nil
			}
			return nil, errors.New(repr(args[0]))
		})
	case "popitem":
		return with(nil, nil, func([]Value) (Value, error) {
			if d.Len() == 0 {
				return nil, errors.New("'popitem(): dictionary is empty'")
			}
			k := d.keys[len(d.keys)-1]
			v := d.vals[len(d.vals)-1]
			d.Delete(k)
			return Tuple{k, v}, nil
		})
	case "update":
		return method(func(args []Value, kw []KeywordArg) (Value, error) {
			if len(args) > 1 {
				return nil, typeErr("update expected at most 1 argument, got " + itoa(len(args)))
			}
			if len(args) == 1 {
				switch o := args[0].(type) {
				case *Dict:
					for i, k := range o.keys {
						d.Set(k, o.vals[i])
					}
				default:
					items, ok := iterValues(o)
					if !ok {
						return nil, typeErr(pyQuote(typeName(o)) + " object is not iterable")
					}
					for _, it := range items {
						pair, ok := iterValues(it)
						if !ok || len(pair) != 2 {
							return nil, errors.New("dictionary update sequence element has wrong length")
						}
						d.Set(pair[0], pair[1])
					}
				}
			}
			for _, k := range kw {
				d.Set(k.Name, k.Value)
			}
			return nil, nil
		})
	case "copy":
		return with(nil, nil, func([]Value) (Value, error) { return d.copyDict(), nil })
	case "fromkeys":
		return with([]string{"iterable", "value"}, []Value{required, nil}, func(a []Value) (Value, error) {
			items, ok := iterValues(a[0])
			if !ok {
				return nil, typeErr(pyQuote(typeName(a[0])) + " object is not iterable")
			}
			out := NewDict()
			for _, k := range items {
				if !hashable(k) {
					return nil, typeErr("unhashable type: " + pyQuote(typeName(k)))
				}
				out.Set(k, a[1])
			}
			return out, nil
		})
	case "clear":
		return with(nil, nil, func([]Value) (Value, error) {
			d.clear()
			return nil, nil
		})
	}
	return nil
}

// fastMethod runs the most common methods on built-in values directly (no bound-method
// allocation). ok=false means "not handled here": the caller does a normal lookup, which
// also reports errors such as wrong argument counts.
func fastMethod(recv Value, name string, args []Value) (Value, bool, error) {
	switch x := recv.(type) {
	case string:
		switch name {
		case "lower":
			if len(args) == 0 {
				return pyLower(x), true, nil
			}
		case "upper":
			if len(args) == 0 {
				return pyUpper(x), true, nil
			}
		case "strip":
			if len(args) == 0 {
				return strings.TrimFunc(x, pyIsSpace), true, nil
			}
		case "startswith", "endswith":
			if len(args) == 1 {
				ok, err := matchAffix(x, args[0], name == "startswith")
				return ok, true, err
			}
		case "replace":
			if len(args) == 2 {
				o, ok1 := args[0].(string)
				n, ok2 := args[1].(string)
				if ok1 && ok2 {
					return strings.ReplaceAll(x, o, n), true, nil
				}
			}
		case "split":
			if len(args) <= 1 {
				var sep Value
				if len(args) == 1 {
					sep = args[0]
				}
				parts, err := pySplit(x, sep, -1, false)
				if err != nil {
					return nil, true, err
				}
				return &List{Items: parts}, true, nil
			}
		}
	case *List:
		switch name {
		case "append":
			if len(args) == 1 {
				x.Items = append(x.Items, args[0])
				return nil, true, nil
			}
		}
	case *Dict:
		switch name {
		case "get":
			if len(args) >= 1 && hashable(args[0]) {
				if v, ok := x.Get(args[0]); ok {
					return v, true, nil
				}
				if len(args) == 2 {
					return args[1], true, nil
				}
				return nil, true, nil
			}
		case "items":
			if len(args) == 0 {
				items := make([]Value, len(x.keys))
				for i, k := range x.keys {
					items[i] = Tuple{k, x.vals[i]}
				}
				return &dictView{kind: "dict_items", items: items}, true, nil
			}
		case "keys":
			if len(args) == 0 {
				return &dictView{kind: "dict_keys", items: x.Keys()}, true, nil
			}
		case "values":
			if len(args) == 0 {
				return &dictView{kind: "dict_values", items: x.Values()}, true, nil
			}
		}
	}
	return nil, false, nil
}

// Python's full case mappings where they differ from Go's simple ones.
var (
	specialUpper = map[rune]string{'ß': "SS", 'ﬀ': "FF", 'ﬁ': "FI", 'ﬂ': "FL", 'ﬃ': "FFI", 'ﬄ': "FFL", 'ﬅ': "ST", 'ﬆ': "ST", 'ŉ': "ʼN", 'ǰ': "J̌", 'ΐ': "Ϊ́", 'ΰ': "Ϋ́", 'և': "ԵՒ"}
	specialTitle = map[rune]string{'ß': "Ss", 'ﬀ': "Ff", 'ﬁ': "Fi", 'ﬂ': "Fl", 'ﬃ': "Ffi", 'ﬄ': "Ffl", 'ﬅ': "St", 'ﬆ': "St", 'ŉ': "ʼN", 'և': "Եւ"}
	specialLower = map[rune]string{'İ': "i̇"}
)

func pyUpper(s string) string {
	for _, r := range s {
		if _, ok := specialUpper[r]; ok {
			var b strings.Builder
			for _, r := range s {
				if u, ok := specialUpper[r]; ok {
					b.WriteString(u)
				} else {
					b.WriteRune(unicode.ToUpper(r))
				}
			}
			return b.String()
		}
	}
	return strings.ToUpper(s)
}

func pyLower(s string) string {
	if strings.ContainsRune(s, 'İ') {
		return strings.ReplaceAll(strings.ToLower(strings.ReplaceAll(s, "İ", "\x00")), "\x00", specialLower['İ'])
	}
	return strings.ToLower(s)
}

func titleRune(r rune) string {
	if t, ok := specialTitle[r]; ok {
		return t
	}
	return string(unicode.ToTitle(r))
}

// isPyDigit is str.isdigit for one rune: decimal digits plus super/subscripts and the
// circled digits (Unicode Numeric_Type=Digit).
func isPyDigit(r rune) bool {
	switch {
	case unicode.IsDigit(r):
		return true
	case r == '¹' || r == '²' || r == '³' || r >= '⁰' && r <= '⁹' && r != 'ⁱ' && r != '⁺' || r >= '₀' && r <= '₉':
		return r != 0x2072 && r != 0x2073
	case r >= 0x2460 && r <= 0x2468, r >= 0x2474 && r <= 0x247C, r >= 0x2488 && r <= 0x2490, r == 0x24EA, r >= 0x24F5 && r <= 0x24FD, r == 0x24FF, r >= 0x2776 && r <= 0x277E, r >= 0x2780 && r <= 0x2788, r >= 0x278A && r <= 0x2792:
		return true
	}
	return false
}

// asciiDigits maps Unicode decimal digits to ASCII, as Python's int() and float() accept.
func asciiDigits(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r >= 0x80 && unicode.IsDigit(r) {
			start := r
			for unicode.IsDigit(start - 1) {
				start--
			}
			b.WriteByte(byte('0' + (r-start)%10))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
