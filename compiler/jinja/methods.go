package jinja

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// builtinMethod is a method of a built-in value looked up as an attribute ('x'.upper
// without calling it): callable, and shown as CPython shows it. Most are bound built-in
// methods, "<built-in method upper of str object at 0x…>" (the address is the method's own:
// two lookups give two objects, and no address can match another process's); the others
// are named by style.
type builtinMethod struct {
	fn          Value
	name, owner string
	style       methodStyle
	recv        Value // the receiver, shown by styleBound
}

// methodStyle is how CPython shows a method looked up on a built-in value.
type methodStyle uint8

const (
	// styleBuiltin: a C method, "<built-in method upper of str object at 0x…>".
	styleBuiltin methodStyle = iota
	// styleFunction: str.format and format_map, which Jinja2's sandbox replaces by a
	// Python function (sandbox.py wrap_str_format): "<function str.format at 0x…>".
	styleFunction
	// styleBound: a method markupsafe's Markup defines in Python,
	// "<bound method Markup.upper of Markup('a')>".
	styleBound
	// styleType: a static method of the type, "<built-in method maketrans of type object at 0x…>".
	styleType
	// styleClass: a class method, "<bound method Markup.escape of <class 'markupsafe.Markup'>>".
	styleClass
)

// CallJinja implements Callable.
func (m *builtinMethod) CallJinja(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
	return m.fn.(Callable).CallJinja(c, args, kwargs)
}

// wrapMethod returns m as a builtinMethod when wrap is set, else as it is.
func wrapMethod(m Value, name, owner string, wrap bool) Value {
	if !wrap {
		return m
	}
	style := styleBuiltin
	switch name {
	case "format", "format_map":
		style = styleFunction
	case "maketrans":
		style = styleType
	}
	return &builtinMethod{fn: m, name: name, owner: owner, style: style}
}

// markupBound lists the str methods markupsafe's Markup overrides in Python (markupsafe
// __init__.py: the escaping wrappers, the Markup-returning ones, striptags, unescape): they
// show as bound methods with the receiver's repr.
var markupBound = map[string]bool{
	"capitalize": true, "casefold": true, "center": true, "expandtabs": true, "join": true,
	"ljust": true, "lower": true, "lstrip": true, "partition": true, "removeprefix": true,
	"removesuffix": true, "replace": true, "rjust": true, "rpartition": true, "rsplit": true,
	"rstrip": true, "split": true, "splitlines": true, "strip": true, "striptags": true,
	"swapcase": true, "title": true, "translate": true, "unescape": true, "upper": true,
	"zfill": true,
}

// wrapMarkupMethod is wrapMethod for a method of the Markup m.
func wrapMarkupMethod(fn Value, name string, m Markup, wrap bool) Value {
	if !wrap {
		return fn
	}
	bm := wrapMethod(fn, name, "Markup", true).(*builtinMethod)
	switch {
	case markupBound[name]:
		bm.style, bm.recv = styleBound, m
	case name == "escape":
		bm.style = styleClass
	}
	return bm
}

// repr shows an address derived from the method's name, so renders stay deterministic.
func (m *builtinMethod) repr() string {
	h := fnv.New32a()
	h.Write([]byte(m.owner + "." + m.name))
	addr := fmt.Sprintf("0x7f%010x", uint64(h.Sum32())<<4)
	switch m.style {
	case styleFunction:
		return "<function " + m.owner + "." + m.name + " at " + addr + ">"
	case styleBound:
		return "<bound method " + m.owner + "." + m.name + " of " + repr(m.recv) + ">"
	case styleType:
		return "<built-in method " + m.name + " of type object at " + addr + ">"
	case styleClass:
		return "<bound method " + m.owner + "." + m.name + " of <class 'markupsafe." + m.owner + "'>>"
	}
	return "<built-in method " + m.name + " of " + m.owner + " object at " + addr + ">"
}

// typeName is type(m).__name__ for each style.
func (m *builtinMethod) typeName() string {
	switch m.style {
	case styleFunction:
		return "function"
	case styleBound, styleClass:
		return "method"
	}
	return "builtin_function_or_method"
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
