package jinja

import (
	"errors"
	"math"
	"math/big"
	"strings"
)

// complexVal is Python's complex number. Jinja2 templates meet one when a negative number
// is raised to a fractional power ((-2.5) ** 0.5: unary minus binds tighter than ** in
// Jinja2), so the engine carries the value on with Python's arithmetic, repr and errors
// (Objects/complexobject.c) rather than failing where Python renders.
type complexVal struct{ re, im float64 }

func isComplex(v Value) bool { _, ok := v.(complexVal); return ok }

// toComplex converts a number operand of a complex operation; ok false for other types.
func toComplex(v Value) (complexVal, bool, error) {
	switch x := v.(type) {
	case complexVal:
		return x, true, nil
	case bool:
		if x {
			return complexVal{1, 0}, true, nil
		}
		return complexVal{}, true, nil
	case int64:
		return complexVal{float64(x), 0}, true, nil
	case int:
		return complexVal{float64(x), 0}, true, nil
	case float64:
		return complexVal{x, 0}, true, nil
	case *big.Int:
		f := bigFloat(x)
		if math.IsInf(f, 0) {
			return complexVal{}, true, errors.New("int too large to convert to float")
		}
		return complexVal{f, 0}, true, nil
	}
	return complexVal{}, false, nil
}

// complexBinop is a binary operator with a complex operand (complex_add, complex_sub, …).
func complexBinop(op string, a, b Value) (Value, error) {
	x, okx, err := toComplex(a)
	if err != nil {
		return nil, err
	}
	y, oky, err := toComplex(b)
	if err != nil {
		return nil, err
	}
	if !okx || !oky {
		return hostOr(op, a, b, nil)
	}
	switch op {
	case "+":
		return complexVal{x.re + y.re, x.im + y.im}, nil
	case "-":
		return complexVal{x.re - y.re, x.im - y.im}, nil
	case "*":
		return cProd(x, y), nil
	case "/":
		return cQuot(x, y)
	case "**":
		return complexPow(x, y)
	}
	return nil, unsupported(op, a, b)
}

func cProd(a, b complexVal) complexVal {
	return complexVal{a.re*b.re - a.im*b.im, a.re*b.im + a.im*b.re}
}

// cQuot is _Py_c_quot (Smith's method, as CPython 3.11).
func cQuot(a, b complexVal) (complexVal, error) {
	absRe, absIm := math.Abs(b.re), math.Abs(b.im)
	switch {
	case absRe >= absIm:
		if absRe == 0 {
			return complexVal{}, errors.New("complex division by zero")
		}
		ratio := b.im / b.re
		denom := b.re + b.im*ratio
		return complexVal{(a.re + a.im*ratio) / denom, (a.im - a.re*ratio) / denom}, nil
	case absIm >= absRe:
		ratio := b.re / b.im
		denom := b.re*ratio + b.im
		return complexVal{(a.re*ratio + a.im) / denom, (a.im*ratio - a.re) / denom}, nil
	}
	return complexVal{math.NaN(), math.NaN()}, nil
}

// complexPow is complex_pow: integral real exponents by repeated squaring (c_powi), the
// others through polar form (_Py_c_pow).
func complexPow(a, b complexVal) (Value, error) {
	var r complexVal
	if n := int64(b.re); b.im == 0 && b.re == float64(n) && n <= 100 && n >= -100 {
		if n >= 0 {
			r = cPowu(a, n)
		} else {
			var err error
			if r, err = cQuot(complexVal{1, 0}, cPowu(a, -n)); err != nil {
				return nil, errors.New("0.0 to a negative or complex power")
			}
		}
	} else {
		switch {
		case b.re == 0 && b.im == 0:
			r = complexVal{1, 0}
		case a.re == 0 && a.im == 0:
			if b.im != 0 || b.re < 0 {
				return nil, errors.New("0.0 to a negative or complex power")
			}
		default:
			vabs := libmHypot(a.re, a.im)
			length := libmPow(vabs, b.re)
			at := libmAtan2(a.im, a.re)
			phase := at * b.re
			if b.im != 0 {
				length /= libmExp(at * b.im)
				phase += b.im * libmLog(vabs)
			}
			r = complexVal{length * libmCos(phase), length * libmSin(phase)}
		}
	}
	if math.IsInf(r.re, 0) || math.IsInf(r.im, 0) {
		return nil, errors.New("complex exponentiation")
	}
	return r, nil
}

func cPowu(x complexVal, n int64) complexVal {
	r, p := complexVal{1, 0}, x
	for mask := int64(1); mask > 0 && n >= mask; mask <<= 1 {
		if n&mask != 0 {
			r = cProd(r, p)
		}
		p = cProd(p, p)
	}
	return r
}

