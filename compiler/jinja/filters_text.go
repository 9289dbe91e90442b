package jinja

import (
	"errors"
	"html"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// More filters: replace … wordwrap, following Jinja2's filters.py.

// addTextFilters registers replace, reverse, round, select/reject(attr), slice, sort,
// string, sum, title, tojson, trim, truncate, unique, wordcount, striptags, pprint,
// urlencode, filesizeformat, xmlattr and wordwrap.
func addTextFilters(f map[string]Func) {
	f["replace"] = filter("replace", []string{"s", "old", "new", "count"}, []Value{required, required, required, nil}, func(c *Call, a []Value) (Value, error) {
		n := -1
		if a[3] != nil {
			v, _ := toInt(a[3])
			n = int(v)
		}
		return strings.Replace(str(a[0]), str(a[1]), str(a[2]), n), nil
	})
	f["reverse"] = filter("reverse", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		if s, ok := a[0].(string); ok {
			return reverseString(s), nil
		}
		if m, ok := a[0].(Markup); ok { // value[::-1], Markup.__getitem__
			return Markup(reverseString(string(m))), nil
		}
		if it, ok := reversedOf(a[0]); ok {
			return it, nil
		}
		items, err := listOf(a[0]) // rv = list(value); rv.reverse()
		if err != nil {
			return nil, typeErr("argument must be iterable")
		}
		out := make([]Value, len(items))
		for i, it := range items {
			out[len(items)-1-i] = it
		}
		return &List{Items: out}, nil
	})
	f["round"] = filter("round", []string{"value", "precision", "method"}, []Value{required, int64(0), "common"}, func(c *Call, a []Value) (Value, error) {
		prec, _ := toInt(a[1])
		if b, ok := a[0].(*big.Int); ok && a[2] == "common" {
			return roundBigInt(b, prec), nil
		}
		var fl float64
		var k int
		if b, ok := a[0].(*big.Int); ok {
			fl, k = bigFloat(b), 2
		} else {
			_, fl, k = num(a[0])
		}
		if k == 0 {
			return nil, typeErr("type " + typeName(a[0]) + " doesn't define __round__ method")
		}
		p := math.Pow(10, float64(prec))
		switch a[2] {
		case "common":
			if i, ok := asInt(a[0]); ok {
				if prec >= 0 {
					return i, nil
				}
				if prec < -18 {
					return int64(0), nil
				}
				m := int64(math.Pow(10, float64(-prec)))
				q, rem := floorDiv(i, m), floorMod(i, m)
				if 2*rem > m || (2*rem == m && q%2 != 0) {
					q++
				}
				return q * m, nil
			}
			return pyRound(fl, int(prec)), nil
		case "ceil", "floor":
			// math.ceil and math.floor return an int, so they refuse inf and nan
			switch x := fl * p; {
			case math.IsInf(x, 0):
				return nil, errors.New("OverflowError: cannot convert float infinity to integer")
			case math.IsNaN(x):
				return nil, errors.New("ValueError: cannot convert float NaN to integer")
			}
		}
		switch a[2] {
		case "ceil": // an int: never -0.0
			return math.Ceil(fl*p)/p + 0, nil
		case "floor":
			return math.Floor(fl*p)/p + 0, nil
		}
		return nil, errors.New("method must be common, ceil or floor")
	})
	selectFn := func(name string, attr, want bool) Func {
		return func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
			if len(args) == 0 {
				return nil, typeErr(name + "() missing required argument 'value'")
			}
			var out []Value // what the generator yields before an error
			return lazy("select_or_reject", &out, func() (Value, error) {
				r := rOf(c)
				if !Truthy(args[0]) {
					return newGen("select_or_reject", nil), nil
				}
				items, err := listOf(args[0])
				if err != nil {
					return nil, err
				}
				rest := args[1:]
				get := func(v Value) Value { return v }
				if attr {
					if len(rest) == 0 {
						return nil, typeErr("Missing parameter for attribute name")
					}
					get = r.attrGetter(rest[0], false, nil)
					rest = rest[1:]
				}
				test := func(v Value) (bool, error) { return Truthy(v), nil }
				if len(rest) > 0 {
					tname, _ := rest[0].(string)
					t, ok := r.env.Tests[tname]
					if !ok {
						return nil, errors.New("No test named " + pyQuote(tname) + ".")
					}
					targs := rest[1:]
					test = func(v Value) (bool, error) {
						res, err := t(c, append([]Value{v}, targs...), kwargs)
						return Truthy(res), err
					}
				}
				for _, it := range items {
					ok, err := test(get(it))
					if err != nil {
						return nil, err
					}
					if ok == want {
						out = append(out, it)
					}
				}
				return newGen("select_or_reject", out), nil
			})
		}
	}
	f["select"] = selectFn("select", false, true)
	f["reject"] = selectFn("reject", false, false)
	f["selectattr"] = selectFn("selectattr", true, true)
	f["rejectattr"] = selectFn("rejectattr", true, false)
	f["slice"] = filter("slice", []string{"value", "slices", "fill_with"}, []Value{required, required, nil}, func(c *Call, a []Value) (Value, error) {
		return lazy("sync_do_slice", nil, func() (Value, error) {
			items, err := listOf(a[0])
			if err != nil {
				return nil, err
			}
			n, _ := toInt(a[1])
			if n <= 0 {
				return nil, errors.New("slices must be positive")
			}
			per := len(items) / int(n)
			extra := len(items) % int(n)
			offset := 0
			var out []Value
			for i := 0; i < int(n); i++ {
				start := offset + i*per
				if i < extra {
					offset++
				}
				end := offset + (i+1)*per
				chunk := append([]Value{}, items[start:end]...)
				if a[2] != nil && i >= extra {
					chunk = append(chunk, a[2])
				}
				out = append(out, &List{Items: chunk})
			}
			return newGen("sync_do_slice", out), nil
		})
	})
	f["sort"] = filter("sort", []string{"value", "reverse", "case_sensitive", "attribute"}, []Value{required, false, false, nil}, func(c *Call, a []Value) (Value, error) {
		items, err := listOf(a[0])
		if err != nil {
			return nil, err
		}
		items = append([]Value{}, items...)
		// make_multi_attrgetter keys every item by a list, so equal keys (two Undefined
		// for a missing attribute, say) are never ordered with "<".
		get := rOf(c).attrGetter(a[3], !Truthy(a[2]), nil)
		if s, ok := a[3].(string); ok && strings.Contains(s, ",") {
			var gets []func(Value) Value
			for _, part := range strings.Split(s, ",") {
				gets = append(gets, rOf(c).attrGetter(strings.TrimSpace(part), !Truthy(a[2]), nil))
			}
			get = func(v Value) Value {
				t := make(Tuple, len(gets))
				for i, g := range gets {
					t[i] = g(v)
				}
				return t
			}
		}
		err = sortValuesEq(items, get, Truthy(a[1]), true)
		return &List{Items: items}, err
	})
	f["string"] = filter("string", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		if m, ok := a[0].(Markup); ok {
			return m, nil
		}
		return str(a[0]), nil
	})
	f["sum"] = filter("sum", []string{"iterable", "attribute", "start"}, []Value{required, nil, int64(0)}, func(c *Call, a []Value) (Value, error) {
		items, err := listOf(a[0])
		if err != nil {
			return nil, err
		}
		switch a[2].(type) {
		case string, Markup: // Python's sum() refuses str starts
			return nil, typeErr("sum() can't sum strings [use ''.join(seq) instead]")
		}
		get := rOf(c).attrGetter(a[1], false, nil)
		total := a[2]
		for _, it := range items {
			total, err = binop("+", total, get(it))
			if err != nil {
				return nil, err
			}
		}
		return total, nil
	})
	f["title"] = filter("title", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return jinjaTitle(str(a[0])), nil
	})
	f["tojson"] = filter("tojson", []string{"value", "indent"}, []Value{required, nil}, func(c *Call, a []Value) (Value, error) {
		ind := ""
		if n, ok := asInt(a[1]); ok && a[1] != nil {
			ind = strings.Repeat(" ", int(n))
		} else if s, ok := a[1].(string); ok {
			ind = s
		}
		s, err := toJSON(a[0], ind, 0)
		if err != nil {
			return nil, err
		}
		return Markup(htmlSafeJSON(s)), nil
	})
	f["trim"] = filter("trim", []string{"value", "chars"}, []Value{required, nil}, func(c *Call, a []Value) (Value, error) {
		v, err := stripChars(str(a[0]), a[1], true, true)
		if err != nil {
			return nil, err
		}
		return keepMarkup(a[0], v), nil
	})
	f["truncate"] = filter("truncate", []string{"s", "length", "killwords", "end", "leeway"}, []Value{required, int64(255), false, "...", nil}, func(c *Call, a []Value) (Value, error) {
		n, _ := toInt(a[1])
		lw := int64(5)
		if a[4] != nil {
			lw, _ = toInt(a[4])
		}
		if _, isStr := optStr(a[0]); !isStr {
			if u, ok := a[0].(*Undefined); ok {
				return u, nil
			}
			ln, err := length(a[0])
			if err != nil {
				return nil, err
			}
			if int64(ln) <= n+lw {
				return a[0], nil
			}
			return nil, typeErr(pyQuote(typeName(a[0])) + " object has no attribute 'rsplit'")
		}
		s, end := str(a[0]), str(a[3])
		out, err := truncate(s, int(n), Truthy(a[2]), end, int(lw))
		if _, ok := a[0].(Markup); ok && err == nil {
			// a Markup is sliced as Markup, and Markup + end escapes end
			if out == s {
				return a[0], nil
			}
			return Markup(strings.TrimSuffix(out, end) + markupEscapeValue(a[3]).(string)), nil
		}
		return out, err
	})
	f["unique"] = filter("unique", []string{"value", "case_sensitive", "attribute"}, []Value{required, false, nil}, func(c *Call, a []Value) (Value, error) {
		return lazy("sync_do_unique", nil, func() (Value, error) {
			items, err := listOf(a[0])
			if err != nil {
				return nil, err
			}
			get := rOf(c).attrGetter(a[2], !Truthy(a[1]), nil)
			seen := NewDict()
			out := []Value{}
			for _, it := range items {
				k := get(it)
				if !hashable(k) {
					return nil, typeErr("unhashable type: " + pyQuote(typeName(k)))
				}
				if _, ok := seen.Get(k); ok {
					continue
				}
				seen.Set(k, true)
				out = append(out, it)
			}
			return newGen("sync_do_unique", out), nil
		})
	})
	f["wordcount"] = filter("wordcount", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return int64(wordcount(str(a[0]))), nil
	})
	f["striptags"] = filter("striptags", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return stripTags(str(a[0])), nil
	})
	f["pprint"] = filter("pprint", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return pformat(a[0]), nil
	})
	f["urlencode"] = filter("urlencode", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		if s, ok := optStr(a[0]); ok {
			return urlQuote(s, "/"), nil
		}
		var pairs []Value
		if d, ok := a[0].(*Dict); ok {
			for i, k := range d.keys {
				pairs = append(pairs, Tuple{k, d.vals[i]})
			}
		} else if items, ok := iterValues(a[0]); ok {
			pairs = items
		} else {
			return urlQuote(str(a[0]), "/"), nil
		}
		parts := make([]string, 0, len(pairs))
		for _, p := range pairs {
			kv, ok := iterValues(p)
			if !ok || len(kv) != 2 {
				return nil, typeErr("urlencode expects pairs")
			}
			q := func(v Value) string { return strings.ReplaceAll(urlQuote(str(v), ""), "%20", "+") }
			parts = append(parts, q(kv[0])+"="+q(kv[1]))
		}
		return strings.Join(parts, "&"), nil
	})
	f["filesizeformat"] = filter("filesizeformat", []string{"value", "binary"}, []Value{required, false}, func(c *Call, a []Value) (Value, error) {
		fv, ok := toFloat(a[0], nil).(float64)
		if b, isBig := a[0].(*big.Int); isBig {
			fv, ok = bigFloat(b), true
		}
		if !ok {
			return nil, typeErr("float() argument must be a string or a real number")
		}
		base := 1000.0
		prefixes := []string{"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}
		if Truthy(a[1]) {
			base = 1024
			prefixes = []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"}
		}
		if fv == 1 {
			return "1 Byte", nil
		}
		if fv < base {
			return ToString(floatToInt(fv)) + " Bytes", nil // int(bytes): exact beyond 64 bits
		}
		unit := base
		prefix := ""
		for i, p := range prefixes {
			unit = math.Pow(base, float64(i+2))
			prefix = p
			if fv < unit {
				break
			}
		}
		if v := base * fv / unit; math.IsInf(v, 0) || math.IsNaN(v) {
			return nonFiniteStr(v) + " " + prefix, nil // f"{v:.1f}" spells them inf, -inf, nan
		}
		return strconv.FormatFloat(base*fv/unit, 'f', 1, 64) + " " + prefix, nil
	})
	f["xmlattr"] = filter("xmlattr", []string{"d", "autospace"}, []Value{required, true}, func(c *Call, a []Value) (Value, error) {
		d, ok := a[0].(*Dict)
		if !ok {
			return nil, typeErr("xmlattr expects a mapping")
		}
		var parts []string
		for i, k := range d.keys {
			v := d.vals[i]
			if v == nil {
				continue
			}
			if _, u := v.(*Undefined); u {
				continue
			}
			ks := str(k)
			if strings.ContainsAny(ks, " />=\t\n\r\f\v") { // _attr_key_re: [\s/>=], re.ASCII
				return nil, errors.New("Invalid character in attribute name: " + pyQuote(ks))
			}
			parts = append(parts, escapeHTML(ks)+"=\""+escapeHTML(str(v))+"\"")
		}
		out := strings.Join(parts, " ")
		if Truthy(a[1]) && out != "" {
			out = " " + out
		}
		// do_xmlattr returns Markup only when autoescaping, which dbt never turns on.
		return out, nil
	})
	f["wordwrap"] = filter("wordwrap", []string{"s", "width", "break_long_words", "wrapstring", "break_on_hyphens"}, []Value{required, int64(79), true, nil, true}, func(c *Call, a []Value) (Value, error) {
		switch x := a[0].(type) {
		case string, Markup:
		case *Undefined:
			return nil, undefErr(x)
		default:
			// do_wordwrap calls s.splitlines()
			return nil, errors.New(pyQuote(typeName(x)) + " object has no attribute 'splitlines'")
		}
		w, _ := toInt(a[1])
		sep := "\n"
		if a[3] != nil {
			sep = str(a[3])
		}
		var out []string
		for _, line := range splitLines(str(a[0])) {
			wrapped, err := textWrap(line, w, Truthy(a[2]), Truthy(a[4]))
			if err != nil {
				return nil, err
			}
			out = append(out, strings.Join(wrapped, sep))
		}
		return strings.Join(out, sep), nil
	})
}

