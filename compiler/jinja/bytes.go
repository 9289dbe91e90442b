package jinja

import (
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Python bytes, as str.encode makes them ('ab'.encode() renders b'ab'): the sandbox lets a
// template call encode, so the value must exist rather than render empty. The engine models
// what a template can see of it: its repr (which is also its str), truth, length,
// iteration and indexing (ints), slicing, ==, ordering, hashing, + and *, `in`, and its
// methods (bytes_methods.go). fromhex, maketrans and translate fail naming themselves, and
// so do the codecs other than UTF-8, ASCII and Latin-1 and bytes % formatting.
type bytesVal = *bytesObj

// bytesObj holds a bytes value's content; values are pointers, so `is sameas` sees object
// identity as Python does.
type bytesObj struct{ s string }

// newBytes makes a bytes object.
func newBytes(s string) bytesVal { return &bytesObj{s} }

// JinjaString is repr(b), which is also str(b).
func (o *bytesObj) JinjaString() string {
	b := o.s
	quote := byte('\'')
	if strings.IndexByte(b, '\'') >= 0 && strings.IndexByte(b, '"') < 0 {
		quote = '"'
	}
	var s strings.Builder
	s.WriteByte('b')
	s.WriteByte(quote)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == quote || c == '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c == '\t':
			s.WriteString(`\t`)
		case c == '\n':
			s.WriteString(`\n`)
		case c == '\r':
			s.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			s.WriteString(`\x`)
			s.WriteString(hex.EncodeToString([]byte{c}))
		default:
			s.WriteByte(c)
		}
	}
	s.WriteByte(quote)
	return s.String()
}

