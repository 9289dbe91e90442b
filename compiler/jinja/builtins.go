package jinja

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"
)

var (
	builtinOnce sync.Once
	builtinE    *Env
)

// builtinEnv is a shared Env with only the built-ins, for host-made Calls.
func builtinEnv() *Env {
	builtinOnce.Do(func() { builtinE = NewEnv() })
	return builtinE
}

// NewEnv returns an Env with Jinja2's built-in filters, tests and globals registered.
func NewEnv() *Env {
	return &Env{
		Globals: builtinGlobals(),
		Filters: builtinFilters(),
		Tests:   builtinTests(),
		Tags:    map[string]TagKind{},
	}
}

func builtinFilters() map[string]Func {
	f := map[string]Func{}
	f["abs"] = filter("abs", []string{"x"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		i, fl, k := num(a[0])
		switch k {
		case 1:
			if i < 0 {
				return -i, nil
			}
			return i, nil
		case 2:
			return math.Abs(fl), nil
		}
		return nil, typeErr("bad operand type for abs(): " + pyQuote(typeName(a[0])))
	})
	f["attr"] = filter("attr", []string{"obj", "name"}, []Value{required, required}, func(c *Call, a []Value) (Value, error) {
		name, ok := a[1].(string)
		if !ok {
			return nil, typeErr("attribute name must be string")
		}
		if _, isDict := a[0].(*Dict); isDict {
			if m := dictMethod(a[0].(*Dict), name); m != nil {
				return m, nil
			}
			return &Undefined{Name: name, hint: pyQuote(objectTypeRepr(a[0])) + " has no attribute " + pyQuote(name)}, nil
		}
		return rOf(c).getattr(a[0], name, c.Pos), nil
	})
	f["batch"] = filter("batch", []string{"value", "linecount", "fill_with"}, []Value{required, required, nil}, func(c *Call, a []Value) (Value, error) {
		items, err := listOf(a[0])
		if err != nil {
			return nil, err
		}
		n, ok := toInt(a[1])
		if !ok {
			return nil, typeErr("batch size must be an integer")
		}
		out := []Value{}
		tmp := []Value{}
		for _, it := range items {
			if int64(len(tmp)) == n {
				out = append(out, &List{Items: tmp})
				tmp = []Value{}
			}
			tmp = append(tmp, it)
		}
		if len(tmp) > 0 {
			if a[2] != nil && int64(len(tmp)) < n {
				for int64(len(tmp)) < n {
					tmp = append(tmp, a[2])
				}
			}
			out = append(out, &List{Items: tmp})
		}
		return &List{Items: out}, nil
	})
	f["capitalize"] = filter("capitalize", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return pyCapitalize(str(a[0])), nil
	})
	f["center"] = filter("center", []string{"value", "width"}, []Value{required, int64(80)}, func(c *Call, a []Value) (Value, error) {
		w, _ := toInt(a[1])
		return pyCenter(str(a[0]), int(w), " "), nil
	})
	def := filter("default", []string{"value", "default_value", "boolean"}, []Value{required, "", false}, func(c *Call, a []Value) (Value, error) {
		if _, ok := a[0].(*Undefined); ok || (Truthy(a[2]) && !Truthy(a[0])) {
			return a[1], nil
		}
		return a[0], nil
	})
	f["default"], f["d"] = def, def
	f["dictsort"] = filter("dictsort", []string{"value", "case_sensitive", "by", "reverse"}, []Value{required, false, "key", false}, func(c *Call, a []Value) (Value, error) {
		d, ok := a[0].(*Dict)
		if !ok {
			return nil, typeErr(pyQuote(typeName(a[0])) + " object has no attribute 'items'")
		}
		pos := 0
		switch a[2] {
		case "key":
		case "value":
			pos = 1
		default:
			return nil, errors.New("You can only sort by either \"key\" or \"value\"")
		}
		items := make([]Value, d.Len())
		for i, k := range d.keys {
			items[i] = Tuple{k, d.vals[i]}
		}
		cs := Truthy(a[1])
		err := sortValues(items, func(v Value) Value {
			k := v.(Tuple)[pos]
			if !cs {
				return ignoreCase(k)
			}
			return k
		}, Truthy(a[3]))
		return &List{Items: items}, err
	})
	esc := filter("escape", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		if m, ok := a[0].(Markup); ok {
			return m, nil
		}
		return Markup(escapeHTML(str(a[0]))), nil
	})
	f["escape"], f["e"] = esc, esc
	f["forceescape"] = filter("forceescape", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return Markup(escapeHTML(str(a[0]))), nil
	})
	f["safe"] = filter("safe", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return Markup(str(a[0])), nil
	})
	f["first"] = filter("first", []string{"seq"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		items, err := listOf(a[0])
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return &Undefined{hint: "No first item, sequence was empty."}, nil
		}
		return items[0], nil
	})
	f["last"] = filter("last", []string{"seq"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		items, err := listOf(a[0])
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return &Undefined{hint: "No last item, sequence was empty."}, nil
		}
		return items[len(items)-1], nil
	})
	f["float"] = filter("float", []string{"value", "default"}, []Value{required, 0.0}, func(c *Call, a []Value) (Value, error) {
		if u, ok := a[0].(*Undefined); ok {
			return nil, &undefinedErr{u}
		}
		return toFloat(a[0], a[1]), nil
	})
	f["int"] = filter("int", []string{"value", "default", "base"}, []Value{required, int64(0), int64(10)}, func(c *Call, a []Value) (Value, error) {
		if u, ok := a[0].(*Undefined); ok {
			return nil, &undefinedErr{u}
		}
		base, _ := toInt(a[2])
		return toIntFilter(a[0], a[1], int(base)), nil
	})
	f["format"] = func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		if len(args) == 0 {
			return nil, typeErr("format() missing required argument 'value'")
		}
		if len(args) > 1 && len(kwargs) > 0 {
			return nil, errors.New("can't handle positional and keyword arguments at the same time")
		}
		if len(kwargs) > 0 {
			d := NewDict()
			for _, k := range kwargs {
				d.Set(k.Name, k.Value)
			}
			return percentFormat(str(args[0]), d)
		}
		return percentFormat(str(args[0]), Tuple(args[1:]))
	}
	f["groupby"] = filter("groupby", []string{"value", "attribute", "default", "case_sensitive"}, []Value{required, required, nil, false}, func(c *Call, a []Value) (Value, error) {
		r := rOf(c)
		items, err := listOf(a[0])
		if err != nil {
			return nil, err
		}
		items = append([]Value(nil), items...)
		get := r.attrGetter(a[1], !Truthy(a[3]), a[2])
		if err := sortValues(items, get, false); err != nil {
			return nil, err
		}
		var out []Value
		var cur Tuple
		for _, it := range items {
			k := get(it)
			if cur != nil && equal(cur[0], k) {
				l := cur[1].(*List)
				l.Items = append(l.Items, it)
				continue
			}
			cur = Tuple{k, &List{Items: []Value{it}}}
			out = append(out, cur)
		}
		if !Truthy(a[3]) {
			// the grouper shown is the first item's original value
			raw := r.attrGetter(a[1], false, a[2])
			for _, g := range out {
				t := g.(Tuple)
				t[0] = raw(t[1].(*List).Items[0])
			}
		}
		if out == nil {
			out = []Value{}
		}
		return &List{Items: out}, nil
	})
	f["indent"] = filter("indent", []string{"s", "width", "first", "blank"}, []Value{required, int64(4), false, false}, func(c *Call, a []Value) (Value, error) {
		ind, ok := a[1].(string)
		if !ok {
			w, _ := toInt(a[1])
			ind = strings.Repeat(" ", int(w))
		}
		s, isStr := optStr(a[0])
		if !isStr {
			if u, ok := a[0].(*Undefined); ok {
				return nil, &undefinedErr{u}
			}
			return nil, typeErr("unsupported operand type(s) for +=: " + pyQuote(typeName(a[0])) + " and 'str'")
		}
		return indent(s, ind, Truthy(a[2]), Truthy(a[3])), nil
	})
	f["items"] = filter("items", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		switch d := a[0].(type) {
		case *Undefined:
			return &List{Items: []Value{}}, nil
		case *Dict:
			items := make([]Value, d.Len())
			for i, k := range d.keys {
				items[i] = Tuple{k, d.vals[i]}
			}
			return &List{Items: items}, nil
		}
		return nil, typeErr("Can only get item pairs from a mapping.")
	})
	f["join"] = filter("join", []string{"value", "d", "attribute"}, []Value{required, "", nil}, func(c *Call, a []Value) (Value, error) {
		items, err := listOf(a[0])
		if err != nil {
			return nil, err
		}
		if a[2] != nil {
			get := rOf(c).attrGetter(a[2], false, nil)
			mapped := make([]Value, len(items))
			for i, it := range items {
				mapped[i] = get(it)
			}
			items = mapped
		}
		var b strings.Builder
		sep := str(a[1])
		for i, it := range items {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(str(it))
		}
		return b.String(), nil
	})
	ln := filter("length", []string{"obj"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		n, err := length(a[0])
		return int64(n), err
	})
	f["length"], f["count"] = ln, ln
	f["list"] = filter("list", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		items, err := listOf(a[0])
		return &List{Items: append([]Value{}, items...)}, err
	})
	f["lower"] = filter("lower", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return pyLower(str(a[0])), nil
	})
	f["upper"] = filter("upper", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return pyUpper(str(a[0])), nil
	})
	f["map"] = func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		return guard(func() (Value, error) {
			r := rOf(c)
			if len(args) == 0 {
				return nil, typeErr("map() missing required argument 'value'")
			}
			if !Truthy(args[0]) {
				return &List{Items: []Value{}}, nil
			}
			items, err := listOf(args[0])
			if err != nil {
				return nil, err
			}
			var fn func(Value) (Value, error)
			if len(args) == 1 {
				var attr, def Value
				for _, k := range kwargs {
					switch k.Name {
					case "attribute":
						attr = k.Value
					case "default":
						def = k.Value
					default:
						return nil, typeErr("Unexpected keyword argument " + pyQuote(k.Name))
					}
				}
				if attr == nil {
					return nil, typeErr("map requires a filter argument")
				}
				get := r.attrGetter(attr, false, def)
				fn = func(v Value) (Value, error) { return get(v), nil }
			} else {
				name, _ := args[1].(string)
				flt, ok := r.env.Filters[name]
				if !ok {
					return nil, errors.New("No filter named " + pyQuote(name) + ".")
				}
				extra := args[2:]
				fn = func(v Value) (Value, error) {
					return flt(c, append([]Value{v}, extra...), kwargs)
				}
			}
			out := make([]Value, len(items))
			for i, it := range items {
				v, err := fn(it)
				if err != nil {
					return nil, err
				}
				out[i] = normalize(v)
			}
			return &List{Items: out}, nil
		})
	}
	minmax := func(name string, wantMax bool) Func {
		return filter(name, []string{"value", "case_sensitive", "attribute"}, []Value{required, false, nil}, func(c *Call, a []Value) (Value, error) {
			items, err := listOf(a[0])
			if err != nil {
				return nil, err
			}
			if len(items) == 0 {
				return &Undefined{hint: "No aggregated item, sequence was empty."}, nil
			}
			get := rOf(c).attrGetter(a[2], !Truthy(a[1]), nil)
			best := items[0]
			bk := get(best)
			for _, it := range items[1:] {
				k := get(it)
				cmp, ok := compare(k, bk)
				if !ok {
					return nil, typeErr("'<' not supported between instances of " + pyQuote(typeName(k)) + " and " + pyQuote(typeName(bk)))
				}
				if (wantMax && cmp > 0) || (!wantMax && cmp < 0) {
					best, bk = it, k
				}
			}
			return best, nil
		})
	}
	f["max"], f["min"] = minmax("max", true), minmax("min", false)
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
			rs := []rune(s)
			for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
				rs[i], rs[j] = rs[j], rs[i]
			}
			return string(rs), nil
		}
		items, err := listOf(a[0])
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
		_, fl, k := num(a[0])
		if k == 0 {
			return nil, typeErr("type " + typeName(a[0]) + " doesn't define __round__ method")
		}
		prec, _ := toInt(a[1])
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
		case "ceil":
			return math.Ceil(fl*p) / p, nil
		case "floor":
			return math.Floor(fl*p) / p, nil
		}
		return nil, errors.New("method must be common, ceil or floor")
	})
	selectFn := func(name string, attr, want bool) Func {
		return func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
			return guard(func() (Value, error) {
				r := rOf(c)
				if len(args) == 0 {
					return nil, typeErr(name + "() missing required argument 'value'")
				}
				if !Truthy(args[0]) {
					return &List{Items: []Value{}}, nil
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
				out := []Value{}
				for _, it := range items {
					ok, err := test(get(it))
					if err != nil {
						return nil, err
					}
					if ok == want {
						out = append(out, it)
					}
				}
				return &List{Items: out}, nil
			})
		}
	}
	f["select"] = selectFn("select", false, true)
	f["reject"] = selectFn("reject", false, false)
	f["selectattr"] = selectFn("selectattr", true, true)
	f["rejectattr"] = selectFn("rejectattr", true, false)
	f["slice"] = filter("slice", []string{"value", "slices", "fill_with"}, []Value{required, required, nil}, func(c *Call, a []Value) (Value, error) {
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
		return &List{Items: out}, nil
	})
	f["sort"] = filter("sort", []string{"value", "reverse", "case_sensitive", "attribute"}, []Value{required, false, false, nil}, func(c *Call, a []Value) (Value, error) {
		items, err := listOf(a[0])
		if err != nil {
			return nil, err
		}
		items = append([]Value{}, items...)
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
		err = sortValues(items, get, Truthy(a[1]))
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
		return stripChars(str(a[0]), a[1], true, true)
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
		return truncate(str(a[0]), int(n), Truthy(a[2]), str(a[3]), int(lw))
	})
	f["unique"] = filter("unique", []string{"value", "case_sensitive", "attribute"}, []Value{required, false, nil}, func(c *Call, a []Value) (Value, error) {
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
		return &List{Items: out}, nil
	})
	f["wordcount"] = filter("wordcount", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return int64(wordcount(str(a[0]))), nil
	})
	f["striptags"] = filter("striptags", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		s := str(a[0])
		var b strings.Builder
		in := false
		for _, r := range s {
			switch {
			case r == '<':
				in = true
			case r == '>' && in:
				in = false
			case !in:
				b.WriteRune(r)
			}
		}
		return strings.Join(strings.Fields(b.String()), " "), nil
	})
	f["pprint"] = filter("pprint", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return repr(sortedDicts(a[0])), nil
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
			return formatInt(int64(fv)) + " Bytes", nil
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
			if strings.ContainsAny(ks, " />=\t\n\f") {
				return nil, errors.New("Invalid character in attribute name: " + pyQuote(ks))
			}
			parts = append(parts, escapeHTML(ks)+"=\""+escapeHTML(str(v))+"\"")
		}
		out := strings.Join(parts, " ")
		if Truthy(a[1]) && out != "" {
			out = " " + out
		}
		return Markup(out), nil
	})
	f["wordwrap"] = filter("wordwrap", []string{"s", "width", "break_long_words", "wrapstring", "break_on_hyphens"}, []Value{required, int64(79), true, nil, true}, func(c *Call, a []Value) (Value, error) {
		w, _ := toInt(a[1])
		sep := "\n"
		if a[3] != nil {
			sep = str(a[3])
		}
		var out []string
		for _, line := range splitLines(str(a[0])) {
			out = append(out, strings.Join(wrapLine(line, int(w), Truthy(a[2])), sep))
		}
		return strings.Join(out, sep), nil
	})
	return f
}

