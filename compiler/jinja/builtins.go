package jinja

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

var (
	builtinOnce sync.Once
	builtinE    *Env
)

// builtinEnv is a shared Env with only the built-ins, for host-made Calls.
func builtinEnv() *Env {
	builtinOnce.Do(func() { builtinE = NewEnv() })
	return builtinE
}

// NewEnv returns an Env with Jinja2's built-in filters, tests and globals registered.
func NewEnv() *Env {
	return &Env{
		Globals: builtinGlobals(),
		Filters: builtinFilters(),
		Tests:   builtinTests(),
		Tags:    map[string]TagKind{},
	}
}

func builtinFilters() map[string]Func {
	f := map[string]Func{}
	addBasicFilters(f)
	addSequenceFilters(f)
	addTextFilters(f)
	addRandomFilter(f)
	addURLizeFilter(f)
	return f
}

// addBasicFilters registers abs … safe.
func addBasicFilters(f map[string]Func) {
	f["abs"] = filter("abs", []string{"x"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		if z, ok := a[0].(complexVal); ok { // complex_abs
			r := libmHypot(z.re, z.im)
			if math.IsInf(r, 0) && !math.IsInf(z.re, 0) && !math.IsInf(z.im, 0) {
				return nil, errors.New("absolute value too large")
			}
			return r, nil
		}
		if b, ok := a[0].(*big.Int); ok {
			return normBig(new(big.Int).Abs(b)), nil
		}
		i, fl, k := num(a[0])
		switch k {
		case 1:
			if i == math.MinInt64 {
				return normBig(new(big.Int).Neg(big.NewInt(i))), nil
			}
			if i < 0 {
				return -i, nil
			}
			return i, nil
		case 2:
			return math.Abs(fl), nil
		}
		return nil, typeErr("bad operand type for abs(): " + pyQuote(typeName(a[0])))
	})
	f["attr"] = filter("attr", []string{"obj", "name"}, []Value{required, required}, func(c *Call, a []Value) (Value, error) {
		name, ok := a[1].(string)
		if !ok {
			return nil, typeErr("attribute name must be string")
		}
		if _, isDict := a[0].(*Dict); isDict {
			if m := dictMethod(a[0].(*Dict), name); m != nil {
				return m, nil
			}
			return &Undefined{Name: name, hint: pyQuote(objectTypeRepr(a[0])) + " has no attribute " + pyQuote(name)}, nil
		}
		return rOf(c).getattr(a[0], name, c.Pos), nil
	})
	f["batch"] = filter("batch", []string{"value", "linecount", "fill_with"}, []Value{required, required, nil}, func(c *Call, a []Value) (Value, error) {
		return lazy("do_batch", nil, func() (Value, error) {
			items, err := listOf(a[0])
			if err != nil {
				return nil, err
			}
			n, ok := toInt(a[1])
			if !ok {
				return nil, typeErr("batch size must be an integer")
			}
			out := []Value{}
			tmp := []Value{}
			for _, it := range items {
				if int64(len(tmp)) == n {
					out = append(out, &List{Items: tmp})
					tmp = []Value{}
				}
				tmp = append(tmp, it)
			}
			if len(tmp) > 0 {
				if a[2] != nil && int64(len(tmp)) < n {
					for int64(len(tmp)) < n {
						tmp = append(tmp, a[2])
					}
				}
				out = append(out, &List{Items: tmp})
			}
			return newGen("do_batch", out), nil
		})
	})
	f["capitalize"] = filter("capitalize", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return keepMarkup(a[0], pyCapitalize(str(a[0]))), nil
	})
	f["center"] = filter("center", []string{"value", "width"}, []Value{required, int64(80)}, func(c *Call, a []Value) (Value, error) {
		w, _ := toInt(a[1])
		return keepMarkup(a[0], pyCenter(str(a[0]), int(w), " ")), nil
	})
	def := filter("default", []string{"value", "default_value", "boolean"}, []Value{required, "", false}, func(c *Call, a []Value) (Value, error) {
		if _, ok := a[0].(*Undefined); ok || (Truthy(a[2]) && !Truthy(a[0])) {
			return a[1], nil
		}
		return a[0], nil
	})
	f["default"], f["d"] = def, def
	f["dictsort"] = filter("dictsort", []string{"value", "case_sensitive", "by", "reverse"}, []Value{required, false, "key", false}, func(c *Call, a []Value) (Value, error) {
		d, ok := a[0].(*Dict)
		if !ok {
			return nil, typeErr(pyQuote(typeName(a[0])) + " object has no attribute 'items'")
		}
		pos := 0
		switch a[2] {
		case "key":
		case "value":
			pos = 1
		default:
			return nil, errors.New("You can only sort by either \"key\" or \"value\"")
		}
		items := make([]Value, d.Len())
		for i, k := range d.keys {
			items[i] = Tuple{k, d.vals[i]}
		}
		cs := Truthy(a[1])
		err := sortValues(items, func(v Value) Value {
			k := v.(Tuple)[pos]
			if !cs {
				return ignoreCase(k)
			}
			return k
		}, Truthy(a[3]))
		return &List{Items: items}, err
	})
	esc := filter("escape", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		if m, ok := a[0].(Markup); ok {
			return m, nil
		}
		return Markup(escapeHTML(str(a[0]))), nil
	})
	f["escape"], f["e"] = esc, esc
	f["forceescape"] = filter("forceescape", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return Markup(escapeHTML(str(a[0]))), nil
	})
	f["safe"] = filter("safe", []string{"s"}, []Value{required}, func(c *Call, a []Value) (Value, error) {
		return Markup(str(a[0])), nil
	})
}

