package jinja

import (
	"errors"
	"strings"
)

// The methods of Python's bytes that mirror str's, with bytes' ASCII-only rules: only
// ASCII letters change case or count as letters, whitespace is b' \t\n\r\x0b\x0c', lines end
// at \n, \r and \r\n only, and every argument that str takes as a str must be bytes here
// (a str argument is Python's TypeError). Python's bytes methods take no keyword arguments
// except split's, rsplit's, splitlines', expandtabs', decode's and hex's.

func bytesSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }
func bytesLower(c byte) bool { return c >= 'a' && c <= 'z' }
func bytesUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func bytesAlpha(c byte) bool { return bytesLower(c) || bytesUpper(c) }
func bytesDigit(c byte) bool { return c >= '0' && c <= '9' }

// bytesKeywords lists the bytes methods that accept keyword arguments, with their parameters.
var bytesKeywords = map[string][]string{
	"split": {"sep", "maxsplit"}, "rsplit": {"sep", "maxsplit"}, "splitlines": {"keepends"},
	"expandtabs": {"tabsize"},
}

// bytesArg is an argument that must be bytes.
func bytesArg(fname string, v Value) (string, error) {
	if b, ok := v.(bytesVal); ok {
		return b.s, nil
	}
	return "", typeErr(fname + ": a bytes-like object is required, not " + pyQuote(typeName(v)))
}

// bytesMethod is b.name for the str-like methods; nil when name is not one of them.
func bytesMethod(b string, name string) Func {
	params, kwOK := bytesKeywords[name]
	call := func(fn func(a []Value) (Value, error), names []string, defaults []Value) Func {
		return func(c *Call, args []Value, kw []KeywordArg) (Value, error) {
			if len(kw) > 0 && !kwOK {
				return nil, typeErr("bytes." + name + "() takes no keyword arguments")
			}
			a, err := bindArgs(name, args, kw, names, defaults)
			if err != nil {
				return nil, err
			}
			return fn(a)
		}
	}
	mapBytes := func(f func(i int, c byte) byte) Func {
		return call(func([]Value) (Value, error) {
			out := []byte(b)
			for i, c := range out {
				out[i] = f(i, c)
			}
			return newBytes(string(out)), nil
		}, nil, nil)
	}
	is := func(f func(c byte) bool, empty bool) Func {
		return call(func([]Value) (Value, error) {
			if b == "" {
				return empty, nil
			}
			for i := 0; i < len(b); i++ {
				if !f(b[i]) {
					return false, nil
				}
			}
			return true, nil
		}, nil, nil)
	}
	swap := func(c byte) byte {
		switch {
		case bytesLower(c):
			return c - 32
		case bytesUpper(c):
			return c + 32
		}
		return c
	}
	lower := func(c byte) byte {
		if bytesUpper(c) {
			return c + 32
		}
		return c
	}
	upper := func(c byte) byte {
		if bytesLower(c) {
			return c - 32
		}
		return c
	}
	switch name {
	case "upper":
		return mapBytes(func(_ int, c byte) byte { return upper(c) })
	case "lower":
		return mapBytes(func(_ int, c byte) byte { return lower(c) })
	case "swapcase":
		return mapBytes(func(_ int, c byte) byte { return swap(c) })
	case "capitalize":
		return mapBytes(func(i int, c byte) byte {
			if i == 0 {
				return upper(c)
			}
			return lower(c)
		})
	case "title":
		return call(func([]Value) (Value, error) {
			out := []byte(b)
			prev := false
			for i, c := range out {
				if prev {
					out[i] = lower(c)
				} else {
					out[i] = upper(c)
				}
				prev = bytesAlpha(c)
			}
			return newBytes(string(out)), nil
		}, nil, nil)
	case "isascii":
		return is(func(c byte) bool { return c < 0x80 }, true)
	case "isdigit":
		return is(bytesDigit, false)
	case "isalpha":
		return is(bytesAlpha, false)
	case "isalnum":
		return is(func(c byte) bool { return bytesAlpha(c) || bytesDigit(c) }, false)
	case "isspace":
		return is(bytesSpace, false)
	case "islower", "isupper":
		want, other := bytesLower, bytesUpper
		if name == "isupper" {
			want, other = bytesUpper, bytesLower
		}
		return call(func([]Value) (Value, error) {
			cased := false
			for i := 0; i < len(b); i++ {
				if other(b[i]) {
					return false, nil
				}
				cased = cased || want(b[i])
			}
			return cased, nil
		}, nil, nil)
	case "istitle":
		return call(func([]Value) (Value, error) {
			cased, prev := false, false
			for i := 0; i < len(b); i++ {
				c := b[i]
				switch {
				case bytesUpper(c):
					if prev {
						return false, nil
					}
					prev, cased = true, true
				case bytesLower(c):
					if !prev {
						return false, nil
					}
					prev = true
				default:
					prev = false
				}
			}
			return cased, nil
		}, nil, nil)
	case "strip", "lstrip", "rstrip":
		return call(func(a []Value) (Value, error) {
			cut := bytesSpace
			if a[0] != nil {
				chars, err := bytesArg(name, a[0])
				if err != nil {
					return nil, err
				}
				cut = func(c byte) bool { return strings.IndexByte(chars, c) >= 0 }
			}
			i, j := 0, len(b)
			for name != "rstrip" && i < j && cut(b[i]) {
				i++
			}
			for name != "lstrip" && j > i && cut(b[j-1]) {
				j--
			}
			return newBytes(b[i:j]), nil
		}, []string{"bytes"}, []Value{nil})
	case "split", "rsplit":
		return call(func(a []Value) (Value, error) {
			n, ok := asInt(a[1])
			if !ok {
				return nil, typeErr(pyQuote(typeName(a[1])) + " object cannot be interpreted as an integer")
			}
			var parts []string
			if a[0] == nil {
				parts = bytesFields(b, int(n), name == "rsplit")
			} else {
				sep, err := bytesArg(name, a[0])
				if err != nil {
					return nil, err
				}
				if sep == "" {
					return nil, errors.New("empty separator")
				}
				if n < 0 {
					parts = strings.Split(b, sep)
				} else if name == "split" {
					parts = strings.SplitN(b, sep, int(n)+1)
				} else {
					parts = rsplitN(b, sep, int(n))
				}
			}
			out := make([]Value, len(parts))
			for i, p := range parts {
				out[i] = newBytes(p)
			}
			return &List{Items: out}, nil
		}, params, []Value{nil, int64(-1)})
	case "splitlines":
		return call(func(a []Value) (Value, error) {
			var out []Value
			for i := 0; i < len(b); {
				j := i
				for j < len(b) && b[j] != '\n' && b[j] != '\r' {
					j++
				}
				end := j
				if j < len(b) {
					end = j + 1
					if b[j] == '\r' && j+1 < len(b) && b[j+1] == '\n' {
						end = j + 2
					}
				}
				if Truthy(a[0]) {
					out = append(out, newBytes(b[i:end]))
				} else {
					out = append(out, newBytes(b[i:j]))
				}
				i = end
			}
			return &List{Items: out}, nil
		}, params, []Value{false})
	case "startswith", "endswith", "count", "find", "rfind", "index", "rindex",
		"replace", "partition", "rpartition", "removeprefix", "removesuffix", "join",
		"center", "ljust", "rjust", "zfill", "expandtabs":
		return bytesArgMethod(b, name, call)
	}
	return nil
}

