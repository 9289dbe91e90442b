package jinja

import (
	"errors"
	"math"
	"math/big"
	"strings"
)

// typeErr is a Python TypeError-like message.
func typeErr(msg string) error { return errors.New(msg) }

func unsupported(op string, a, b Value) error {
	return typeErr("unsupported operand type(s) for " + op + ": " + pyQuote(typeName(a)) + " and " + pyQuote(typeName(b)))
}

// num classifies a numeric value: kind 1 int, 2 float, 0 not a number.
func num(v Value) (int64, float64, int) {
	switch x := v.(type) {
	case int64:
		return x, float64(x), 1
	case bool:
		if x {
			return 1, 1, 1
		}
		return 0, 0, 1
	case float64:
		return 0, x, 2
	case int:
		return int64(x), float64(x), 1
	}
	return 0, 0, 0
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 {
	m := a % b
	if m != 0 && ((m < 0) != (b < 0)) {
		m += b
	}
	return m
}

// floatFloorDiv is float // float as CPython's _float_div_mod computes it: from the
// exact remainder, (a - fmod(a, b)) / b snapped to the nearest integer (1 // 0.1 is 9.0,
// where floor(1 / 0.1) would give 10.0).
func floatFloorDiv(a, b float64) float64 {
	mod := math.Mod(a, b)
	div := (a - mod) / b
	if mod != 0 && (b < 0) != (mod < 0) {
		div -= 1.0
	}
	if div == 0 {
		return math.Copysign(0, a/b)
	}
	fd := math.Floor(div)
	if div-fd > 0.5 {
		fd += 1.0
	}
	return fd
}

func fmod(a, b float64) float64 {
	m := math.Mod(a, b)
	if m != 0 && ((m < 0) != (b < 0)) {
		m += b
	}
	if m == 0 {
		m = math.Copysign(0, b)
	}
	return m
}

func undefErr(v Value) error {
	if u, ok := v.(*Undefined); ok {
		return &undefinedErr{u}
	}
	return nil
}

type undefinedErr struct{ u *Undefined }

// Error is Jinja2's UndefinedError message.
func (e *undefinedErr) Error() string { return e.u.message() }

// Unwrap lets errors.Is(err, ErrUndefined) match.
func (e *undefinedErr) Unwrap() error { return ErrUndefined }

// binop applies an arithmetic operator with Python semantics.
func binop(op string, a, b Value) (Value, error) {
	if op == "%" {
		// str.__mod__ formats any right operand, an undefined one included.
		switch x := a.(type) {
		case string:
			return percentFormat(x, b)
		case Markup:
			return percentFormatEsc(string(x), b, true)
		}
	}
	if err := undefErr(a); err != nil {
		return nil, err
	}
	if err := undefErr(b); err != nil {
		return nil, err
	}
	if isComplex(a) || isComplex(b) {
		return complexBinop(op, a, b)
	}
	if isBig(a) || isBig(b) {
		return bigBinop(op, a, b)
	}
	ai, af, ak := num(a)
	bi, bf, bk := num(b)
	if ak != 0 && bk != 0 {
		isInt := ak == 1 && bk == 1
		if isInt && intOverflows(op, ai, bi) {
			return bigBinop(op, ai, bi)
		}
		switch op {
		case "+":
			if isInt {
				return ai + bi, nil
			}
			return af + bf, nil
		case "-":
			if isInt {
				return ai - bi, nil
			}
			return af - bf, nil
		case "*":
			if isInt {
				return ai * bi, nil
			}
			return af * bf, nil
		case "/":
			if bf == 0 {
				if isInt {
					return nil, errors.New("division by zero")
				}
				return nil, errors.New("float division by zero")
			}
			return af / bf, nil
		case "//":
			if isInt {
				if bi == 0 {
					return nil, errors.New("integer division or modulo by zero")
				}
				return floorDiv(ai, bi), nil
			}
			if bf == 0 {
				return nil, errors.New("float floor division by zero")
			}
			return floatFloorDiv(af, bf), nil
		case "%":
			if isInt {
				if bi == 0 {
					return nil, errors.New("integer modulo by zero")
				}
				return floorMod(ai, bi), nil
			}
			if bf == 0 {
				return nil, errors.New("float modulo")
			}
			return fmod(af, bf), nil
		case "**":
			if isInt && bi >= 0 {
				res := int64(1)
				base := ai
				e := bi
				for e > 0 {
					if e&1 == 1 {
						res *= base
					}
					base *= base
					e >>= 1
				}
				return res, nil
			}
			if af == 0 && bf < 0 {
				return nil, errors.New("0.0 cannot be raised to a negative power")
			}
			return floatPow(af, bf)
		}
	}
	switch op {
	case "+":
		switch x := a.(type) {
		case string:
			if y, ok := b.(string); ok {
				return x + y, nil
			}
			if y, ok := b.(Markup); ok {
				return Markup(escapeHTML(x)) + y, nil
			}
			return hostOr(op, a, b, typeErr("can only concatenate str (not "+pyDq(typeName(b))+") to str"))
		case Markup:
			if y, ok := b.(string); ok {
				return x + Markup(escapeHTML(y)), nil
			}
			if y, ok := b.(Markup); ok {
				return x + y, nil
			}
		case *List:
			if y, ok := b.(*List); ok {
				items := make([]Value, 0, len(x.Items)+len(y.Items))
				items = append(items, x.Items...)
				items = append(items, y.Items...)
				return &List{Items: items}, nil
			}
			return hostOr(op, a, b, typeErr("can only concatenate list (not "+pyDq(typeName(b))+") to list"))
		case Tuple:
			if y, ok := b.(Tuple); ok {
				items := make(Tuple, 0, len(x)+len(y))
				items = append(items, x...)
				return append(items, y...), nil
			}
			return hostOr(op, a, b, typeErr("can only concatenate tuple (not "+pyDq(typeName(b))+") to tuple"))
		}
	case "*":
		if bk == 1 {
			if v, ok := repeatSeq(a, bi); ok {
				return v, nil
			}
		}
		if ak == 1 {
			if v, ok := repeatSeq(b, ai); ok {
				return v, nil
			}
		}
		if _, isStr := a.(string); isStr && bk == 0 {
			return hostOr(op, a, b, typeErr("can't multiply sequence by non-int of type "+pyQuote(typeName(b))))
		}
	}
	return hostOr(op, a, b, nil)
}

// hostOr gives host Operands their say before raising err (nil: unsupported operand types).
func hostOr(op string, a, b Value, err error) (Value, error) {
	if v, ok, herr := hostBinop(op, a, b); ok {
		return v, herr
	}
	if err == nil {
		err = unsupported(op, a, b)
	}
	return nil, err
}

func pyDq(s string) string { return "\"" + s + "\"" }

// repeatSeq is sequence * int. An empty sequence repeats to itself whatever the count; a
// result longer than the engine's limit is refused (Python raises MemoryError there).
func repeatSeq(v Value, n int64) (Value, bool) {
	if n < 0 {
		n = 0
	}
	fits := func(l int, limit int64) bool { return l == 0 || n <= limit/int64(l) }
	switch x := v.(type) {
	case string:
		if !fits(len(x), 1<<26) {
			return nil, false
		}
		return strings.Repeat(x, int(n)), true
	case Markup:
		if !fits(len(x), 1<<26) {
			return nil, false
		}
		return Markup(strings.Repeat(string(x), int(n))), true
	case *List:
		if len(x.Items) == 0 {
			return &List{}, true
		}
		if !fits(len(x.Items), 1<<24) {
			return nil, false
		}
		items := make([]Value, 0, len(x.Items)*int(n))
		for i := int64(0); i < n; i++ {
			items = append(items, x.Items...)
		}
		return &List{Items: items}, true
	case Tuple:
		if len(x) == 0 {
			return Tuple{}, true
		}
		if !fits(len(x), 1<<24) {
			return nil, false
		}
		items := make(Tuple, 0, len(x)*int(n))
		for i := int64(0); i < n; i++ {
			items = append(items, x...)
		}
		return items, true
	}
	return nil, false
}

func unary(op string, v Value) (Value, error) {
	if err := undefErr(v); err != nil {
		return nil, err
	}
	if b, ok := v.(*big.Int); ok {
		if op == "-" {
			return normBig(new(big.Int).Neg(b)), nil
		}
		return b, nil
	}
	if c, ok := v.(complexVal); ok {
		if op == "-" {
			return complexVal{-c.re, -c.im}, nil
		}
		return c, nil
	}
	if i, ok := v.(int64); ok && i == math.MinInt64 && op == "-" {
		return new(big.Int).Neg(big.NewInt(i)), nil
	}
	i, f, k := num(v)
	switch k {
	case 1:
		if op == "-" {
			return -i, nil
		}
		return i, nil
	case 2:
		if op == "-" {
			return -f, nil
		}
		return f, nil
	}
	if res, ok, err := hostUnary(op, v); ok {
		return res, err
	}
	return nil, typeErr("bad operand type for unary " + op + ": " + pyQuote(typeName(v)))
}

// equal is Python ==.
func equal(a, b Value) bool { return equalDepth(a, b, 0) }

// maxNest bounds recursion through nested (possibly self-containing) containers.
const maxNest = 200

func equalDepth(a, b Value, depth int) bool {
	if depth > maxNest {
		return false
	}
	if c, ok := a.(complexVal); ok {
		return equalComplex(c, b)
	}
	if c, ok := b.(complexVal); ok {
		return equalComplex(c, a)
	}
	if isBig(a) || isBig(b) {
		c, ok := bigCompare(a, b)
		return ok && c == 0
	}
	ai, af, ak := num(a)
	bi, bf, bk := num(b)
	if ak != 0 && bk != 0 {
		if ak == 1 && bk == 1 {
			return ai == bi
		}
		if inexactMix(ai, ak, bi, bk) {
			c, ok := bigCompare(big.NewInt(ai), b)
			if ak == 2 {
				c, ok = bigCompare(a, big.NewInt(bi))
			}
			return ok && c == 0
		}
		return af == bf
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		switch y := b.(type) {
		case string:
			return x == y
		case Markup:
			return x == string(y)
		}
		return false
	case Markup:
		return equal(string(x), b)
	case *List:
		y, ok := b.(*List)
		if !ok {
			return false
		}
		return x == y || seqEqual(x.Items, y.Items, depth)
	case Tuple:
		y, ok := b.(Tuple)
		if !ok {
			return false
		}
		return seqEqual(x, y, depth)
	case *Dict:
		y, ok := b.(*Dict)
		if !ok || x.Len() != y.Len() {
			return false
		}
		if x == y {
			return true
		}
		for i, k := range x.keys {
			v, ok := y.Get(k)
			if !ok || !equalDepth(x.vals[i], v, depth+1) {
				return false
			}
		}
		return true
	case *Undefined:
		_, ok := b.(*Undefined)
		return ok
	case rangeVal:
		y, ok := b.(rangeVal)
		return ok && x.key() == y.key()
	}
	if sameObject(a, b) {
		return true
	}
	eq, _ := hostEqual(a, b)
	return eq
}

// sameObject is Python's identity for reference values.
func sameObject(a, b Value) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

func seqEqual(a, b []Value, depth int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if sameObject(a[i], b[i]) {
			continue
		}
		if !equalDepth(a[i], b[i], depth+1) {
			return false
		}
	}
	return true
}

