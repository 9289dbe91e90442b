package jinja

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Python's printf-style str % args.

// percentFormat is Python's str % args.
func percentFormat(s string, arg Value) (Value, error) {
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
				n, ok := asInt(args[next])
				next++
				if !ok {
					return 0, errors.New("* wants int")
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
		var out string
		switch typ {
		case 's', 'r', 'a':
			str := ToString(v)
			if typ != 's' {
				str = repr(v)
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
		case 'd', 'i', 'u':
			iv, fv, k := num(v)
			if k == 0 {
				return nil, errors.New("%" + string(typ) + " format: a real number is required, not " + typeName(v))
			}
			if k == 2 {
				iv = int64(math.Trunc(fv))
			}
			sp.typ = 'd'
			prec := sp.precision
			sp.precision = -1
			if prec > 0 {
				digits := strconv.FormatUint(absU(iv), 10)
				for len(digits) < prec {
					digits = "0" + digits
				}
				sign := ""
				if iv < 0 {
					sign = "-"
				} else if sp.sign != 0 {
					sign = string(sp.sign)
				}
				out = pad(digits, sign, sp, '>')
			} else {
				out, err = applySpec(iv, sp)
			}
		case 'x', 'X', 'o':
			iv, ok := asInt(v)
			if !ok {
				return nil, errors.New("%" + string(typ) + " format: an integer is required, not " + typeName(v))
			}
			sp.typ = typ
			sp.precision = -1
			out, err = applySpec(iv, sp)
			if sp.alt && typ == 'o' {
				out = strings.Replace(out, "0o", "0o", 1)
			}
		case 'e', 'E', 'f', 'F', 'g', 'G':
			_, fv, k := num(v)
			if k == 0 {
				return nil, errors.New("must be real number, not " + typeName(v))
			}
			sp.typ = typ
			out, err = applySpec(fv, sp)
		case 'c':
			if str, ok := v.(string); ok {
				out = str
			} else {
				iv, _ := asInt(v)
				out = string(rune(iv))
			}
		default:
			return nil, errors.New("unsupported format character " + pyQuote(string(typ)) + " (0x" + strconv.FormatInt(int64(typ), 16) + ") at index " + itoa(i))
		}
		if err != nil {
			return nil, err
		}
		b.WriteString(out)
	}
	if !usedMapping && next < len(args) && mapping == nil {
		_, isTuple := arg.(Tuple)
		_, isList := arg.(*List)
		if isTuple || (next == 0 && !isList) {
			return nil, errors.New("not all arguments converted during string formatting")
		}
	}
	return b.String(), nil
}
