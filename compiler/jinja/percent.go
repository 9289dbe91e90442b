package jinja

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Python's printf-style str % args.

// percentFormat is Python's str % args.
func percentFormat(s string, arg Value) (Value, error) { return percentFormatEsc(s, arg, false) }

// percentFormatEsc is str % args, or with esc Markup % args: markupsafe wraps each
// argument in _MarkupEscapeHelper, so %s, %r and %a escape what they insert (Markup
// arguments stay as they are) and the result is Markup.
func percentFormatEsc(s string, arg Value, esc bool) (Value, error) {
	var args []Value
	mapping, _ := arg.(*Dict)
	if t, ok := arg.(Tuple); ok {
		args = t
	} else {
		args = []Value{arg}
	}
	next := 0
	var b strings.Builder
	usedMapping := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			return nil, errors.New("incomplete format")
		}
		if s[i] == '%' {
			b.WriteByte('%')
			continue
		}
		var v Value
		haveV := false
		if s[i] == '(' {
			k := strings.IndexByte(s[i:], ')')
			if k < 0 {
				return nil, errors.New("incomplete format key")
			}
			key := s[i+1 : i+k]
			i += k + 1
			if mapping == nil {
				return nil, errors.New("format requires a mapping")
			}
			mv, ok := mapping.Get(key)
			if !ok {
				return nil, errors.New(pyQuote(key))
			}
			v, haveV, usedMapping = mv, true, true
		}
		sp := spec{fill: ' ', precision: -1}
		for i < len(s) && strings.IndexByte("-+ #0", s[i]) >= 0 {
			switch s[i] {
			case '-':
				sp.align = '<'
			case '+':
				sp.sign = '+'
			case ' ':
				if sp.sign == 0 {
					sp.sign = ' '
				}
			case '#':
				sp.alt = true
			case '0':
				sp.zero = true
			}
			i++
		}
		readNum := func() (int, error) {
			if i < len(s) && s[i] == '*' {
				i++
				if next >= len(args) {
					return 0, errors.New("not enough arguments for format string")
				}
				n, ok := args[next].(int64)
				next++
				if !ok {
					return 0, errors.New("* wants int")
				}
				if n < 0 {
					// a negative * width left-aligns, as the "-" flag
					sp.align = '<'
					n = -n
				}
				if n > math.MaxInt32 {
					return 0, errors.New("width too big")
				}
				return int(n), nil
			}
			st := i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if st == i {
				return -1, nil
			}
			return strconv.Atoi(s[st:i])
		}
		w, err := readNum()
		if err != nil {
			return nil, err
		}
		if w > 0 {
			sp.width = w
		}
		if i < len(s) && s[i] == '.' {
			i++
			p, err := readNum()
			if err != nil {
				return nil, err
			}
			if p < 0 {
				p = 0
			}
			sp.precision = p
		}
		for i < len(s) && (s[i] == 'l' || s[i] == 'h' || s[i] == 'L') {
			i++
		}
		if i >= len(s) {
			return nil, errors.New("incomplete format")
		}
		typ := s[i]
		if !haveV {
			if next >= len(args) {
				return nil, errors.New("not enough arguments for format string")
			}
			v = args[next]
			next++
		}
		if sp.align == '<' {
			sp.zero = false
		}
		if esc {
			// _MarkupEscapeHelper has __int__ and __float__ but no __index__: int(arg)
			// for %d, float(arg) for %f (both parse a str), and %x, %o and %c refuse it.
			switch typ {
			case 'x', 'X', 'o':
				return nil, errors.New("%" + string(typ) + " format: an integer is required, not _MarkupEscapeHelper")
			case 'c':
				return nil, errors.New("%c requires int or char")
			case 'd', 'i', 'u', 'e', 'E', 'f', 'F', 'g', 'G':
				if sv, ok := v.(string); ok || isMarkup(v) {
					if !ok {
						sv = ToString(v)
					}
					pv, err := pyNumberOfStr(sv, strings.IndexByte("diu", typ) >= 0)
					if err != nil {
						return nil, err
					}
					v = pv
				}
			}
		}
		var out string
		switch typ {
		case 's', 'r', 'a':
			str := ToString(v)
			switch typ {
			case 'r':
				str = repr(v)
			case 'a':
				str = asciiRepr(repr(v))
			}
			if _, isMarkup := v.(Markup); esc && (!isMarkup || typ != 's') {
				str = escapeHTML(str)
			}
			if sp.precision >= 0 {
				rs := []rune(str)
				if len(rs) > sp.precision {
					str = string(rs[:sp.precision])
				}
			}
			sp.precision = -1
			sp.zero = false
			out = pad(str, "", sp, '>')
		case 'd', 'i', 'u', 'x', 'X', 'o':
			iv, err := percentInt(v, typ)
			if err != nil {
				return nil, err
			}
			out = percentIntText(iv, typ, sp)
		case 'e', 'E', 'f', 'F', 'g', 'G':
			var fv float64
			switch x := v.(type) {
			case float64:
				fv = x
			case int64, bool, int, *big.Int:
				b, _ := toBig(x)
				if fv, err = intToFloat(normBig(b)); err != nil {
					return nil, err
				}
			default:
				return nil, errors.New("must be real number, not " + typeName(v))
			}
			sp.typ = typ
			out, err = floatSpec(fv, sp, "float")
		case 'c':
			switch x := v.(type) {
			case string:
				if utf8.RuneCountInString(x) != 1 {
					return nil, errors.New("%c requires int or char")
				}
				out = x
			case int64, bool, *big.Int:
				b, _ := toBig(x)
				if b.Sign() < 0 || b.Cmp(big.NewInt(0x10ffff)) > 0 {
					return nil, errors.New("%c arg not in range(0x110000)")
				}
				out = string(rune(b.Int64()))
			default:
				return nil, errors.New("%c requires int or char")
			}
			sp.precision = -1
			sp.zero = false
			out = pad(out, "", sp, '>')
		default:
			return nil, errors.New("unsupported format character " + pyQuote(string(typ)) + " (0x" + strconv.FormatInt(int64(typ), 16) + ") at index " + itoa(i))
		}
		if err != nil {
			return nil, err
		}
		b.WriteString(out)
	}
	if !usedMapping && next < len(args) && mapping == nil {
		// a right operand with __getitem__ (list, range, Undefined) counts as a mapping
		// (PyUnicode_Format's PyMapping_Check), so unused it raises nothing
		_, isTuple := arg.(Tuple)
		var getitem bool
		switch arg.(type) {
		case *List, *Undefined, rangeVal:
			getitem = true
		}
		if isTuple || (next == 0 && !getitem) {
			return nil, errors.New("not all arguments converted during string formatting")
		}
	}
	if esc {
		return Markup(b.String()), nil
	}
	return b.String(), nil
}

