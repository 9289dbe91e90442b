package jinja

import (
	"strings"
	"testing"
)

// TestBytesUnsupportedFailsLoudly checks that what the engine does not model of Python's
// bytes fails naming the feature instead of rendering something else.
func TestBytesUnsupportedFailsLoudly(t *testing.T) {
	for src, want := range map[string]string{
		"{{ 'ab'.encode('utf-16') }}":                               "encoding 'utf-16' is not supported",
		"{{ 'ab'.encode().translate(none) }}":                       "bytes.translate() is not supported",
		"{{ 'ab'.encode().fromhex('61') }}":                         "bytes.fromhex() is not supported",
		"{{ 'x'.encode() % 1 }}":                                    "bytes % formatting is not supported",
		"{{ 'ab'.encode().hex(':') }}":                              "bytes.hex() with a separator is not supported",
		"{{ 'é'.encode()[:1].decode('utf-8', 'replace') }}":         "'replace' error handler is not supported",
		"{{ 'é'.encode()[1:].decode('ascii', 'surrogateescape') }}": "'surrogateescape' error handler of bytes.decode is not supported",
	} {
		env := NewEnv()
		tmpl, err := env.Parse("t", src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		out, err := tmpl.Render(env, &Context{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %q, %v; want an error containing %q", src, out, err, want)
		}
	}
}

// TestBytesRepr checks bytes' repr against CPython's bytes_repr: the quote it picks and the
// escapes it writes.
func TestBytesRepr(t *testing.T) {
	for in, want := range map[string]string{
		"":             "b''",
		"ab":           "b'ab'",
		"it's":         `b"it's"`,
		`a'b"c`:        `b'a\'b"c'`,
		"\t\n\r\\":     `b'\t\n\r\\'`,
		"\x00\x7f\xff": `b'\x00\x7f\xff'`,
	} {
		if got := newBytes(in).JinjaString(); got != want {
			t.Errorf("repr(%q) = %s, want %s", in, got, want)
		}
	}
}