func urlQuote(s string, safe string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~", c) >= 0 || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex2(int(c))))
		}
	}
	return b.String()
}

// jinjaTitle is Jinja2's do_title: the text split by _word_beginning_split_re
// (`([-\s({\[<]+)`, where \s is Python's Unicode whitespace), and each piece's first
// character uppercased and the rest lowercased as one string (so Final_Sigma sees only the
// piece's own letters, as in Jinja2).
func jinjaTitle(s string) string {
	isSep := func(r rune) bool {
		return pyIsSpace(r) || r == '-' || r == '(' || r == '{' || r == '[' || r == '<'
	}
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if isSep(r) {
			b.WriteRune(r)
			s = s[size:]
			continue
		}
		end := strings.IndexFunc(s, isSep)
		if end < 0 {
			end = len(s)
		}
		b.WriteString(pyUpper(s[:size]))
		b.WriteString(pyLower(s[size:end]))
		s = s[end:]
	}
	return b.String()
}

func toFloat(v, def Value) Value {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case *big.Int:
		if f := bigFloat(x); !math.IsInf(f, 0) {
			return f
		}
		return def // float(int) raises OverflowError, which do_float does not catch: see the filter
	case bool:
		if x {
			return 1.0
		}
		return 0.0
	case string, Markup:
		s := asciiDigits(strings.TrimSpace(str(x)))
		if badUnderscores(s) {
			return def
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
		if err != nil {
			ls := strings.ToLower(s)
			switch ls {
			case "inf", "+inf", "infinity":
				return math.Inf(1)
			case "-inf", "-infinity":
				return math.Inf(-1)
			case "nan":
				return math.NaN()
			}
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return f
			}
			return def
		}
		return f
	}
	return def
}

func toIntFilter(v, def Value, base int) Value {
	switch x := v.(type) {
	case int64, *big.Int:
		return x
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return def
		}
		return floatToInt(x)
	case string, Markup:
		s := asciiDigits(strings.TrimSpace(str(x)))
		clean := strings.ReplaceAll(s, "_", "")
		b := base
		if b == 16 || b == 8 || b == 2 || b == 0 {
			l := strings.ToLower(clean)
			for _, p := range []string{"0x", "0o", "0b"} {
				if strings.HasPrefix(l, p) || strings.HasPrefix(l, "-"+p) || strings.HasPrefix(l, "+"+p) {
					clean = strings.Replace(strings.Replace(l, p, "", 1), "+", "", 1)
					b = map[string]int{"0x": 16, "0o": 8, "0b": 2}[p]
				}
			}
		}
		if b == 0 {
			b = 10
		}
		if badUnderscores(s) {
			clean = "!" // int() and float() both refuse misplaced underscores
		}
		if i, err := strconv.ParseInt(clean, b, 64); err == nil {
			return i
		}
		if bi, ok := new(big.Int).SetString(clean, b); ok && !strings.HasPrefix(clean, "+-") {
			return normBig(bi)
		}
		if f, ok := toFloat(s, nil).(float64); ok && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return floatToInt(f)
		}
		return def
	}
	return def
}

// floatToInt truncates like Python's int(float), growing to a big int when needed.
func floatToInt(f float64) Value {
	if f >= -9.2e18 && f <= 9.2e18 {
		return int64(f)
	}
	b, _ := big.NewFloat(math.Trunc(f)).Int(nil)
	return normBig(b)
}

// badUnderscores reports underscores Python's int() and float() refuse: not between two
// digits (leading, trailing, doubled, or next to a sign, point, exponent or prefix).
func badUnderscores(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '_' {
			continue
		}
		if i == 0 || i == len(s)-1 || !isHexDigit(s[i-1]) || !isHexDigit(s[i+1]) {
			return true
		}
	}
	return false
}