// compare orders two values like Python's < (ok=false when unorderable).
func compare(a, b Value) (int, bool) { return compareDepth(a, b, 0) }

func compareDepth(a, b Value, depth int) (int, bool) {
	if depth > maxNest {
		return 0, false
	}
	if isBig(a) || isBig(b) {
		return bigCompare(a, b)
	}
	ai, af, ak := num(a)
	bi, bf, bk := num(b)
	if ak != 0 && bk != 0 {
		if ak == 1 && bk == 1 {
			switch {
			case ai < bi:
				return -1, true
			case ai > bi:
				return 1, true
			}
			return 0, true
		}
		if inexactMix(ai, ak, bi, bk) {
			if ak == 2 {
				return bigCompare(a, big.NewInt(bi))
			}
			return bigCompare(big.NewInt(ai), b)
		}
		switch {
		case af < bf:
			return -1, true
		case af > bf:
			return 1, true
		}
		return 0, true
	}
	switch x := a.(type) {
	case string:
		var y string
		switch yy := b.(type) {
		case string:
			y = yy
		case Markup:
			y = string(yy)
		default:
			return 0, false
		}
		return strings.Compare(x, y), true
	case Markup:
		return compare(string(x), b)
	case *List:
		if y, ok := b.(*List); ok {
			return compareSeq(x.Items, y.Items, depth)
		}
	case Tuple:
		if y, ok := b.(Tuple); ok {
			return compareSeq(x, y, depth)
		}
	}
	return hostCompare(a, b)
}

