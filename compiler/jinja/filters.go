package jinja

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

// call returns the Call handed to a filter, test or host function. Calls are allocated in
// chunks: one object per call site invocation, without a heap allocation each time.
func (r *renderer) call(pos int) *Call {
	if len(r.callBuf) == 0 {
		r.callN = nextChunk(r.callN, 4, 32)
		r.callBuf = make([]Call, r.callN)
	}
	c := &r.callBuf[0]
	r.callBuf = r.callBuf[1:]
	*c = Call{Ctx: r.ctx, File: r.t.File, Pos: pos, r: r}
	return c
}

func (r *renderer) applyFilter(n *FilterExpr, input Value, sc *scope) Value {
	f, ok := r.env.Filters[n.Name]
	if !ok {
		r.fail(n.Pos, "no filter named "+pyQuote(n.Name)+" found")
	}
	args, kwargs := r.evalArgs(n.Args, n.Kwargs, n.DynArgs, n.DynKw, sc, input, true)
	v, err := f(r.call(n.Pos), args, kwargs)
	if err != nil {
		r.failErr(n.Pos, err)
	}
	return normalize(v)
}

// applyFilterChain applies a filter/set block's chain whose innermost input is v.
func (r *renderer) applyFilterChain(f *FilterExpr, v Value, sc *scope) Value {
	input := v
	if f.X != nil {
		input = r.applyFilterChain(f.X.(*FilterExpr), v, sc)
	}
	return r.applyFilter(f, input, sc)
}

func (r *renderer) applyTest(n *TestExpr, sc *scope) Value {
	x := r.eval(n.X, sc)
	t, ok := r.env.Tests[n.Name]
	if !ok {
		r.fail(n.Pos, "no test named "+pyQuote(n.Name)+" found")
	}
	args, kwargs := r.evalArgs(n.Args, n.Kwargs, n.DynArgs, n.DynKw, sc, x, true)
	v, err := t(r.call(n.Pos), args, kwargs)
	if err != nil {
		r.failErr(n.Pos, err)
	}
	res := Truthy(v)
	if n.Negated {
		return !res
	}
	return res
}

// rOf returns the renderer behind a Call, or a standalone one for host-made Calls.
func rOf(c *Call) *renderer {
	if c != nil && c.r != nil {
		return c.r
	}
	ctx := &Context{}
	if c != nil && c.Ctx != nil {
		ctx = c.Ctx
	}
	return newRenderer(builtinEnv(), ctx, &Template{File: "<host>"})
}

// guard runs fn, converting template panics into errors (filters may call back into
// the renderer, e.g. map('upper') or a macro passed as an argument).
func guard(fn func() (Value, error)) (v Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			switch x := p.(type) {
			case *Error:
				err = x
			case *returnPanic:
				panic(x)
			case error:
				err = x
			default:
				panic(p)
			}
		}
	}()
	return fn()
}

// filter declares a builtin filter with a Python-like signature.
func filter(name string, params []string, defaults []Value, fn func(c *Call, a []Value) (Value, error)) Func {
	return func(c *Call, args []Value, kwargs []KeywordArg) (Value, error) {
		var r *renderer
		if c != nil {
			r = c.r
		}
		a, err := bindArgsR(r, name, args, kwargs, params, defaults)
		if err != nil {
			return nil, err
		}
		if r != nil {
			// called by the engine: template errors unwind to the render boundary
			return fn(c, a)
		}
		return guard(func() (Value, error) { return fn(c, a) })
	}
}

func str(v Value) string { return ToString(v) }

func length(v Value) (int, error) {
	switch x := v.(type) {
	case string:
		return len([]rune(x)), nil
	case Markup:
		return len([]rune(string(x))), nil
	case *Dict:
		return x.Len(), nil
	case rangeVal:
		return int(x.length()), nil
	case *Undefined:
		return 0, nil
	case *genVal:
		return 0, typeErr("object of type " + pyQuote(x.typ) + " has no len()")
	}
	if items, ok := iterValues(v); ok {
		return len(items), nil
	}
	return 0, typeErr("object of type " + pyQuote(typeName(v)) + " has no len()")
}

func listOf(v Value) ([]Value, error) {
	items, ok := iterValues(v)
	if !ok {
		return nil, typeErr(pyQuote(typeName(v)) + " object is not iterable")
	}
	return items, nil
}

// attrGetter implements Jinja2's make_attrgetter: dotted paths, integer parts as indexes.
func (r *renderer) attrGetter(attr Value, postLower bool, def Value) func(Value) Value {
	var parts []Value
	if s, ok := attr.(string); ok {
		for _, p := range strings.Split(s, ".") {
			if n, err := strconv.Atoi(p); err == nil {
				parts = append(parts, int64(n))
			} else {
				parts = append(parts, p)
			}
		}
	} else if attr != nil {
		parts = []Value{attr}
	}
	return func(v Value) Value {
		for _, p := range parts {
			v = r.getitem(v, p, r.pos)
		}
		if _, ok := v.(*Undefined); ok && def != nil {
			v = def
		}
		if postLower {
			if s, ok := v.(string); ok {
				v = pyLower(s)
			}
		}
		return v
	}
}

func ignoreCase(v Value) Value {
	if s, ok := v.(string); ok {
		return pyLower(s)
	}
	return v
}

func jsonQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 || r > 0x7e {
				if r > 0xffff {
					r -= 0x10000
					b.WriteString(`\u` + hex4(0xd800+(int(r)>>10)) + `\u` + hex4(0xdc00+(int(r)&0x3ff)))
					continue
				}
				b.WriteString(`\u` + hex4(int(r)))
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func hex4(n int) string { return hex2(n>>8) + hex2(n&0xff) }

// toJSON is json.dumps(v, sort_keys=True, indent=indent).
func toJSON(v Value, indent string, level int) (string, error) {
	if level > maxNest {
		return "", errors.New("Circular reference detected")
	}
	nl := func(l int) string {
		if indent == "" {
			return ""
		}
		return "\n" + strings.Repeat(indent, l)
	}
	sep := ", "
	if indent != "" {
		sep = ","
	}
	switch x := v.(type) {
	case nil:
		return "null", nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case int64:
		return formatInt(x), nil
	case *big.Int:
		return x.String(), nil
	case float64:
		switch {
		case math.IsInf(x, 1):
			return "Infinity", nil
		case math.IsInf(x, -1):
			return "-Infinity", nil
		case math.IsNaN(x):
			return "NaN", nil
		}
		return formatFloat(x), nil
	case string:
		return jsonQuote(x), nil
	case Markup:
		return jsonQuote(string(x)), nil
	case *List, Tuple, *dictView:
		items, _ := iterValues(x)
		if len(items) == 0 {
			return "[]", nil
		}
		var b strings.Builder
		b.WriteByte('[')
		for i, it := range items {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(nl(level + 1))
			s, err := toJSON(it, indent, level+1)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
		b.WriteString(nl(level))
		b.WriteByte(']')
		return b.String(), nil
	case *Dict:
		if x.Len() == 0 {
			return "{}", nil
		}
		type kv struct {
			k string
			v Value
		}
		// json.dumps(sort_keys=True) sorts the items by their keys as they are (2 before
		// 10; str and int keys together raise TypeError), then turns keys into strings.
		order := make([]Value, len(x.keys))
		for i := range order {
			order[i] = int64(i)
		}
		if err := sortValues(order, func(i Value) Value { return x.keys[i.(int64)] }, false); err != nil {
			return "", err
		}
		var pairs []kv
		for _, i := range order {
			k := x.keys[i.(int64)]
			var ks string
			switch kk := k.(type) {
			case string:
				ks = kk
			case Markup:
				ks = string(kk)
			case nil:
				ks = "null"
			case bool, int64, float64, *big.Int:
				ks, _ = toJSON(kk, "", 0)
			default:
				return "", typeErr("keys must be str, int, float, bool or None, not " + typeName(k))
			}
			pairs = append(pairs, kv{ks, x.vals[i.(int64)]})
		}
		var b strings.Builder
		b.WriteByte('{')
		for i, p := range pairs {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(nl(level + 1))
			b.WriteString(jsonQuote(p.k))
			b.WriteString(": ")
			s, err := toJSON(p.v, indent, level+1)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
		b.WriteString(nl(level))
		b.WriteByte('}')
		return b.String(), nil
	}
	// jinja2.utils.Namespace is no dict: json.dumps refuses it like any other object.
	return "", typeErr("Object of type " + typeName(v) + " is not JSON serializable")
}

var htmlSafeReplacer = strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`, "'", `\u0027`)

// htmlSafeJSON applies Jinja2's htmlsafe_json_dumps replacements.
func htmlSafeJSON(s string) string { return htmlSafeReplacer.Replace(s) }

// pyRound rounds half to even on the exact binary value, like Python's round().
func pyRound(f float64, prec int) float64 {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return f
	}
	if prec > 300 {
		return f
	}
	if prec < -300 {
		return 0
	}
	if prec >= 0 {
		s := strconv.FormatFloat(f, 'f', prec, 64)
		v, _ := strconv.ParseFloat(s, 64)
		return v
	}
	p := math.Pow(10, float64(-prec))
	return math.RoundToEven(f/p) * p
}

func wordcount(s string) int {
	n := 0
	in := false
	for _, r := range s {
		w := r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

func truncate(s string, length int, killwords bool, end string, leeway int) (string, error) {
	rs := []rune(s)
	if length < len([]rune(end)) {
		return "", errors.New("expected length >= " + itoa(len([]rune(end))) + ", got " + itoa(length))
	}
	if leeway < 0 {
		return "", errors.New("expected leeway >= 0, got " + itoa(leeway))
	}
	if len(rs) <= length+leeway {
		return s, nil
	}
	cut := string(rs[:length-len([]rune(end))])
	if killwords {
		return cut + end, nil
	}
	if i := strings.LastIndex(cut, " "); i >= 0 {
		cut = cut[:i]
	}
	return cut + end, nil
}

func indent(s string, ind string, first, blank bool) string {
	s += "\n"
	lines := splitLines(s)
	var rv string
	if blank {
		rv = strings.Join(lines, "\n"+ind)
	} else {
		rv = lines[0]
		if len(lines) > 1 {
			var b strings.Builder
			for i, l := range lines[1:] {
				if i > 0 {
					b.WriteByte('\n')
				}
				if l != "" {
					b.WriteString(ind)
				}
				b.WriteString(l)
			}
			rv += "\n" + b.String()
		}
	}
	if first {
		rv = ind + rv
	}
	return rv
}

// splitLines is str.splitlines() with at least one (empty) line.
func splitLines(s string) []string {
	out := pySplitLines(s, false)
	if len(out) == 0 {
		return []string{""}
	}
	return out
}
