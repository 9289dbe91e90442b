package jinja

import (
	"errors"
	"strings"
)

// The bytes methods that take bytes (or int) arguments. The padding methods reuse str's
// through Latin-1, which maps each byte to the one character of the same number, so
// widths count bytes as bytes' methods do.

// latin is b decoded as Latin-1.
func latin(b string) string {
	var s strings.Builder
	for i := 0; i < len(b); i++ {
		s.WriteRune(rune(b[i]))
	}
	return s.String()
}

// unlatin is latin's inverse.
func unlatin(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteByte(byte(r))
	}
	return b.String()
}

// bytesRange is b[start:end] as find, count and startswith take them, and its offset.
func bytesRange(b string, start, end Value) (string, int, error) {
	var parts [2]*int64
	for i, v := range []Value{start, end} {
		if v == nil {
			continue
		}
		n, ok := asInt(v)
		if !ok {
			return "", 0, typeErr("slice indices must be integers or None or have an __index__ method")
		}
		parts[i] = &n
	}
	if parts[0] != nil && *parts[0] > int64(len(b)) {
		return "", -1, nil // a start past the end matches nothing, not even b''
	}
	s, e, _, _ := sliceIndices(parts[0], parts[1], nil, len(b))
	if e < s {
		return "", -1, nil // no match possible, not even of b''
	}
	return b[s:e], s, nil
}

// bytesSub is the sub argument of find, count and index: bytes or a byte value.
func bytesSub(v Value) (string, error) {
	if b, ok := v.(bytesVal); ok {
		return b.s, nil
	}
	if n, ok := asInt(v); ok {
		if n < 0 || n > 255 {
			return "", errors.New("byte must be in range(0, 256)")
		}
		return string([]byte{byte(n)}), nil
	}
	return "", typeErr("argument should be integer or bytes-like object, not " + pyQuote(typeName(v)))
}

func bytesArgMethod(b string, name string, call func(fn func(a []Value) (Value, error), names []string, defaults []Value) Func) Func {
	switch name {
	case "startswith", "endswith":
		return call(func(a []Value) (Value, error) {
			var affixes []Value
			switch x := a[0].(type) {
			case bytesVal:
				affixes = []Value{x}
			case Tuple:
				affixes = x
			default:
				return nil, typeErr(name + " first arg must be bytes or a tuple of bytes, not " + typeName(a[0]))
			}
			s, off, err := bytesRange(b, a[1], a[2])
			if err != nil {
				return nil, err
			}
			for _, x := range affixes {
				p, err := bytesArg(name, x)
				if err != nil {
					return nil, err
				}
				if off >= 0 && (name == "startswith" && strings.HasPrefix(s, p) || name == "endswith" && strings.HasSuffix(s, p)) {
					return true, nil
				}
			}
			return false, nil
		}, []string{"prefix", "start", "end"}, []Value{required, nil, nil})
	case "count", "find", "rfind", "index", "rindex":
		return call(func(a []Value) (Value, error) {
			sub, err := bytesSub(a[0])
			if err != nil {
				return nil, err
			}
			s, off, err := bytesRange(b, a[1], a[2])
			if err != nil {
				return nil, err
			}
			if name == "count" {
				if off < 0 {
					return int64(0), nil
				}
				if sub == "" {
					return int64(len(s) + 1), nil
				}
				return int64(strings.Count(s, sub)), nil
			}
			i := -1
			if off >= 0 {
				if name == "find" || name == "index" {
					i = strings.Index(s, sub)
				} else {
					i = strings.LastIndex(s, sub)
				}
			}
			if i < 0 {
				if name == "index" || name == "rindex" {
					return nil, errors.New("subsection not found")
				}
				return int64(-1), nil
			}
			return int64(off + i), nil
		}, []string{"sub", "start", "end"}, []Value{required, nil, nil})
	case "replace":
		return call(func(a []Value) (Value, error) {
			old, err := bytesArg(name, a[0])
			if err != nil {
				return nil, err
			}
			repl, err := bytesArg(name, a[1])
			if err != nil {
				return nil, err
			}
			n, ok := asInt(a[2])
			if !ok {
				return nil, typeErr(pyQuote(typeName(a[2])) + " object cannot be interpreted as an integer")
			}
			// through Latin-1, so that an empty old inserts between bytes, not runes
			return newBytes(unlatin(strings.Replace(latin(b), latin(old), latin(repl), int(n)))), nil
		}, []string{"old", "new", "count"}, []Value{required, required, int64(-1)})
	case "partition", "rpartition":
		return call(func(a []Value) (Value, error) {
			sep, err := bytesArg(name, a[0])
			if err != nil {
				return nil, err
			}
			if sep == "" {
				return nil, errors.New("empty separator")
			}
			i := strings.Index(b, sep)
			if name == "rpartition" {
				i = strings.LastIndex(b, sep)
			}
			switch {
			case i >= 0:
				return Tuple{newBytes(b[:i]), newBytes(sep), newBytes(b[i+len(sep):])}, nil
			case name == "partition":
				return Tuple{newBytes(b), newBytes(""), newBytes("")}, nil
			}
			return Tuple{newBytes(""), newBytes(""), newBytes(b)}, nil
		}, []string{"sep"}, []Value{required})
	case "removeprefix", "removesuffix":
		return call(func(a []Value) (Value, error) {
			p, err := bytesArg(name, a[0])
			if err != nil {
				return nil, err
			}
			if name == "removeprefix" {
				return newBytes(strings.TrimPrefix(b, p)), nil
			}
			return newBytes(strings.TrimSuffix(b, p)), nil
		}, []string{"prefix"}, []Value{required})
	case "join":
		return call(func(a []Value) (Value, error) {
			items, err := listOf(a[0])
			if err != nil {
				return nil, typeErr("can only join an iterable")
			}
			parts := make([]string, len(items))
			for i, it := range items {
				x, ok := it.(bytesVal)
				if !ok {
					return nil, typeErr("sequence item " + itoa(i) + ": expected a bytes-like object, " + typeName(it) + " found")
				}
				parts[i] = x.s
			}
			return newBytes(strings.Join(parts, b)), nil
		}, []string{"iterable_of_bytes"}, []Value{required})
	case "center", "ljust", "rjust":
		return call(func(a []Value) (Value, error) {
			fill, ok := a[1].(bytesVal)
			if !ok || len(fill.s) != 1 {
				return nil, typeErr(name + "() argument 2 must be a byte string of length 1, not " + typeName(a[1]))
			}
			return viaStr(b, name, []Value{a[0], latin(fill.s)})
		}, []string{"width", "fillchar"}, []Value{required, newBytes(" ")})
	case "zfill":
		return call(func(a []Value) (Value, error) { return viaStr(b, name, a) }, []string{"width"}, []Value{required})
	case "expandtabs":
		return call(func(a []Value) (Value, error) { return viaStr(b, name, a) }, []string{"tabsize"}, []Value{int64(8)})
	}
	return nil
}

// viaStr runs str's method name on b decoded as Latin-1 and encodes its result back.
func viaStr(b, name string, args []Value) (Value, error) {
	v, err := strMethod(latin(b), name).(Func)(nil, args, nil)
	if err != nil {
		return nil, err
	}
	return newBytes(unlatin(v.(string))), nil
}
