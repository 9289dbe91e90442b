package compiler

import (
	"math/rand"
	"testing"
	"unicode/utf8"
)

// strByteOracle is jsonWriter.str without secrets and without the eight-byte skip: the
// byte-at-a-time escaping it had before, which the skip must not change.
func strByteOracle(s string) string {
	b := []byte{'"'}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 0x20 && c != '"' && c != '\\':
				b = append(b, c)
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(append(b, '"'))
}

func TestJSONStrMatchesByteOracle(t *testing.T) {
	cases := []string{"", "a", "select * from orders where id = 1", `say "hi" \ bye`, "tab\tnl\ncr\r\x00\x1f\x7f",
		"é日本\u2028\u2029", "\xff\xfe invalid", "12345678", "1234567\"", "\"2345678", "abcdefgh\\ijklmnop"}
	// every byte value at every offset of a 17-byte plain string
	for pos := 0; pos < 17; pos++ {
		for c := 0; c < 256; c++ {
			b := []byte("abcdefghijklmnopq")
			b[pos] = byte(c)
			cases = append(cases, string(b))
		}
	}
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("ab \"\\\n\t\x01\x1f\x20\x7f\x80\xc3\xa9\xe2\x80\xa8\xff{}")
	for n := 0; n < 2000; n++ {
		b := make([]byte, rng.Intn(40))
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		w := &jsonWriter{}
		w.str(s)
		if got, want := string(w.buf), strByteOracle(s); got != want {
			t.Fatalf("str(%q) = %s, want %s", s, got, want)
		}
	}
}