// repr is complex_repr: the real part omitted when it is +0, each part as float repr
// without a trailing ".0", the imaginary part signed.
func (c complexVal) repr() string {
	part := func(f float64, signed bool) string {
		s := strings.TrimSuffix(formatFloat(f), ".0")
		if signed && !strings.HasPrefix(s, "-") {
			s = "+" + s
		}
		return s
	}
	if c.re == 0 && !math.Signbit(c.re) {
		return part(c.im, false) + "j"
	}
	return "(" + part(c.re, false) + part(c.im, true) + "j)"
}

// equalComplex is complex_richcompare's ==: equal to a real number when the imaginary part
// is 0 (exactly, against ints of any size).
func equalComplex(c complexVal, v Value) bool {
	switch x := v.(type) {
	case complexVal:
		return c == x
	case *big.Int:
		if c.im != 0 || math.IsInf(c.re, 0) || math.IsNaN(c.re) {
			return false
		}
		f, _ := new(big.Float).SetFloat64(c.re).Int(nil)
		return c.re == math.Trunc(c.re) && f.Cmp(x) == 0
	}
	y, ok, err := toComplex(v)
	return ok && err == nil && c.re == y.re && c.im == y.im
}

// complexAttr is complex's attributes: real, imag and conjugate().
func complexAttr(c complexVal, name string) Value {
	switch name {
	case "real":
		return c.re
	case "imag":
		return c.im
	case "conjugate":
		return Func(func(*Call, []Value, []KeywordArg) (Value, error) { return complexVal{c.re, -c.im}, nil })
	}
	return nil
}

// complexSpec is complex.__format__ (Python/formatter_unicode.c format_complex_internal):
// each part formatted as a float with the presentation type, the imaginary part always
// signed unless the real part is left out; with no type, str()'s layout (parentheses, the
// real part left out when it is +0) and repr digits, or 'g' digits with a precision; the
// padding around the whole. No zero padding, no '=' alignment.
func complexSpec(c complexVal, sp spec) (string, error) {
	if sp.empty {
		return c.repr(), nil
	}
	switch sp.typ {
	case 0, 'e', 'E', 'f', 'F', 'g', 'G', 'n':
	default:
		return "", specErr("Unknown format code '" + string(sp.typ) + "' for object of type 'complex'")
	}
	if sp.grouping != 0 && sp.typ == 'n' {
		return "", groupingErr(sp.grouping, 'n')
	}
	if sp.explicitFill && sp.fill == '0' || sp.zero && !sp.explicitFill {
		return "", specErr("Zero padding is not allowed in complex format specifier")
	}
	if sp.align == '=' {
		return "", specErr("'=' alignment flag is not allowed in complex format specifier")
	}
	typ, prec := sp.typ, sp.precision
	skipRe, parens := false, false
	if typ == 0 {
		typ = 'r'
		if c.re == 0 && !math.Signbit(c.re) {
			skipRe = true
		} else {
			parens = true
		}
	}
	if typ == 'n' {
		typ = 'g'
	}
	if prec >= 0 && typ == 'r' {
		typ = 'g'
	}
	part := func(f float64, sign byte) (string, error) {
		neg := math.Signbit(f) && !math.IsNaN(f)
		af := math.Abs(f)
		var body string
		if typ == 'r' {
			body = strings.TrimSuffix(formatFloat(af), ".0")
			if !math.IsInf(af, 0) && !math.IsNaN(af) {
				if sp.alt && !strings.Contains(body, ".") {
					if i := strings.IndexByte(body, 'e'); i >= 0 {
						body = body[:i] + "." + body[i:]
					} else {
						body += "."
					}
				}
				if sp.grouping != 0 && !strings.Contains(body, "e") {
					ip, frac, hasFrac := strings.Cut(body, ".")
					body = group(ip, sp.grouping)
					if hasFrac {
						body += "." + frac
					}
				}
			}
		} else {
			var err error
			body, err = floatSpec(af, spec{fill: ' ', typ: typ, precision: prec, alt: sp.alt, grouping: sp.grouping}, "complex")
			if err != nil {
				return "", err
			}
		}
		if neg && sp.noNeg0 && zeroDigits(body) {
			neg = false
		}
		switch {
		case neg:
			return "-" + body, nil
		case sign == '+' || sign == ' ':
			return string(sign) + body, nil
		}
		return body, nil
	}
	var b strings.Builder
	if parens {
		b.WriteByte('(')
	}
	imSign := byte('+')
	if !skipRe {
		re, err := part(c.re, sp.sign)
		if err != nil {
			return "", err
		}
		b.WriteString(re)
	} else {
		imSign = sp.sign
	}
	im, err := part(c.im, imSign)
	if err != nil {
		return "", err
	}
	b.WriteString(im)
	b.WriteByte('j')
	if parens {
		b.WriteByte(')')
	}
	return pad(b.String(), "", spec{fill: sp.fill, align: sp.align, width: sp.width}, '>'), nil
}
