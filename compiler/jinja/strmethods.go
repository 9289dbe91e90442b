package jinja

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Python str methods and the Unicode case rules they need.

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
// strPosOnly are the str methods with arguments that take no keyword arguments (all but
// split, rsplit, splitlines, expandtabs, encode and format), with the name their TypeError
// gives.
var strPosOnly = map[string]string{
	"center": "str.center", "join": "str.join", "ljust": "str.ljust", "lstrip": "str.lstrip",
	"partition": "str.partition", "removeprefix": "str.removeprefix", "removesuffix": "str.removesuffix",
	"replace": "str.replace", "rjust": "str.rjust", "rpartition": "str.rpartition", "rstrip": "str.rstrip",
	"strip": "str.strip", "translate": "str.translate", "zfill": "str.zfill",
	"count": "count", "endswith": "endswith", "find": "find", "index": "index", "rfind": "rfind",
	"rindex": "rindex", "startswith": "startswith",
}

// strMethod is the method name of the str s, nil when str has none.
func strMethod(s string, name string) Value {
	m := strMethodAny(s, name)
	q, ok := strPosOnly[name]
	if !ok || m == nil {
		return m
	}
	f := m.(Func)
	return Func(func(c *Call, args []Value, kw []KeywordArg) (Value, error) {
		if len(kw) > 0 {
			return nil, typeErr(q + "() takes no keyword arguments")
		}
		return f(c, args, kw)
	})
}

func strMethodAny(s string, name string) Value {
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
	case "encode":
		return strEncode(s)
	case "upper":
		return simple(func() Value { return pyUpper(s) })
	case "lower":
		return simple(func() Value { return pyLower(s) })
	case "casefold":
		return simple(func() Value { return pyCasefold(s) })
	case "swapcase":
		return simple(func() Value { return pySwapcase(s) })
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
			out := []Value{}
			for _, l := range pySplitLines(s, Truthy(a[0])) {
				out = append(out, l)
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
	case "format", "format_map":
		return formatMethod(s, name, false)
	case "maketrans":
		return method(strMaketrans)
	case "translate":
		return with([]string{"table"}, []Value{required}, func(a []Value) (Value, error) { return strTranslate(s, a[0]) })
	case "isascii":
		return simple(func() Value { return strings.IndexFunc(s, func(r rune) bool { return r >= 0x80 }) < 0 })
	case "isprintable":
		// unlike the other is* methods, true for the empty string
		return simple(func() Value { return s == "" || allRunes(s, pyIsPrintable) })
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
			return pyIsTitle(s)
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

// pyIsPrintable is str.isprintable for one character: not in the Unicode categories
// "Other" (Cc, Cf, Cs, Co, Cn) or "Separator" (Zl, Zp, Zs), except the ASCII space.
func pyIsPrintable(r rune) bool {
	if r == ' ' {
		return true
	}
	return !unicode.In(r, unicode.Cc, unicode.Cf, unicode.Cs, unicode.Co, unicode.Zl, unicode.Zp, unicode.Zs) &&
		(unicode.IsPrint(r) || unicode.IsGraphic(r) || unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S))
}

// pySplitLines is str.splitlines(keepends): lines end at \n, \r, \r\n and the other
// Unicode line boundaries.
func pySplitLines(s string, keepends bool) []string {
	var out []string
	rest := s
	for rest != "" {
		j := strings.IndexAny(rest, "\n\r\v\f\x1c\x1d\x1e\u0085\u2028\u2029")
		if j < 0 {
			out = append(out, rest)
			break
		}
		_, size := utf8.DecodeRuneInString(rest[j:])
		end := j + size
		if rest[j] == '\r' && end < len(rest) && rest[end] == '\n' {
			end++
		}
		if keepends {
			out = append(out, rest[:end])
		} else {
			out = append(out, rest[:j])
		}
		rest = rest[end:]
	}
	return out
}
