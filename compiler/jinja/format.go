package jinja

import (
	"errors"
	"math"
	"math/big"
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
	// empty: the spec is "" (format(x, "") is str(x) for every type)
	empty bool
	// noNeg0 is the "z" option (Python 3.11): a float that rounds to zero loses its "-"
	noNeg0 bool
}

func parseSpec(s string) (spec, error) {
	sp := spec{fill: ' ', precision: -1}
	if s == "" {
		sp.empty = true
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
	if s != "" && s[0] == 'z' {
		sp.noNeg0 = true
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

// applySpec formats v with sp as format(v, spec) does: each type's __format__ accepts its
// own presentation types and options (CPython Python/formatter_unicode.c) and raises
// ValueError for the others; objects without a __format__ of their own accept only an
// empty spec (object.__format__).
func applySpec(v Value, sp spec) (string, error) {
	switch x := v.(type) {
	case string:
		return strSpec(x, sp)
	case Markup:
		return strSpec(string(x), sp)
	case bool:
		if sp.empty {
			return ToString(x), nil
		}
		if x {
			v = int64(1)
		} else {
			v = int64(0)
		}
	case int:
		v = int64(x)
	case int64, *big.Int, float64:
	case complexVal:
		return complexSpec(x, sp)
	default:
		if !sp.empty {
			return "", typeErr("unsupported format string passed to " + typeName(v) + ".__format__")
		}
		return ToString(v), nil
	}
	if f, ok := v.(float64); ok {
		return floatSpec(f, sp, "float")
	}
	return intSpec(v, sp)
}

// specErr is the ValueError of an option a type does not take.
func specErr(msg string) error { return errors.New(msg) }

// groupingErr is invalid_thousands_separator_type's message.
func groupingErr(sep, typ byte) error {
	return specErr("Cannot specify '" + string(sep) + "' with '" + string(typ) + "'.")
}

// strSpec is str.__format__.
func strSpec(s string, sp spec) (string, error) {
	switch {
	case sp.typ != 0 && sp.typ != 's':
		return "", specErr("Unknown format code '" + string(sp.typ) + "' for object of type 'str'")
	case sp.grouping != 0:
		return "", groupingErr(sp.grouping, 's')
	case sp.sign == ' ':
		return "", specErr("Space not allowed in string format specifier")
	case sp.sign != 0:
		return "", specErr("Sign not allowed in string format specifier")
	case sp.noNeg0:
		return "", specErr("Negative zero coercion (z) not allowed in string format specifier")
	case sp.alt:
		return "", specErr("Alternate form (#) not allowed in string format specifier")
	case sp.align == '=':
		return "", specErr("'=' alignment not allowed in string format specifier")
	}
	if sp.precision >= 0 {
		if rs := []rune(s); len(rs) > sp.precision {
			s = string(rs[:sp.precision])
		}
	}
	if sp.zero && !sp.explicitFill {
		sp.fill = '0'
		if sp.align == 0 {
			sp.align = '<'
		}
	}
	return pad(s, "", sp, '<'), nil
}

// intSpec is int.__format__ (v an int64 or *big.Int).
func intSpec(v Value, sp spec) (string, error) {
	typ := sp.typ
	if typ == 0 {
		if sp.empty {
			return ToString(v), nil
		}
		typ = 'd'
	}
	switch typ {
	case 'e', 'E', 'f', 'F', 'g', 'G', '%':
		f, err := intToFloat(v)
		if err != nil {
			return "", err
		}
		return floatSpec(f, sp, "int")
	case 'd', 'n', 'b', 'o', 'x', 'X', 'c':
	default:
		return "", specErr("Unknown format code '" + string(typ) + "' for object of type 'int'")
	}
	if sp.grouping != 0 && (typ == 'n' || typ == 'c' || sp.grouping == ',' && typ != 'd') {
		return "", groupingErr(sp.grouping, typ)
	}
	if sp.precision >= 0 {
		return "", specErr("Precision not allowed in integer format specifier")
	}
	if sp.noNeg0 {
		return "", specErr("Negative zero coercion (z) not allowed in integer format specifier")
	}
	b, _ := toBig(v)
	if typ == 'c' {
		switch {
		case sp.sign != 0:
			return "", specErr("Sign not allowed with integer format specifier 'c'")
		case sp.alt:
			return "", specErr("Alternate form (#) not allowed with integer format specifier 'c'")
		case b.Sign() < 0 || b.Cmp(big.NewInt(0x10ffff)) > 0:
			return "", errors.New("%c arg not in range(0x110000)")
		}
		return pad(string(rune(b.Int64())), "", sp, '>'), nil
	}
	base, every := 10, 3
	prefix := ""
	switch typ {
	case 'b':
		base, every, prefix = 2, 4, "0b"
	case 'o':
		base, every, prefix = 8, 4, "0o"
	case 'x', 'X':
		base, every, prefix = 16, 4, "0x"
	}
	body := new(big.Int).Abs(b).Text(base)
	if typ == 'X' {
		body = strings.ToUpper(body)
		prefix = "0X"
	}
	body = groupEvery(body, sp.grouping, every)
	sign := ""
	switch {
	case b.Sign() < 0:
		sign = "-"
	case sp.sign == '+' || sp.sign == ' ':
		sign = string(sp.sign)
	}
	if sp.alt {
		sign += prefix
	}
	return pad(zeroPadGrouped(body, sign, sp, every), sign, sp, '>'), nil
}

// intToFloat is float(int) for formatting, OverflowError beyond the float range.
func intToFloat(v Value) (float64, error) {
	if i, ok := v.(int64); ok {
		return float64(i), nil
	}
	f := bigFloat(v.(*big.Int))
	if math.IsInf(f, 0) {
		return 0, errors.New("int too large to convert to float")
	}
	return f, nil
}

// groupEvery inserts sep between groups of n digits from the right.
func groupEvery(digits string, sep byte, n int) string {
	if sep == 0 || len(digits) <= n {
		return digits
	}
	var b strings.Builder
	pre := len(digits) % n
	b.WriteString(digits[:pre])
	for i := pre; i < len(digits); i += n {
		if b.Len() > 0 {
			b.WriteByte(sep)
		}
		b.WriteString(digits[i : i+n])
	}
	return b.String()
}

// floatSpec is float.__format__ (of is the type named in errors: int for an int
// formatted with a float presentation type).
func floatSpec(f float64, sp spec, of string) (string, error) {
	switch sp.typ {
	case 0, 'e', 'E', 'f', 'F', 'g', 'G', 'n', '%':
	default:
		return "", specErr("Unknown format code '" + string(sp.typ) + "' for object of type '" + of + "'")
	}
	if sp.grouping != 0 && sp.typ == 'n' {
		return "", groupingErr(sp.grouping, 'n')
	}
	if sp.empty {
		return formatFloat(f), nil
	}
	var body string
	neg := f < 0 || (f == 0 && math.Signbit(f))
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
		if sp.alt && prec == 0 {
			body += "."
		}
		if sp.typ == '%' {
			body += "%"
		}
	case 'e', 'E':
		if prec < 0 {
			prec = 6
		}
		body = strconv.FormatFloat(af, 'e', prec, 64)
		if sp.alt && prec == 0 {
			body = strings.Replace(body, "e", ".e", 1)
		}
	case 'g', 'G', 'n':
		if prec < 0 {
			prec = 6
		}
		if prec == 0 {
			prec = 1
		}
		body = pyGeneral(af, prec, sp.alt, sp.grouping, false)
	default:
		if prec >= 0 {
			if prec == 0 {
				prec = 1
			}
			body = pyGeneral(af, prec, sp.alt, sp.grouping, true)
			if !strings.ContainsAny(body, ".e") && !math.IsInf(af, 0) && !math.IsNaN(af) {
				body += ".0"
			}
		} else {
			body = formatFloat(af)
			if sp.alt && !strings.Contains(body, ".") && !math.IsInf(af, 0) && !math.IsNaN(af) {
				// repr digits with '#': a point even before the exponent (1.e-07)
				if i := strings.IndexByte(body, 'e'); i >= 0 {
					body = body[:i] + "." + body[i:]
				}
			}
			if sp.grouping != 0 && !strings.ContainsAny(body, "en") {
				ip, frac, _ := strings.Cut(body, ".")
				body = group(ip, sp.grouping) + "." + frac
			}
		}
	}
	if math.IsInf(af, 0) {
		body = "inf"
	}
	if math.IsNaN(af) {
		body = "nan"
	}
	if sp.typ == '%' && (math.IsInf(af, 0) || math.IsNaN(af)) {
		body += "%" // '{:%}'.format(1e308) is inf%: the percent sign stays
	}
	if sp.typ == 'E' || sp.typ == 'F' || sp.typ == 'G' {
		body = strings.ToUpper(body)
	}
	if neg && sp.noNeg0 && zeroDigits(body) {
		neg = false
	}
	sign := ""
	switch {
	case neg && !math.IsNaN(f):
		sign = "-"
	case sp.sign == '+' || sp.sign == ' ':
		sign = string(sp.sign)
	}
	return pad(zeroPadGrouped(body, sign, sp, 3), sign, sp, '>'), nil
}

// pyGeneral is the 'g' presentation: precision significant digits, exponent notation
// when the exponent is below -4 or not below the precision, trailing zeros removed unless
// alt ('#'). For the empty presentation type with a precision (repr), the exponent form
// starts one digit earlier, at an exponent of precision-1.
func pyGeneral(f float64, prec int, alt bool, grouping byte, repr bool) string {
	if f == 0 && repr && prec == 1 {
		// zero's exponent 0 is not below precision-1: exponent form
		if alt {
			return "0.e+00"
		}
		return "0e+00"
	}
	if math.IsInf(f, 0) || math.IsNaN(f) || f == 0 && !alt {
		if f == 0 {
			return "0"
		}
		return formatFloat(f)
	}
	e := strconv.FormatFloat(f, 'e', prec-1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if f == 0 {
		exp = 0
	}
	var body string
	limit := prec
	if repr {
		limit = prec - 1
	}
	if exp < -4 || exp >= limit {
		mant, ex, _ := strings.Cut(e, "e")
		if !alt && strings.Contains(mant, ".") {
			mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
		} else if alt && !strings.Contains(mant, ".") {
			mant += "."
		}
		return mant + "e" + ex
	}
	body = strconv.FormatFloat(f, 'f', prec-1-exp, 64)
	if !alt && strings.Contains(body, ".") {
		body = strings.TrimRight(strings.TrimRight(body, "0"), ".")
	} else if alt && !strings.Contains(body, ".") {
		body += "."
	}
	if grouping != 0 {
		ip, frac, hasFrac := strings.Cut(body, ".")
		body = group(ip, grouping)
		if hasFrac {
			body += "." + frac
		}
	}
	return body
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

// formatMethod is str.format and str.format_map of s; with esc they are Markup's, whose
// formatter (Jinja2's SandboxedEscapeFormatter over markupsafe's EscapeFormatter) escapes
// each formatted field and returns Markup.
func formatMethod(s, name string, esc bool) Func {
	return method(func(args []Value, kw []KeywordArg) (Value, error) {
		if name == "format_map" {
			// str.format_map(mapping): the fields are looked up in the mapping.
			a, err := bindArgs(name, args, kw, []string{"mapping"}, []Value{required})
			if err != nil {
				return nil, err
			}
			d, ok := a[0].(*Dict)
			if !ok {
				return nil, typeErr("format_map() argument must be a mapping, not " + typeName(a[0]))
			}
			args, kw = nil, make([]KeywordArg, 0, d.Len())
			for _, k := range d.keys {
				if ks, ok := k.(string); ok {
					v, _ := d.Get(ks)
					kw = append(kw, KeywordArg{Name: ks, Value: v})
				}
			}
		}
		out, err := strFormat(s, args, kw, esc)
		if err != nil {
			return nil, err
		}
		if esc {
			return Markup(out), nil
		}
		return out, nil
	})
}

// strFormat is str.format; esc escapes each formatted field as markupsafe's
// EscapeFormatter.format_field does (a Markup field as it is, and only with no spec).
func strFormat(s string, args []Value, kwargs []KeywordArg, esc bool) (string, error) {
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
			return "", errors.New("Single '}' encountered in format string")
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
			return "", errors.New("Single '{' encountered in format string")
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
			v, err := strFormat(fspec, args, kwargs, esc)
			if err != nil {
				return "", err
			}
			fspec = v
		}
		name, rest := field, ""
		if k := strings.IndexAny(field, ".["); k >= 0 {
			name, rest = field[:k], field[k:]
		}
		var v Value
		if name == "" {
			if manual {
				return "", errors.New("cannot switch from manual field specification to automatic field numbering")
			}
			autoUsed = true
			if auto >= len(args) {
				return "", errors.New("Replacement index " + itoa(auto) + " out of range for positional args tuple")
			}
			v = args[auto]
			auto++
		} else if n, err := strconv.Atoi(name); err == nil {
			if autoUsed {
				return "", errors.New("cannot switch from automatic field numbering to manual field specification")
			}
			manual = true
			if n >= len(args) {
				return "", errors.New("Replacement index " + itoa(n) + " out of range for positional args tuple")
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
				return "", errors.New(pyQuote(name))
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
					return "", errors.New("Missing ']' in format string")
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
		if m, ok := v.(Markup); ok && esc {
			// Markup.__html_format__
			if fspec != "" {
				return "", errors.New("Unsupported format specification for Markup.")
			}
			b.WriteString(string(m))
			continue
		}
		sp, err := parseSpec(fspec)
		if err != nil {
			return "", err
		}
		out, err := applySpec(v, sp)
		if err != nil {
			return "", err
		}
		if esc {
			out = escapeHTML(out)
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

// zeroDigits reports whether a formatted number's mantissa has only zero digits.
func zeroDigits(body string) bool {
	if i := strings.IndexAny(body, "eE"); i >= 0 {
		body = body[:i]
	}
	for i := 0; i < len(body); i++ {
		if body[i] >= '1' && body[i] <= '9' {
			return false
		}
	}
	return true
}

// zeroPadGrouped groups the zeros of zero padding with the digits, as CPython's
// _PyUnicode_InsertThousandsGrouping does with a minimum width: when the fill is '0' with
// '=' alignment and a separator is asked for, the padding is made of grouped zeros
// ({:08,} of 1234 is 0,001,234, one wider than asked rather than starting with a comma).
// body starts with the (grouped) integer digits; every is the group size.
func zeroPadGrouped(body, sign string, sp spec, every int) string {
	zeroEq := sp.align == 0 && sp.zero && !sp.explicitFill ||
		sp.align == '=' && (sp.explicitFill && sp.fill == '0' || sp.zero && !sp.explicitFill)
	if sp.grouping == 0 || !zeroEq {
		return body
	}
	i := 0
	for i < len(body) && (isHexDigit(body[i]) && (every == 4 || body[i] <= '9') || body[i] == sp.grouping) {
		i++
	}
	if i == 0 {
		return body // inf, nan
	}
	digits := strings.ReplaceAll(body[:i], string(sp.grouping), "")
	rest := body[i:]
	minWidth := sp.width - utf8.RuneCountInString(sign) - utf8.RuneCountInString(rest)
	var parts []string
	remaining := len(digits)
	for {
		l := min(every, max(remaining, minWidth, 1))
		nZeros := max(0, l-remaining)
		nChars := max(0, min(remaining, l))
		parts = append(parts, strings.Repeat("0", nZeros)+digits[remaining-nChars:remaining])
		remaining -= nChars
		minWidth -= l
		if remaining <= 0 && minWidth <= 0 {
			break
		}
		minWidth--
	}
	var b strings.Builder
	for j := len(parts) - 1; j >= 0; j-- {
		b.WriteString(parts[j])
		if j > 0 {
			b.WriteByte(sp.grouping)
		}
	}
	return b.String() + rest
}