// bytesFields splits b on runs of ASCII whitespace, at most n times (n < 0: no limit),
// from the right when right is set.
func bytesFields(b string, n int, right bool) []string {
	var parts []string
	if !right {
		for i := 0; ; {
			for i < len(b) && bytesSpace(b[i]) {
				i++
			}
			if i == len(b) {
				return parts
			}
			if n >= 0 && len(parts) == n {
				return append(parts, b[i:])
			}
			j := i
			for j < len(b) && !bytesSpace(b[j]) {
				j++
			}
			parts = append(parts, b[i:j])
			i = j
		}
	}
	for j := len(b); ; {
		for j > 0 && bytesSpace(b[j-1]) {
			j--
		}
		if j == 0 {
			break
		}
		if n >= 0 && len(parts) == n {
			parts = append(parts, b[:j])
			break
		}
		i := j
		for i > 0 && !bytesSpace(b[i-1]) {
			i--
		}
		parts = append(parts, b[i:j])
		j = i
	}
	for i, k := 0, len(parts)-1; i < k; i, k = i+1, k-1 {
		parts[i], parts[k] = parts[k], parts[i]
	}
	return parts
}

// rsplitN splits s on sep at most n times from the right.
func rsplitN(s, sep string, n int) []string {
	var parts []string
	for n > 0 {
		i := strings.LastIndex(s, sep)
		if i < 0 {
			break
		}
		parts = append(parts, s[i+len(sep):])
		s = s[:i]
		n--
	}
	parts = append(parts, s)
	for i, k := 0, len(parts)-1; i < k; i, k = i+1, k-1 {
		parts[i], parts[k] = parts[k], parts[i]
	}
	return parts
}
