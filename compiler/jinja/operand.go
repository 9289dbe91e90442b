package jinja

// Operand lets a host Object take part in Python operators, the way a Python class does
// with __add__/__radd__, __eq__, __lt__…: dbt templates do datetime arithmetic such as
// `run_started_at - modules.datetime.timedelta(days=1)`, `(t1 - t0).total_seconds()` and
// `d1 < d2`, and those values are host objects.
//
// The engine consults JinjaBinary only where Python would otherwise give up: numbers,
// strings and containers keep their built-in (fast) rules, and an Operand is asked just
// before "unsupported operand type(s)" or "not supported between instances" would be raised.
//
//   - op is one of "+", "-", "*", "/", "//", "%", "**" (arithmetic), "==", "<", "<=", ">",
//     ">=" (comparisons; "!=" is the negation of "==") or "neg", "pos" (unary - and +, with
//     other nil and reflected false).
//   - reflected=false asks for `self op other`; reflected=true asks for `other op self`
//     (self is the right operand; Python's __radd__, and for comparisons the mirrored
//     operator, e.g. `other < self`). The engine first asks the left operand, then the
//     right one reflected, as Python does.
//   - ok=false means NotImplemented: the other operand is asked, then the engine raises
//     Python's TypeError. A non-nil err is raised as the template error (a Python
//     exception such as "can't compare offset-naive and offset-aware datetimes").
//   - Comparisons return a bool Value. An error from "==" counts as unequal (Python's
//     == between unrelated objects never raises), and without an "==" answer host objects
//     are equal only to themselves (identity).
//
// Ordering hooks also make host objects sortable (|sort, |min, |max, dictsort): the engine
// orders a and b with "<" in both directions, so "<" must be a strict total order.
type Operand interface {
	JinjaBinary(op string, other Value, reflected bool) (result Value, ok bool, err error)
}

// TypeNamer lets a host Object name its Python type in error messages (TypeError texts
// such as "unsupported operand type(s) for +: 'datetime.datetime' and 'int'"); without it
// the engine says 'object'.
type TypeNamer interface {
	JinjaTypeName() string
}

// hostBinop asks a's hook, then b's reflected one. handled=false when neither answers.
func hostBinop(op string, a, b Value) (v Value, handled bool, err error) {
	if o, ok := a.(Operand); ok {
		if v, ok, err := o.JinjaBinary(op, b, false); ok || err != nil {
			return v, true, err
		}
	}
	if o, ok := b.(Operand); ok {
		if v, ok, err := o.JinjaBinary(op, a, true); ok || err != nil {
			return v, true, err
		}
	}
	return nil, false, nil
}

// hostUnary asks v's hook for "neg" or "pos".
func hostUnary(op string, v Value) (Value, bool, error) {
	o, ok := v.(Operand)
	if !ok {
		return nil, false, nil
	}
	name := "neg"
	if op == "+" {
		name = "pos"
	}
	res, ok, err := o.JinjaBinary(name, nil, false)
	if ok || err != nil {
		return res, true, err
	}
	return nil, false, nil
}

// hostEqual is == through the hooks; handled=false leaves identity to the caller.
func hostEqual(a, b Value) (eq, handled bool) {
	v, handled, err := hostBinop("==", a, b)
	if !handled {
		return false, false
	}
	return err == nil && Truthy(v), true
}

// hostCompare orders a and b with their "<" hooks (for sorting): -1, 0, 1.
func hostCompare(a, b Value) (int, bool) {
	lt, handled, err := hostBinop("<", a, b)
	if !handled || err != nil {
		return 0, false
	}
	if Truthy(lt) {
		return -1, true
	}
	gt, handled, err := hostBinop("<", b, a)
	if !handled || err != nil {
		return 0, false
	}
	if Truthy(gt) {
		return 1, true
	}
	return 0, true
}
