package jinja

import (
	"errors"
	"math"
	"math/big"
	"strings"
)

// Sequence filters: first … min/max, following Jinja2's filters.py.

// addSequenceFilters registers first, last, float, int, format, groupby, indent, items,
// join, length, list, lower, upper, map, max and min.
func addSequenceFilters(f map[string]Func) {
	f["first"] = filter("first", []string{"seq"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		if g, ok := a[0].(*genVal); ok { // next(iter(seq)) takes one item
			if v, ok := g.next(); ok {
				return v, nil
			}
			return &Undefined{hint: "No first item, sequence was empty."}, nil
		}
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
		if g, ok := a[0].(*genVal); ok { // next(iter(reversed(seq)))
			return nil, typeErr(pyQuote(g.typ) + " object is not reversible")
		}
		items, err := listOf(a[0])
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return &Undefined{hint: "No last item, sequence was empty."}, nil
		}
		if isMarkup(a[0]) {
			// next(reversed(seq)) indexes the Markup, and Markup.__getitem__ gives Markup
			return toMarkup(items[len(items)-1]), nil
		}
		return items[len(items)-1], nil
	})
	f["float"] = filter("float", []string{"value", "default"}, []Value{required, 0.0}, func(c *Call, a []Value) (Value, error) {
		if u, ok := a[0].(*Undefined); ok {
			return nil, &undefinedErr{u}
		}
		if b, ok := a[0].(*big.Int); ok && math.IsInf(bigFloat(b), 0) {
			return nil, errors.New("int too large to convert to float")
		}
		if b, ok := a[0].(bytesVal); ok { // float(b'1.5') parses ASCII digits
			if !b.isASCII() {
				return a[1], nil
			}
			return toFloat(b.s, a[1]), nil
		}
		return toFloat(a[0], a[1]), nil
	})
	f["int"] = filter("int", []string{"value", "default", "base"}, []Value{required, int64(0), int64(10)}, func(c *Call, a []Value) (Value, error) {
		if u, ok := a[0].(*Undefined); ok {
			return nil, &undefinedErr{u}
		}
		base, _ := toInt(a[2])
		if f, ok := a[0].(float64); ok && math.IsInf(f, 0) {
			return nil, errors.New("cannot convert float infinity to integer")
		}
		if b, ok := a[0].(bytesVal); ok { // int(b'12'): ASCII digits, base 10 (do_int passes base for str only)
			if !b.isASCII() {
				return a[1], nil
			}
			return toIntFilter(b.s, a[1], 10), nil
		}
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
			return percentFormatEsc(str(args[0]), d, isMarkup(args[0]))
		}
		// soft_str(value) % args: a Markup value formats as Markup, escaping
		return percentFormatEsc(str(args[0]), Tuple(args[1:]), isMarkup(args[0]))
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
			if _, isFloat := a[1].(float64); isFloat {
				return nil, typeErr("can't multiply sequence by non-int of type 'float'")
			}
			w, _ := toInt(a[1])
			ind = strings.Repeat(" ", int(max(w, 0))) // " " * -2 is ""
		}
		s, isStr := optStr(a[0])
		if !isStr {
			if u, ok := a[0].(*Undefined); ok {
				return nil, &undefinedErr{u}
			}
			return nil, typeErr("unsupported operand type(s) for +=: " + pyQuote(typeName(a[0])) + " and 'str'")
		}
		return keepMarkup(a[0], indent(s, ind, Truthy(a[2]), Truthy(a[3]))), nil
	})
	f["items"] = filter("items", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return lazy("do_items", nil, func() (Value, error) {
			switch d := a[0].(type) {
			case *Undefined:
				return newGen("do_items", nil), nil
			case *Dict:
				items := make([]Value, d.Len())
				for i, k := range d.keys {
					items[i] = Tuple{k, d.vals[i]}
				}
				return newGen("do_items", items), nil
			}
			return nil, typeErr("Can only get item pairs from a mapping.")
		})
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
		return keepMarkup(a[0], pyLower(str(a[0]))), nil
	})
	f["upper"] = filter("upper", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return keepMarkup(a[0], pyUpper(str(a[0]))), nil
	})
	f["map"] = func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		if len(args) == 0 {
			return nil, typeErr("map() missing required argument 'value'")
		}
		var out []Value // what the generator yields before an error
		return lazy("sync_do_map", &out, func() (Value, error) {
			r := rOf(c)
			if len(args) == 0 {
				return nil, typeErr("map() missing required argument 'value'")
			}
			if !Truthy(args[0]) {
				return newGen("sync_do_map", nil), nil
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
			out = make([]Value, 0, len(items))
			for _, it := range items {
				v, err := fn(it)
				if err != nil {
					return nil, err
				}
				out = append(out, normalize(v))
			}
			return newGen("sync_do_map", out), nil
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
}
