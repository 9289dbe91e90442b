package jinja

import "math/big"

func test1(name string, fn func(v Value) bool) Func {
	return filter(name, []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return fn(a[0]), nil
	})
}

func test2(name string, fn func(c *Call, v, o Value) (bool, error)) Func {
	return filter(name, []string{"value", "other"}, []Value{required, required}, func(c *Call, a []Value) (Value, error) {
		return fn(c, a[0], a[1])
	})
}

func cmpTest(op string) func(c *Call, v, o Value) (bool, error) {
	return func(c *Call, v, o Value) (bool, error) { return compareOp(op, v, o) }
}

func builtinTests() map[string]Func {
	t := map[string]Func{}
	t["defined"] = test1("defined", func(v Value) bool { _, u := v.(*Undefined); return !u })
	t["undefined"] = test1("undefined", func(v Value) bool { _, u := v.(*Undefined); return u })
	t["none"] = test1("none", func(v Value) bool { return v == nil })
	t["boolean"] = test1("boolean", func(v Value) bool { _, ok := v.(bool); return ok })
	t["true"] = test1("true", func(v Value) bool { b, ok := v.(bool); return ok && b })
	t["false"] = test1("false", func(v Value) bool { b, ok := v.(bool); return ok && !b })
	// tests.py: test_number is isinstance(value, Number), ints of any size and complex
	// included; test_integer is isinstance(value, int) without bools.
	t["number"] = test1("number", func(v Value) bool { _, _, k := num(v); return k != 0 || isComplex(v) || isBig(v) })
	t["integer"] = test1("integer", func(v Value) bool {
		switch v.(type) {
		case int64, int, *big.Int:
			return true
		}
		return false
	})
	t["float"] = test1("float", func(v Value) bool { _, ok := v.(float64); return ok })
	t["string"] = test1("string", func(v Value) bool { _, ok := optStr(v); return ok })
	t["mapping"] = test1("mapping", func(v Value) bool { _, ok := v.(*Dict); return ok })
	t["sequence"] = test1("sequence", func(v Value) bool {
		switch v.(type) {
		case string, Markup, *List, Tuple, *Dict, rangeVal, *Undefined, bytesVal:
			return true
		}
		return false
	})
	t["iterable"] = test1("iterable", func(v Value) bool {
		if _, ok := v.(*genVal); ok {
			return true // without consuming it
		}
		_, ok := iterValues(v)
		return ok
	})
	t["callable"] = test1("callable", func(v Value) bool {
		switch x := v.(type) {
		case *Undefined:
			return true
		case *loopObj:
			return x.node.Recursive
		case Callable:
			return true
		}
		return false
	})
	t["escaped"] = test1("escaped", func(v Value) bool { _, ok := v.(Markup); return ok })
	t["lower"] = test1("lower", func(v Value) bool { return casedCheck(ToString(v), false) })
	t["upper"] = test1("upper", func(v Value) bool { return casedCheck(ToString(v), true) })
	parity := func(name string, want int64) Func {
		return filter(name, []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
			m, err := binop("%", a[0], int64(2))
			if err != nil {
				return nil, err
			}
			return equal(m, want), nil
		})
	}
	t["odd"] = parity("odd", 1)
	t["even"] = parity("even", 0)
	t["divisibleby"] = filter("divisibleby", []string{"value", "num"}, []Value{required, required}, func(c *Call, a []Value) (Value, error) {
		r, err := binop("%", a[0], a[1])
		if err != nil {
			return nil, err
		}
		return equal(r, int64(0)), nil
	})
	t["sameas"] = test2("sameas", func(c *Call, v, o Value) (bool, error) {
		switch x := v.(type) {
		case nil, bool:
			return v == o, nil
		case int64, float64, string:
			return typeName(v) == typeName(o) && equal(x, o), nil
		case bytesVal: // CPython shares the empty and one-byte bytes objects
			y, ok := o.(bytesVal)
			return ok && (x == y || len(x.s) <= 1 && x.s == y.s), nil
		}
		return sameObject(v, o), nil
	})
	eq := test2("eq", cmpTest("=="))
	t["eq"], t["equalto"], t["=="] = eq, eq, eq
	ne := test2("ne", cmpTest("!="))
	t["ne"], t["!="] = ne, ne
	lt := test2("lt", cmpTest("<"))
	t["lt"], t["lessthan"], t["<"] = lt, lt, lt
	le := test2("le", cmpTest("<="))
	t["le"], t["<="] = le, le
	gt := test2("gt", cmpTest(">"))
	t["gt"], t["greaterthan"], t[">"] = gt, gt, gt
	ge := test2("ge", cmpTest(">="))
	t["ge"], t[">="] = ge, ge
	t["in"] = test2("in", func(c *Call, v, o Value) (bool, error) { return contains(o, v) })
	t["filter"] = test1("filter", func(v Value) bool { return false })
	t["test"] = test1("test", func(v Value) bool { return false })
	// filter/test need the env: replaced with closures below
	t["filter"] = filter("filter", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		if !hashable(a[0]) { // `value in environment.filters`
			return nil, typeErr("unhashable type: " + pyQuote(typeName(a[0])))
		}
		s, _ := a[0].(string)
		_, ok := rOf(c).env.Filters[s]
		return ok, nil
	})
	t["test"] = filter("test", []string{"value"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		if !hashable(a[0]) {
			return nil, typeErr("unhashable type: " + pyQuote(typeName(a[0])))
		}
		s, _ := a[0].(string)
		_, ok := rOf(c).env.Tests[s]
		return ok, nil
	})
	return t
}
