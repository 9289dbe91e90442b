package jinja

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// method builds a bound method value.
// builtinMethod is a method of a built-in value looked up as an attribute ('x'.upper
// without calling it): callable, and shown as CPython shows a bound built-in method,
// "<built-in method upper of str object at 0x…>" (the address is the method's own: two
// lookups give two objects, and no address can match another process's).
type builtinMethod struct {
	fn          Value
	name, owner string
}

// CallJinja implements Callable.
func (m *builtinMethod) CallJinja(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
	return m.fn.(Callable).CallJinja(c, args, kwargs)
}

// wrapMethod returns m as a builtinMethod when wrap is set, else as it is.
func wrapMethod(m Value, name, owner string, wrap bool) Value {
	if !wrap {
		return m
	}
	return &builtinMethod{fn: m, name: name, owner: owner}
}

// repr shows an address derived from the method's name, so renders stay deterministic.
func (m *builtinMethod) repr() string {
	h := fnv.New32a()
	h.Write([]byte(m.owner + "." + m.name))
	return fmt.Sprintf("<built-in method %s of %s object at 0x7f%010x>", m.name, m.owner, uint64(h.Sum32())<<4)
}

func method(fn func(args []Value, kwargs []KeywordArg) (Value, error)) Func {
	return func(_ *Call, args []Value, kwargs []KeywordArg) (Value, error) { return fn(args, kwargs) }
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
				return &dictView{kind: "dict_items", d: x}, true, nil
			}
		case "keys":
			if len(args) == 0 {
				return &dictView{kind: "dict_keys", d: x}, true, nil
			}
		case "values":
			if len(args) == 0 {
				return &dictView{kind: "dict_values", d: x}, true, nil
			}
		}
	}
	return nil, false, nil
}
