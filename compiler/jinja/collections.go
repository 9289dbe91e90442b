package jinja

import (
	"errors"
	"sort"
)

// Python list, tuple and dict methods; dict views.

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
		return with([]string{"reverse", "key"}, []Value{false, nil}, func(a []Value) (Value, error) {
			if a[1] != nil {
				return nil, errors.New("unsupported: list.sort(key=…) with a key function (key=none is fine)")
			}
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
	return sortValuesEq(items, key, reverse, false)
}

// sortValuesEq is sortValues; with eqFirst, keys that are equal (==) are never ordered
// with "<", as when Python compares the one-item key lists of the sort filter
// (make_multi_attrgetter): two Undefined for a missing attribute compare equal.
func sortValuesEq(items []Value, key func(Value) Value, reverse, eqFirst bool) error {
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
		if eqFirst && (sameObject(ka, kb) || equal(ka, kb)) {
			return false
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

// dictView is what dict.items()/keys()/values() return: iterable, rendered like Python,
// and live as Python's views are: it reads its dict when used, not when made.
type dictView struct {
	kind string // dict_items, dict_keys or dict_values
	d    *Dict
}

// items is the view's content now.
func (v *dictView) items() []Value {
	switch v.kind {
	case "dict_keys":
		return v.d.Keys()
	case "dict_values":
		return v.d.Values()
	}
	items := make([]Value, len(v.d.keys))
	for i, k := range v.d.keys {
		items[i] = Tuple{k, v.d.vals[i]}
	}
	return items
}

// JinjaIter implements iterable.
func (v *dictView) JinjaIter() []Value { return v.items() }

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
			return &dictView{kind: "dict_items", d: d}, nil
		})
	case "keys":
		return with(nil, nil, func([]Value) (Value, error) {
			return &dictView{kind: "dict_keys", d: d}, nil
		})
	case "values":
		return with(nil, nil, func([]Value) (Value, error) {
			return &dictView{kind: "dict_values", d: d}, nil
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
				case *Undefined:
					// dict.update looks for a keys attribute first, which fails
					return nil, undefErr(o)
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