// sortedDicts copies v with dict keys sorted, as pprint shows them.
func sortedDicts(v Value) Value { return sortedDictsDepth(v, 0) }

func sortedDictsDepth(v Value, depth int) Value {
	if depth > maxNest {
		return v
	}
	switch x := v.(type) {
	case *Dict:
		keys := append([]Value(nil), x.keys...)
		_ = sortValues(keys, func(k Value) Value { return k }, false)
		d := NewDict()
		for _, k := range keys {
			val, _ := x.Get(k)
			d.Set(k, sortedDictsDepth(val, depth+1))
		}
		return d
	case *List:
		out := make([]Value, len(x.Items))
		for i, it := range x.Items {
			out[i] = sortedDictsDepth(it, depth+1)
		}
		return &List{Items: out}
	}
	return v
}

// wrapLine is a simplified textwrap.wrap: greedy on whitespace-separated words.
func wrapLine(line string, width int, breakLong bool) []string {
	words := strings.Fields(line)
	var lines []string
	cur := ""
	for _, w := range words {
		for breakLong && len([]rune(w)) > width && width > 0 {
			room := width
			if cur != "" {
				room = width - len([]rune(cur)) - 1
				if room <= 0 {
					lines = append(lines, cur)
					cur = ""
					room = width
				}
			}
			rs := []rune(w)
			if cur != "" {
				cur += " " + string(rs[:room])
			} else {
				cur = string(rs[:room])
			}
			lines = append(lines, cur)
			cur = ""
			w = string(rs[room:])
		}
		if w == "" {
			continue
		}
		switch {
		case cur == "":
			cur = w
		case len([]rune(cur))+1+len([]rune(w)) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

func urlQuote(s string, safe string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~", c) >= 0 || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex2(int(c))))
		}
	}
	return b.String()
}

// jinjaTitle is Jinja2's do_title: words split on spaces and brackets, first letter upper.
func jinjaTitle(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' || r == '-' || r == '(' || r == '{' || r == '[' || r == '<':
			b.WriteRune(r)
			start = true
		case start:
			b.WriteString(pyUpper(string(r)))
			start = false
		default:
			b.WriteString(pyLower(string(r)))
		}
	}
	return b.String()
}

func toFloat(v, def Value) Value {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case bool:
		if x {
			return 1.0
		}
		return 0.0
	case string, Markup:
		s := asciiDigits(strings.TrimSpace(str(x)))
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
		if err != nil {
			ls := strings.ToLower(s)
			switch ls {
			case "inf", "+inf", "infinity":
				return math.Inf(1)
			case "-inf", "-infinity":
				return math.Inf(-1)
			case "nan":
				return math.NaN()
			}
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return f
			}
			return def
		}
		return f
	}
	return def
}

