package jinja

import (
	"errors"
	"strconv"
)

// required marks a parameter without a default in bindArgs.
type requiredT struct{}

var required Value = requiredT{}

// bindArgs maps positional and keyword arguments onto params like a Python signature.
// defaults aligns with params; required marks mandatory ones.
func bindArgs(fname string, args []Value, kwargs []KeywordArg, params []string, defaults []Value) ([]Value, error) {
	return bindArgsR(nil, fname, args, kwargs, params, defaults)
}

// bindArgsR is bindArgs carving the bound slice from r's value chunk when r is not nil.
func bindArgsR(r *renderer, fname string, args []Value, kwargs []KeywordArg, params []string, defaults []Value) ([]Value, error) {
	if len(args) > len(params) {
		return nil, errors.New(fname + "() takes at most " + strconv.Itoa(len(params)) + " argument(s) (" + strconv.Itoa(len(args)) + " given)")
	}
	if len(kwargs) == 0 {
		// fast path: positional only
		if len(args) == len(params) {
			return args, nil
		}
		var out []Value
		if r != nil {
			out = r.values(len(params))[:len(params)]
		} else {
			out = make([]Value, len(params))
		}
		copy(out, args)
		for i := len(args); i < len(params); i++ {
			if defaults[i] == required {
				return nil, errors.New(fname + "() missing required argument " + pyQuote(params[i]))
			}
			out[i] = defaults[i]
		}
		return out, nil
	}
	out := make([]Value, len(params))
	set := make([]bool, len(params))
	for i, a := range args {
		out[i] = a
		set[i] = true
	}
	for _, k := range kwargs {
		found := false
		for i, p := range params {
			if p == k.Name {
				if set[i] {
					return nil, errors.New(fname + "() got multiple values for argument " + pyQuote(p))
				}
				out[i] = k.Value
				set[i] = true
				found = true
				break
			}
		}
		if !found {
			return nil, errors.New(fname + "() got an unexpected keyword argument " + pyQuote(k.Name))
		}
	}
	for i := range params {
		if !set[i] {
			if defaults[i] == required {
				return nil, errors.New(fname + "() missing required argument " + pyQuote(params[i]))
			}
			out[i] = defaults[i]
		}
	}
	return out, nil
}

func toInt(v Value) (int64, bool) {
	i, f, k := num(v)
	switch k {
	case 1:
		return i, true
	case 2:
		return int64(f), true
	}
	return 0, false
}

func mustInt(fname string, v Value) (int64, error) {
	i, ok := asInt(v)
	if !ok {
		return 0, typeErr(fname + "(): " + pyQuote(typeName(v)) + " object cannot be interpreted as an integer")
	}
	return i, nil
}

// optStr is a str or Markup value's text; ok is false for any other value.
func optStr(v Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case Markup:
		return string(x), true
	}
	return "", false
}
