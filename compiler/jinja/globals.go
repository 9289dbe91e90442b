package jinja

import (
	"errors"
	"math/big"
)

// cycler is Jinja2's cycler(): next() steps through the items.
type cycler struct {
	items []Value
	pos   int
}

// Attr implements Object.
func (c *cycler) Attr(name string) (Value, bool) {
	switch name {
	case "current":
		return c.items[c.pos], true
	case "next":
		return Func(func(*Call, []Value, []KeywordArg) (Value, error) {
			v := c.items[c.pos]
			c.pos = (c.pos + 1) % len(c.items)
			return v, nil
		}), true
	case "reset":
		return Func(func(*Call, []Value, []KeywordArg) (Value, error) {
			c.pos = 0
			return nil, nil
		}), true
	}
	return nil, false
}

// joiner is Jinja2's joiner(): "" the first call, the separator after.
type joiner struct {
	sep  string
	used bool
}

// CallJinja implements Callable.
func (j *joiner) CallJinja(*Call, []Value, []KeywordArg) (Value, error) {
	if !j.used {
		j.used = true
		return "", nil
	}
	return j.sep, nil
}

func builtinGlobals() map[string]Value {
	g := map[string]Value{}
	g["range"] = &pyClass{name: "range", fn: func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		if len(kwargs) > 0 {
			return nil, typeErr("range() takes no keyword arguments")
		}
		var ints [3]*big.Int
		var small [3]int64
		allSmall := true
		for i, a := range args {
			if i >= 3 {
				return nil, typeErr("range expected at most 3 arguments, got " + itoa(len(args)))
			}
			n, isInt := asInt(a)
			if !isInt && !isBig(a) {
				return nil, typeErr(pyQuote(typeName(a)) + " object cannot be interpreted as an integer")
			}
			small[i] = n
			allSmall = allSmall && isInt
		}
		if len(args) == 0 {
			return nil, typeErr("range expected at least 1 argument, got 0")
		}
		if len(args) == 3 && allSmall && small[2] == 0 {
			return nil, errors.New("range() arg 3 must not be zero")
		}
		var r rangeVal
		switch {
		case allSmall && len(args) == 1:
			r = rangeVal{start: 0, stop: small[0], step: 1}
		case allSmall && len(args) == 2:
			r = rangeVal{start: small[0], stop: small[1], step: 1}
		case allSmall:
			r = rangeVal{start: small[0], stop: small[1], step: small[2]}
		default: // a bound beyond 64 bits
			for i, a := range args {
				ints[i], _ = toBig(a)
			}
			switch len(args) {
			case 1:
				r = newRange(new(big.Int), ints[0], big.NewInt(1))
			case 2:
				r = newRange(ints[0], ints[1], big.NewInt(1))
			default:
				if ints[2].Sign() == 0 {
					return nil, errors.New("range() arg 3 must not be zero")
				}
				r = newRange(ints[0], ints[1], ints[2])
			}
		}
		// dbt renders in Jinja2's SandboxedEnvironment (dbt_common/clients/jinja.py),
		// whose range is jinja2/sandbox.py's safe_range.
		if r.length() > maxRange {
			return nil, errors.New("range too big: the sandbox blocks ranges larger than MAX_RANGE (100000)")
		}
		return r, nil
	}}
	g["dict"] = &pyClass{name: "dict", fn: func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		d := NewDict()
		if len(args) > 1 {
			return nil, typeErr("dict expected at most 1 argument, got " + itoa(len(args)))
		}
		if len(args) == 1 {
			if _, err := dictMethod(d, "update").(Func)(c, args, nil); err != nil {
				return nil, err
			}
		}
		for _, k := range kwargs {
			d.Set(k.Name, k.Value)
		}
		return d, nil
	}}
	g["namespace"] = &pyClass{name: "jinja2.utils.Namespace", fn: func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		d := NewDict()
		if len(args) > 1 { // Namespace(*args, **kwargs) is dict(*args, **kwargs)
			return nil, typeErr("dict expected at most 1 argument, got " + itoa(len(args)))
		}
		if len(args) > 0 {
			if _, err := dictMethod(d, "update").(Func)(c, args[:1], nil); err != nil {
				return nil, err
			}
		}
		for _, k := range kwargs {
			d.Set(k.Name, k.Value)
		}
		return &Namespace{Attrs: d}, nil
	}}
	g["lipsum"] = lipsum{}
	g["cycler"] = &pyClass{name: "jinja2.utils.Cycler", fn: func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		if len(args) == 0 {
			return nil, errors.New("at least one item has to be provided")
		}
		return &cycler{items: append([]Value(nil), args...)}, nil
	}}
	g["joiner"] = &pyClass{name: "jinja2.utils.Joiner", fn: func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		a, err := bindArgs("joiner", args, kwargs, []string{"sep"}, []Value{", "})
		if err != nil {
			return nil, err
		}
		return &joiner{sep: ToString(a[0])}, nil
	}}
	return g
}

// pyClass is a callable global that Python shows as a class (range, dict, namespace…).
type pyClass struct {
	name string
	fn   Func
}

// CallJinja implements Callable.
func (c *pyClass) CallJinja(call *Call, args []Value, kwargs []KeywordArg) (Value, error) {
	return c.fn(call, args, kwargs)
}