func toIntFilter(v, def Value, base int) Value {
	switch x := v.(type) {
	case int64:
		return x
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return def
		}
		return floatToInt(x)
	case string, Markup:
		s := asciiDigits(strings.TrimSpace(str(x)))
		clean := strings.ReplaceAll(s, "_", "")
		b := base
		if b == 16 || b == 8 || b == 2 || b == 0 {
			l := strings.ToLower(clean)
			for _, p := range []string{"0x", "0o", "0b"} {
				if strings.HasPrefix(l, p) || strings.HasPrefix(l, "-"+p) || strings.HasPrefix(l, "+"+p) {
					clean = strings.Replace(strings.Replace(l, p, "", 1), "+", "", 1)
					b = map[string]int{"0x": 16, "0o": 8, "0b": 2}[p]
				}
			}
		}
		if b == 0 {
			b = 10
		}
		if i, err := strconv.ParseInt(clean, b, 64); err == nil {
			return i
		}
		if f, ok := toFloat(s, nil).(float64); ok && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return floatToInt(f)
		}
		return def
	}
	return def
}

// floatToInt truncates like Python's int(float), growing to a big int when needed.
func floatToInt(f float64) Value {
	if f >= -9.2e18 && f <= 9.2e18 {
		return int64(f)
	}
	b, _ := big.NewFloat(math.Trunc(f)).Int(nil)
	return normBig(b)
}
