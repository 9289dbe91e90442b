package jinja

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

func formatInt(i int64) string { return strconv.FormatInt(i, 10) }

// escapeHTML is markupsafe.escape's replacement set.
func escapeHTML(s string) string {
	if !strings.ContainsAny(s, "&<>'\"") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\'':
			b.WriteString("&#39;")
		case '"':
			b.WriteString("&#34;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// spec is a parsed format specification (str.format mini-language, also used for %).
type spec struct {
	fill      rune
	align     byte
	sign      byte
	alt       bool
	zero      bool
	width     int
	grouping  byte
	precision int // -1 when absent
	typ       byte
	// explicitFill is set when the spec names a fill character
	explicitFill bool
}

func parseSpec(s string) (spec, error) {
	sp := spec{fill: ' ', precision: -1}
	if s == "" {
		return sp, nil
	}
	r, size := utf8.DecodeRuneInString(s)
	if len(s) > size && strings.IndexByte("<>=^", s[size]) >= 0 {
		sp.fill, sp.align, sp.explicitFill = r, s[size], true
		s = s[size+1:]
	} else if strings.IndexByte("<>=^", s[0]) >= 0 {
		sp.align = s[0]
		s = s[1:]
	}
	if s != "" && strings.IndexByte("+- ", s[0]) >= 0 {
		sp.sign = s[0]
		s = s[1:]
	}
	if s != "" && s[0] == '#' {
		sp.alt = true
		s = s[1:]
	}
	if s != "" && s[0] == '0' {
		sp.zero = true
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 {
		sp.width, _ = strconv.Atoi(s[:i])
		s = s[i:]
	}
	if s != "" && (s[0] == ',' || s[0] == '_') {
		sp.grouping = s[0]
		s = s[1:]
	}
	if s != "" && s[0] == '.' {
		i = 1
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 1 {
			return sp, errors.New("format specifier missing precision")
		}
		sp.precision, _ = strconv.Atoi(s[1:i])
		s = s[i:]
	}
	if len(s) > 1 {
		return sp, errors.New("invalid format specifier")
	}
	if s != "" {
		sp.typ = s[0]
	}
	return sp, nil
}

func group(digits string, sep byte) string {
	if sep == 0 || len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	pre := len(digits) % 3
	if pre > 0 {
		b.WriteString(digits[:pre])
	}
	for i := pre; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(sep)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// applySpec formats v with sp.
func applySpec(v Value, sp spec) (string, error) {
	var body, signStr string
	numeric := false
	switch sp.typ {
	case 's', 0:
		if sp.typ == 0 {
			if _, _, k := num(v); k != 0 {
				if _, isBool := v.(bool); !isBool || sp.width > 0 || sp.precision >= 0 {
					numeric = true
				}
			}
		}
		if !numeric {
			if sp.typ == 's' {
				if _, ok := optStr(v); !ok {
					if _, _, k := num(v); k != 0 {
						return "", errors.New("unknown format code 's' for object of type " + pyQuote(typeName(v)))
					}
				}
			}
			body = ToString(v)
			if sp.precision >= 0 {
				rs := []rune(body)
				if len(rs) > sp.precision {
					body = string(rs[:sp.precision])
				}
			}
			return pad(body, "", sp, '<'), nil
		}
	}
	i, f, k := num(v)
	if k == 0 {
		return "", errors.New("unknown format code '" + string(sp.typ) + "' for object of type " + pyQuote(typeName(v)))
	}
	neg := false
	switch sp.typ {
	case 'd', 'n':
		if k != 1 {
			return "", errors.New("unknown format code 'd' for object of type 'float'")
		}
		neg = i < 0
		body = group(strconv.FormatUint(absU(i), 10), sp.grouping)
	case 'x', 'X', 'o', 'b':
		if k != 1 {
			return "", errors.New("unknown format code '" + string(sp.typ) + "' for object of type 'float'")
		}
		neg = i < 0
		base := map[byte]int{'x': 16, 'X': 16, 'o': 8, 'b': 2}[sp.typ]
		body = strconv.FormatUint(absU(i), base)
		if sp.typ == 'X' {
			body = strings.ToUpper(body)
		}
		if sp.alt {
			signStr = "0" + string(sp.typ)
		}
	case 'c':
		return pad(string(rune(i)), "", sp, '<'), nil
	default:
		if k == 1 && sp.typ == 0 {
			neg = i < 0
			body = group(strconv.FormatUint(absU(i), 10), sp.grouping)
			break
		}
		neg = f < 0 || (f == 0 && math.Signbit(f))
		af := math.Abs(f)
		prec := sp.precision
		switch sp.typ {
		case 'f', 'F', '%':
			if prec < 0 {
				prec = 6
			}
			if sp.typ == '%' {
				af *= 100
			}
			body = fixed(af, prec, sp.grouping)
			if sp.typ == '%' {
				body += "%"
			}
		case 'e', 'E':
			if prec < 0 {
				prec = 6
			}
			body = strconv.FormatFloat(af, 'e', prec, 64)
			if sp.typ == 'E' {
				body = strings.ToUpper(body)
			}
		case 'g', 'G':
			if prec < 0 {
				prec = 6
			}
			if prec == 0 {
				prec = 1
			}
			body = strconv.FormatFloat(af, 'g', prec, 64)
			if sp.typ == 'G' {
				body = strings.ToUpper(body)
			}
		default:
			if prec >= 0 {
				if prec == 0 {
					prec = 1
				}
				body = strconv.FormatFloat(af, 'g', prec, 64)
				if !strings.ContainsAny(body, ".e") && !math.IsInf(af, 0) {
					body += ".0"
				}
			} else {
				body = formatFloat(af)
			}
		}
		if math.IsInf(af, 0) {
			body = "inf"
		}
		if math.IsNaN(af) {
			body = "nan"
		}
	}
	switch {
	case neg:
		signStr = "-" + signStr
	case sp.sign == '+':
		signStr = "+" + signStr
	case sp.sign == ' ':
		signStr = " " + signStr
	}
	return pad(body, signStr, sp, '>'), nil
}

func fixed(f float64, prec int, grouping byte) string {
	s := strconv.FormatFloat(f, 'f', prec, 64)
	if grouping == 0 {
		return s
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	return group(intPart, grouping) + frac
}

func absU(i int64) uint64 {
	if i < 0 {
		return uint64(-i)
	}
	return uint64(i)
}

func pad(body, sign string, sp spec, defAlign byte) string {
	n := utf8.RuneCountInString(body) + utf8.RuneCountInString(sign)
	align := sp.align
	fill := sp.fill
	if align == 0 {
		align = defAlign
		if sp.zero && defAlign == '>' {
			align, fill = '=', '0'
		}
	} else if sp.zero && !sp.explicitFill {
		fill = '0'
	}
	if sp.width <= n {
		return sign + body
	}
	p := sp.width - n
	f := string(fill)
	switch align {
	case '<':
		return sign + body + strings.Repeat(f, p)
	case '^':
		l := p / 2
		return strings.Repeat(f, l) + sign + body + strings.Repeat(f, p-l)
	case '=':
		return sign + strings.Repeat(f, p) + body
	}
	return strings.Repeat(f, p) + sign + body
}

// strFormat is str.format.
func strFormat(s string, args []Value, kwargs []KeywordArg) (Value, error) {
	var b strings.Builder
	auto := 0
	autoUsed, manual := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '}' {
			if i+1 < len(s) && s[i+1] == '}' {
				b.WriteByte('}')
				i++
				continue
			}
			return nil, errors.New("Single '}' encountered in format string")
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(s) && s[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		depth := 1
		j := i + 1
		for j < len(s) && depth > 0 {
			if s[j] == '{' {
				depth++
			} else if s[j] == '}' {
				depth--
			}
			j++
		}
		if depth != 0 {
			return nil, errors.New("Single '{' encountered in format string")
		}
		field := s[i+1 : j-1]
		i = j - 1
		conv, fspec := byte(0), ""
		if k := strings.IndexByte(field, ':'); k >= 0 {
			field, fspec = field[:k], field[k+1:]
		}
		if k := strings.IndexByte(field, '!'); k >= 0 && k+1 < len(field) {
			conv = field[k+1]
			field = field[:k]
		}
		// nested fields in the spec
		if strings.Contains(fspec, "{") {
			v, err := strFormat(fspec, args, kwargs)
			if err != nil {
				return nil, err
			}
			fspec = v.(string)
		}
		name, rest := field, ""
		if k := strings.IndexAny(field, ".["); k >= 0 {
			name, rest = field[:k], field[k:]
		}
		var v Value
		if name == "" {
			if manual {
				return nil, errors.New("cannot switch from manual field specification to automatic field numbering")
			}
			autoUsed = true
			if auto >= len(args) {
				return nil, errors.New("Replacement index " + itoa(auto) + " out of range for positional args tuple")
			}
			v = args[auto]
			auto++
		} else if n, err := strconv.Atoi(name); err == nil {
			if autoUsed {
				return nil, errors.New("cannot switch from automatic field numbering to manual field specification")
			}
			manual = true
			if n >= len(args) {
				return nil, errors.New("Replacement index " + itoa(n) + " out of range for positional args tuple")
			}
			v = args[n]
		} else {
			found := false
			for _, k := range kwargs {
				if k.Name == name {
					v, found = k.Value, true
				}
			}
			if !found {
				return nil, errors.New(pyQuote(name))
			}
		}
		for rest != "" {
			if rest[0] == '.' {
				k := strings.IndexAny(rest[1:], ".[")
				attr := rest[1:]
				if k >= 0 {
					attr, rest = rest[1:k+1], rest[k+1:]
				} else {
					rest = ""
				}
				v = (&renderer{}).getattrSafe(v, attr)
			} else {
				k := strings.IndexByte(rest, ']')
				if k < 0 {
					return nil, errors.New("Missing ']' in format string")
				}
				key := rest[1:k]
				rest = rest[k+1:]
				var kv Value = key
				if n, err := strconv.Atoi(key); err == nil {
					kv = int64(n)
				}
				v = (&renderer{}).getitemSafe(v, kv)
			}
		}
		switch conv {
		case 'r':
			v = repr(v)
		case 'a':
			v = asciiRepr(repr(v))
		case 's':
			v = ToString(v)
		}
		sp, err := parseSpec(fspec)
		if err != nil {
			return nil, err
		}
		out, err := applySpec(v, sp)
		if err != nil {
			return nil, err
		}
		b.WriteString(out)
	}
	return b.String(), nil
}

func (r *renderer) getattrSafe(v Value, name string) (out Value) {
	defer func() {
		if recover() != nil {
			out = &Undefined{Name: name}
		}
	}()
	return r.getattr(v, name, 0)
}

func (r *renderer) getitemSafe(v Value, key Value) (out Value) {
	defer func() {
		if recover() != nil {
			out = &Undefined{}
		}
	}()
	return r.getitem(v, key, 0)
}

// asciiRepr is Python's ascii(): repr with non-ASCII characters escaped.
func asciiRepr(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r < 0x100:
			b.WriteString(`\x` + hex2(int(r)))
		case r < 0x10000:
			b.WriteString(`\u` + hex2(int(r)>>8) + hex2(int(r)&0xff))
		default:
			b.WriteString(`\U` + hex2(int(r)>>24) + hex2(int(r)>>16&0xff) + hex2(int(r)>>8&0xff) + hex2(int(r)&0xff))
		}
	}
	return b.String()
}