// stripTags is markupsafe 3's Markup.striptags: comments, then tags removed (an unclosed
// one stays), whitespace runs collapsed to one space, then HTML entities unescaped.
func stripTags(s string) string {
	for {
		start := strings.Index(s, "<!--")
		if start < 0 {
			break
		}
		end := strings.Index(s[start:], "-->")
		if end < 0 {
			break
		}
		s = s[:start] + s[start+end+3:]
	}
	for {
		start := strings.IndexByte(s, '<')
		if start < 0 {
			break
		}
		end := strings.IndexByte(s[start:], '>')
		if end < 0 {
			break
		}
		s = s[:start] + s[start+end+1:]
	}
	return html.UnescapeString(strings.Join(strings.FieldsFunc(s, pyIsSpace), " "))
}

// keepMarkup returns out as Markup when the filter's input was Markup: Jinja2's filters
// that call a str method on soft_str(value) (upper, lower, capitalize, trim, center) keep
// the type.
func keepMarkup(in Value, out Value) Value {
	if _, ok := in.(Markup); ok {
		if s, ok := out.(string); ok {
			return Markup(s)
		}
	}
	return out
}

// roundBigInt is round(n, prec) for an int beyond 64 bits: unchanged for prec >= 0,
// else to the nearest multiple of 10**-prec, ties to even.
func roundBigInt(b *big.Int, prec int64) Value {
	if prec >= 0 {
		return b
	}
	m := new(big.Int).Exp(big.NewInt(10), big.NewInt(-prec), nil)
	q, rem := new(big.Int).DivMod(b, m, new(big.Int)) // rem >= 0: floor division
	twice := new(big.Int).Lsh(rem, 1)
	if c := twice.Cmp(m); c > 0 || c == 0 && q.Bit(0) == 1 {
		q.Add(q, big.NewInt(1))
	}
	return normBig(q.Mul(q, m))
}

func reverseString(s string) string {
	rs := []rune(s)
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return string(rs)
}