// isASCII reports whether every byte is below 0x80.
func (o *bytesObj) isASCII() bool {
	for i := 0; i < len(o.s); i++ {
		if o.s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// JinjaTypeName implements TypeNamer.
func (*bytesObj) JinjaTypeName() string { return "bytes" }

// JinjaTruth implements Truther: empty bytes are false.
func (o *bytesObj) JinjaTruth() bool { return len(o.s) > 0 }

// JinjaHash implements Hasher: bytes hash by value, apart from str.
func (o *bytesObj) JinjaHash() any { return o.s }

// JinjaIter implements Iterable: iterating bytes gives ints.
func (o *bytesObj) JinjaIter() []Value {
	b := o.s
	out := make([]Value, len(b))
	for i := 0; i < len(b); i++ {
		out[i] = int64(b[i])
	}
	return out
}

// JinjaItem implements Indexable: b[i] is an int.
func (o *bytesObj) JinjaItem(key Value) (Value, bool) {
	b := o.s
	if i, ok := indexOf(key, len(b)); ok {
		return int64(b[i]), true
	}
	return nil, false
}

// JinjaBinary implements Operand: + and * between bytes, comparisons.
func (ob *bytesObj) JinjaBinary(op string, other Value, reflected bool) (Value, bool, error) {
	b, o := ob.s, ""
	ob2, isBytes := other.(bytesVal)
	if isBytes {
		o = ob2.s
	}
	switch op {
	case "+":
		if !isBytes {
			if reflected {
				return nil, false, nil
			}
			return nil, false, typeErr("can't concat " + typeName(other) + " to bytes")
		}
		if reflected {
			return newBytes(o + b), true, nil
		}
		return newBytes(b + o), true, nil
	case "*":
		n, ok := asInt(other)
		if !ok {
			return nil, false, nil
		}
		v, ok := repeatSeq(b, n)
		if !ok {
			return nil, false, errors.New("MemoryError: bytes repeated beyond the engine's limit")
		}
		return newBytes(v.(string)), true, nil
	case "%":
		if reflected {
			return nil, false, nil
		}
		return nil, false, errors.New("bytes % formatting is not supported by gdbt's Jinja engine")
	case "==":
		return isBytes && b == o, true, nil
	case "<", "<=", ">", ">=":
		if !isBytes {
			return nil, false, nil
		}
		x, y := b, o
		if reflected {
			x, y = o, b
		}
		c := strings.Compare(x, y)
		return op == "<" && c < 0 || op == "<=" && c <= 0 || op == ">" && c > 0 || op == ">=" && c >= 0, true, nil
	}
	return nil, false, nil
}

// bytesContains is `item in b`: a byte value or a sub-bytes.
func bytesContains(o bytesVal, item Value) (bool, error) {
	b := o.s
	if sub, ok := item.(bytesVal); ok {
		return strings.Contains(b, sub.s), nil
	}
	if n, ok := asInt(item); ok {
		if n < 0 || n > 255 {
			return false, errors.New("byte must be in range(0, 256)")
		}
		return strings.IndexByte(b, byte(n)) >= 0, nil
	}
	return false, typeErr("a bytes-like object is required, not " + pyQuote(typeName(item)))
}

// bytesMethods are the public attributes of Python's bytes; those the engine does not
// model fail when called, naming themselves.
var bytesMethods = map[string]bool{
	"capitalize": true, "center": true, "count": true, "decode": true, "endswith": true,
	"expandtabs": true, "find": true, "fromhex": true, "hex": true, "index": true, "isalnum": true,
	"isalpha": true, "isascii": true, "isdigit": true, "islower": true, "isspace": true,
	"istitle": true, "isupper": true, "join": true, "ljust": true, "lower": true, "lstrip": true,
	"maketrans": true, "partition": true, "removeprefix": true, "removesuffix": true,
	"replace": true, "rfind": true, "rindex": true, "rjust": true, "rpartition": true,
	"rsplit": true, "rstrip": true, "split": true, "splitlines": true, "startswith": true,
	"strip": true, "swapcase": true, "title": true, "translate": true, "upper": true, "zfill": true,
}

// bytesAttr is b.name: a method, or nil when bytes has no such attribute (Undefined).
func bytesAttr(b bytesVal, name string, wrap bool) Value {
	if !bytesMethods[name] {
		return nil
	}
	var m Func
	switch name {
	case "decode":
		m = func(c *Call, args []Value, kw []KeywordArg) (Value, error) {
			a, err := bindArgs("decode", args, kw, []string{"encoding", "errors"}, []Value{"utf-8", "strict"})
			if err != nil {
				return nil, err
			}
			enc, handler, err := codecArgs("decode", a)
			if err != nil {
				return nil, err
			}
			return decodeBytes(b.s, enc, handler)
		}
	case "hex":
		m = func(c *Call, args []Value, kw []KeywordArg) (Value, error) {
			if len(args)+len(kw) > 0 {
				return nil, errors.New("bytes.hex() with a separator is not supported by gdbt's Jinja engine")
			}
			return hex.EncodeToString([]byte(b.s)), nil
		}
	default:
		if m = bytesMethod(b.s, name); m == nil {
			m = func(*Call, []Value, []KeywordArg) (Value, error) {
				return nil, errors.New("bytes." + name + "() is not supported by gdbt's Jinja engine")
			}
		}
	}
	if !wrap {
		return m
	}
	style := styleBuiltin
	if name == "fromhex" || name == "maketrans" {
		style = styleType
	}
	return &builtinMethod{fn: m, name: name, owner: "bytes", style: style}
}

// strEncode is str.encode(encoding='utf-8', errors='strict').
func strEncode(s string) Func {
	return func(c *Call, args []Value, kw []KeywordArg) (Value, error) {
		a, err := bindArgs("encode", args, kw, []string{"encoding", "errors"}, []Value{"utf-8", "strict"})
		if err != nil {
			return nil, err
		}
		enc, handler, err := codecArgs("encode", a)
		if err != nil {
			return nil, err
		}
		if enc == "utf-8" {
			return newBytes(s), nil
		}
		limit := rune(0x7f)
		if enc == "latin-1" {
			limit = 0xff
		}
		var out strings.Builder
		for i, r := range s {
			if r <= limit {
				out.WriteByte(byte(r))
				continue
			}
			switch handler {
			case "strict":
				codec := map[string]string{"ascii": "ascii", "latin-1": "latin-1"}[enc]
				return nil, errors.New("UnicodeEncodeError: '" + codec + "' codec can't encode character " +
					pyQuote(string(r)) + " in position " + strconv.Itoa(utf8.RuneCountInString(s[:i])) +
					": ordinal not in range(" + strconv.Itoa(int(limit)+1) + ")")
			case "ignore":
			case "replace":
				out.WriteByte('?')
			case "xmlcharrefreplace":
				out.WriteString("&#" + strconv.Itoa(int(r)) + ";")
			default:
				return nil, errors.New("LookupError: unknown error handler name " + pyQuote(handler))
			case "backslashreplace":
				switch {
				case r <= 0xff:
					out.WriteString(`\x` + hex.EncodeToString([]byte{byte(r)}))
				case r <= 0xffff:
					out.WriteString(`\u` + hex.EncodeToString([]byte{byte(r >> 8), byte(r)}))
				default:
					out.WriteString(`\U` + hex.EncodeToString([]byte{byte(r >> 24), byte(r >> 16), byte(r >> 8), byte(r)}))
				}
			}
		}
		return newBytes(out.String()), nil
	}
}

// decodeBytes is bytes.decode for the modelled codecs.
func decodeBytes(b, enc, handler string) (Value, error) {
	switch enc {
	case "latin-1":
		var out strings.Builder
		for i := 0; i < len(b); i++ {
			out.WriteRune(rune(b[i]))
		}
		return out.String(), nil
	case "ascii":
		var out strings.Builder
		for i := 0; i < len(b); i++ {
			switch c := b[i]; {
			case c < 0x80:
				out.WriteByte(c)
			case handler == "strict":
				return nil, errors.New("UnicodeDecodeError: 'ascii' codec can't decode byte 0x" + hex.EncodeToString([]byte{c}) +
					" in position " + strconv.Itoa(i) + ": ordinal not in range(128)")
			case handler == "replace":
				out.WriteRune(utf8.RuneError)
			case handler == "backslashreplace":
				out.WriteString(`\x` + hex.EncodeToString([]byte{c}))
			case handler == "ignore":
			default:
				return nil, errors.New("the " + pyQuote(handler) + " error handler of bytes.decode is not supported by gdbt's Jinja engine")
			}
		}
		return out.String(), nil
	}
	if utf8.ValidString(b) {
		return b, nil
	}
	switch handler {
	case "strict":
		i := 0
		for i < len(b) {
			_, n := utf8.DecodeRuneInString(b[i:])
			if n == 1 && b[i] >= 0x80 {
				break
			}
			i += n
		}
		return nil, errors.New("UnicodeDecodeError: 'utf-8' codec can't decode byte 0x" + hex.EncodeToString([]byte{b[i]}) +
			" in position " + strconv.Itoa(i))
	case "ignore":
		var out strings.Builder
		for i := 0; i < len(b); {
			r, n := utf8.DecodeRuneInString(b[i:])
			if r != utf8.RuneError || n > 1 {
				out.WriteString(b[i : i+n])
			}
			i += n
		}
		return out.String(), nil
	}
	// Python replaces each maximal invalid subpart with one U+FFFD; Go's decoder does not
	// report those, so the engine refuses rather than guess.
	return nil, errors.New("decoding invalid UTF-8 with the " + pyQuote(handler) + " error handler is not supported by gdbt's Jinja engine")
}

// codecArgs checks encode's or decode's encoding and errors arguments and normalizes the
// encoding's name as Python's codec registry does (encodings/__init__.py normalize_encoding
// and encodings/aliases.py) for the modelled codecs.
func codecArgs(fname string, a []Value) (enc, handler string, err error) {
	for i, param := range []string{"encoding", "errors"} {
		if _, ok := optStr(a[i]); !ok {
			return "", "", typeErr(fname + "() argument " + pyQuote(param) + " must be str, not " + typeName(a[i]))
		}
	}
	name, _ := optStr(a[0])
	handler, _ = optStr(a[1])
	var norm strings.Builder
	pending := false
	for _, r := range strings.ToLower(name) {
		if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.') {
			if pending && norm.Len() > 0 {
				norm.WriteByte('_')
			}
			pending = false
			norm.WriteRune(r)
			continue
		}
		pending = true
	}
	switch norm.String() {
	case "utf_8", "utf8", "u8", "utf", "cp65001":
		enc = "utf-8"
	case "ascii", "us_ascii", "646", "us", "cp367", "ibm367", "csascii", "iso646_us":
		enc = "ascii"
	case "latin_1", "latin1", "latin", "l1", "iso8859_1", "iso_8859_1", "8859", "cp819", "iso8859", "ibm819":
		enc = "latin-1"
	default:
		return "", "", errors.New(fname + "() with encoding " + pyQuote(name) + " is not supported by gdbt's Jinja engine (UTF-8, ASCII and Latin-1 are)")
	}
	return enc, handler, nil
}
