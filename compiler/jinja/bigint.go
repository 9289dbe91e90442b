package jinja

import (
	"errors"
	"math"
	"math/big"
)

// Python ints are unbounded. Values stay int64 on the fast path; an operation that
// overflows switches to *big.Int, and results that fit go back to int64.

func isBig(v Value) bool { _, ok := v.(*big.Int); return ok }

func toBig(v Value) (*big.Int, bool) {
	switch x := v.(type) {
	case *big.Int:
		return x, true
	case int64:
		return big.NewInt(x), true
	case int:
		return big.NewInt(int64(x)), true
	case bool:
		if x {
			return big.NewInt(1), true
		}
		return big.NewInt(0), true
	}
	return nil, false
}

func normBig(b *big.Int) Value {
	if b.IsInt64() {
		return b.Int64()
	}
	return b
}

func bigFloat(b *big.Int) float64 {
	f, _ := new(big.Float).SetInt(b).Float64()
	return f
}

// bigBinop handles arithmetic when an operand is a big int or an int64 op overflowed.
func bigBinop(op string, a, b Value) (Value, error) {
	x, okx := toBig(a)
	y, oky := toBig(b)
	if !okx || !oky {
		// one side is a float (or not a number at all)
		fa, oka := numFloat(a)
		fb, okb := numFloat(b)
		if !oka || !okb {
			return hostOr(op, a, b, nil)
		}
		return binop(op, fa, fb)
	}
	z := new(big.Int)
	switch op {
	case "+":
		return normBig(z.Add(x, y)), nil
	case "-":
		return normBig(z.Sub(x, y)), nil
	case "*":
		return normBig(z.Mul(x, y)), nil
	case "/":
		if y.Sign() == 0 {
			return nil, errors.New("division by zero")
		}
		q, _ := new(big.Rat).SetFrac(x, y).Float64()
		if x.Sign() == 0 && y.Sign() < 0 {
			q = math.Copysign(0, -1) // Python: 0 / -n is -0.0
		}
		if math.IsInf(q, 0) {
			return nil, errors.New("integer division result too large for a float")
		}
		return q, nil
	case "//", "%":
		if y.Sign() == 0 {
			return nil, errors.New("integer division or modulo by zero")
		}
		q, m := new(big.Int).DivMod(x, y, new(big.Int)) // Euclidean: m >= 0
		if y.Sign() < 0 && m.Sign() != 0 {
			// Python floors toward -inf: adjust the Euclidean result for a negative divisor
			q.Sub(q, big.NewInt(1))
			m.Add(m, y)
		}
		if op == "//" {
			return normBig(q), nil
		}
		return normBig(m), nil
	case "**":
		if y.Sign() < 0 {
			return math.Pow(bigFloat(x), bigFloat(y)), nil
		}
		if y.BitLen() > 20 || x.BitLen()*int(y.Int64()) > 1<<20 {
			return nil, errors.New("exponent too large")
		}
		return normBig(z.Exp(x, y, nil)), nil
	}
	return nil, unsupported(op, a, b)
}

func numFloat(v Value) (float64, bool) {
	if b, ok := v.(*big.Int); ok {
		return bigFloat(b), true
	}
	_, f, k := num(v)
	return f, k != 0
}

// intOverflows reports whether the int64 op overflows.
func intOverflows(op string, a, b int64) bool {
	switch op {
	case "+":
		s := a + b
		return (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0)
	case "-":
		s := a - b
		return (a >= 0 && b < 0 && s < 0) || (a < 0 && b > 0 && s >= 0)
	case "*":
		if a == 0 || b == 0 {
			return false
		}
		s := a * b
		return s/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64)
	case "//", "%":
		return a == math.MinInt64 && b == -1
	case "**":
		if b < 0 {
			return false
		}
		res, base, e := int64(1), a, b
		for e > 0 {
			if e&1 == 1 {
				if intOverflows("*", res, base) {
					return true
				}
				res *= base
			}
			e >>= 1
			if e > 0 {
				if intOverflows("*", base, base) {
					return true
				}
				base *= base
			}
		}
	}
	return false
}

func bigCompare(a, b Value) (int, bool) {
	x, okx := toBig(a)
	y, oky := toBig(b)
	if okx && oky {
		return x.Cmp(y), true
	}
	fa, oka := numFloat(a)
	fb, okb := numFloat(b)
	if !oka || !okb {
		return 0, false
	}
	// An int and a finite float compare exactly, as Python does (float(int) may round).
	if okx && !math.IsInf(fb, 0) && !math.IsNaN(fb) {
		return new(big.Float).SetInt(x).Cmp(big.NewFloat(fb)), true
	}
	if oky && !math.IsInf(fa, 0) && !math.IsNaN(fa) {
		return big.NewFloat(fa).Cmp(new(big.Float).SetInt(y)), true
	}
	switch {
	case fa < fb:
		return -1, true
	case fa > fb:
		return 1, true
	}
	return 0, true
}