func compareSeq(a, b []Value, depth int) (int, bool) {
	for i := 0; i < len(a) && i < len(b); i++ {
		if sameObject(a[i], b[i]) || equalDepth(a[i], b[i], depth+1) {
			continue
		}
		return compareDepth(a[i], b[i], depth+1)
	}
	switch {
	case len(a) < len(b):
		return -1, true
	case len(a) > len(b):
		return 1, true
	}
	return 0, true
}

// compareOp evaluates one comparison link.
func compareOp(op string, a, b Value) (bool, error) {
	switch op {
	case "==":
		return equal(a, b), nil
	case "!=":
		return !equal(a, b), nil
	case "in":
		return contains(b, a)
	case "notin":
		ok, err := contains(b, a)
		return !ok, err
	}
	if err := undefErr(a); err != nil {
		return false, err
	}
	if err := undefErr(b); err != nil {
		return false, err
	}
	c, ok := compare(a, b)
	if !ok {
		if v, handled, err := hostBinop(op, a, b); handled {
			return err == nil && Truthy(v), err
		}
		return false, typeErr("'" + op + "' not supported between instances of " + pyQuote(typeName(a)) + " and " + pyQuote(typeName(b)))
	}
	if isNaN(a) || isNaN(b) {
		return false, nil // every ordering with a nan is false, <= and >= too
	}
	switch op {
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	case ">=":
		return c >= 0, nil
	}
	return false, nil
}