// percentInt converts a %d/%i/%u/%x/%X/%o argument as PyNumber_Index or int() does:
// ints and bools as they are, floats truncated for the decimal types only.
func percentInt(v Value, typ byte) (*big.Int, error) {
	switch x := v.(type) {
	case int64, bool, int, *big.Int:
		b, _ := toBig(x)
		return b, nil
	case float64:
		if typ == 'x' || typ == 'X' || typ == 'o' {
			return nil, errors.New("%" + string(typ) + " format: an integer is required, not float")
		}
		if math.IsNaN(x) {
			return nil, errors.New("cannot convert float NaN to integer")
		}
		if math.IsInf(x, 0) {
			return nil, errors.New("cannot convert float infinity to integer")
		}
		b, _ := new(big.Float).SetFloat64(math.Trunc(x)).Int(nil)
		return b, nil
	}
	if typ == 'x' || typ == 'X' || typ == 'o' {
		return nil, errors.New("%" + string(typ) + " format: an integer is required, not " + typeName(v))
	}
	return nil, errors.New("%" + string(typ) + " format: a real number is required, not " + typeName(v))
}

// percentIntText formats an integer for %d/%x/%X/%o: the precision is a minimum count of
// digits, "#" adds the base prefix, "0" pads with zeros after the sign.
func percentIntText(b *big.Int, typ byte, sp spec) string {
	base, prefix := 10, ""
	switch typ {
	case 'x':
		base, prefix = 16, "0x"
	case 'X':
		base, prefix = 16, "0X"
	case 'o':
		base, prefix = 8, "0o"
	}
	digits := new(big.Int).Abs(b).Text(base)
	if typ == 'X' {
		digits = strings.ToUpper(digits)
	}
	if n := sp.precision - len(digits); n > 0 {
		digits = strings.Repeat("0", n) + digits
	}
	sign := ""
	if b.Sign() < 0 {
		sign = "-"
	} else if sp.sign != 0 {
		sign = string(sp.sign)
	}
	if sp.alt {
		sign += prefix
	}
	sp.precision = -1
	return pad(digits, sign, sp, '>')
}

func isMarkup(v Value) bool { _, ok := v.(Markup); return ok }

// pyNumberOfStr is Python's int(s) (integer) or float(s) of a string, with their
// ValueErrors.
func pyNumberOfStr(s string, integer bool) (Value, error) {
	if !integer {
		if f, ok := toFloat(s, nil).(float64); ok {
			return f, nil
		}
		return nil, errors.New("could not convert string to float: " + pyQuote(s))
	}
	t := asciiDigits(strings.TrimSpace(s))
	clean := strings.TrimPrefix(strings.ReplaceAll(t, "_", ""), "+")
	if !badUnderscores(t) && clean != "" && clean[0] != '+' {
		if b, ok := new(big.Int).SetString(clean, 10); ok {
			return normBig(b), nil
		}
	}
	return nil, errors.New("invalid literal for int() with base 10: " + pyQuote(s))
}