// isNaN reports whether v is a float nan.
func isNaN(v Value) bool {
	f, ok := v.(float64)
	return ok && f != f
}

// contains is Python's `item in container`.
func contains(container, item Value) (bool, error) {
	switch c := container.(type) {
	case string, Markup:
		s, ok := item.(string)
		if !ok {
			if m, isM := item.(Markup); isM {
				s, ok = string(m), true
			}
		}
		if !ok {
			if u, isU := item.(*Undefined); isU {
				return false, &undefinedErr{u}
			}
			return false, typeErr("'in <string>' requires string as left operand, not " + typeName(item))
		}
		return strings.Contains(ToString(c), s), nil
	case *Dict:
		if !hashable(item) {
			return false, typeErr("unhashable type: " + pyQuote(typeName(item)))
		}
		_, ok := c.Get(item)
		return ok, nil
	case bytesVal:
		return bytesContains(c, item)
	case *genVal: // consumed up to the first match
		for {
			it, ok := c.next()
			if !ok {
				return false, nil
			}
			if equal(it, item) {
				return true, nil
			}
		}
	case *Namespace:
		// jinja2.utils.Namespace has neither __contains__ nor __iter__
		return false, typeErr("argument of type 'Namespace' is not iterable")
	case rangeVal:
		i, ok := asInt(item)
		if !ok {
			if f, isF := item.(float64); isF && f == float64(int64(f)) {
				i, ok = int64(f), true
			}
		}
		if !ok {
			if !isBig(item) {
				return false, nil
			}
			return c.contains(item), nil
		}
		return c.contains(i), nil
	}
	items, ok := iterValues(container)
	if !ok {
		return false, typeErr("argument of type " + pyQuote(typeName(container)) + " is not iterable")
	}
	for _, it := range items {
		if equal(it, item) {
			return true, nil
		}
	}
	return false, nil
}

// floatPow is Python's float ** float: correctly rounded for integral exponents (C's pow
// is, Go's math.Pow is not always), a complex number for a negative base and a fractional
// exponent (float_pow hands those to complex_pow), an error on overflow.
func floatPow(a, b float64) (Value, error) {
	if a < 0 && b != math.Trunc(b) && !math.IsInf(b, 0) && !math.IsNaN(b) {
		return complexPow(complexVal{a, 0}, complexVal{b, 0})
	}
	var r float64
	if b == math.Trunc(b) && math.Abs(b) <= 1024 && !math.IsInf(a, 0) && !math.IsNaN(a) && a != 0 {
		// exact power in big.Float, rounded once
		n := int64(math.Abs(b))
		x := new(big.Float).SetPrec(4096).SetFloat64(a)
		p := new(big.Float).SetPrec(4096).SetInt64(1)
		for n > 0 {
			if n&1 == 1 {
				p.Mul(p, x)
			}
			x.Mul(x, x)
			n >>= 1
		}
		if b < 0 {
			p.Quo(new(big.Float).SetPrec(4096).SetInt64(1), p)
		}
		r, _ = p.Float64()
	} else {
		r = libmPow(a, b) // CPython's float_pow calls C's pow
	}
	if math.IsInf(r, 0) && !math.IsInf(a, 0) {
		return nil, errors.New("(34, 'Numerical result out of range')")
	}
	return r, nil
}

// inexactMix reports an int beyond 2**53 compared with a float: float(int) may round, so
// the comparison goes through exact big numbers, as Python compares int and float exactly.
func inexactMix(ai int64, ak int, bi int64, bk int) bool {
	const exact = 1 << 53
	return ak == 1 && bk == 2 && (ai > exact || ai < -exact) || ak == 2 && bk == 1 && (bi > exact || bi < -exact)
}
