package jinja

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// tokType classifies a token. Tags are lexed eagerly into one flat token slice, the way
// Jinja2's lexer yields a stream: data, begin/end delimiters, and the tokens in between.
type tokType uint8

const (
	tEOF tokType = iota
	tData
	tVarBegin
	tVarEnd
	tBlockBegin
	tBlockEnd
	tName
	tString
	tInt
	tFloat
	tOp
)

// token is one lexeme; val is the decoded text (string literals are unescaped).
type token struct {
	typ tokType
	val string
	pos int
}

func (t token) describe() string {
	switch t.typ {
	case tEOF:
		return "end of template"
	case tVarBegin:
		return "begin of print statement"
	case tVarEnd:
		return "end of print statement"
	case tBlockBegin:
		return "begin of statement block"
	case tBlockEnd:
		return "end of statement block"
	case tData:
		return "template data"
	case tString:
		return "string"
	case tInt:
		return "integer"
	case tFloat:
		return "float"
	}
	return t.val
}

type lexer struct {
	file string
	src  string
	end  int
	toks []token
	errs ErrorList
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// rstripSpace is what "-" trims before a tag: Jinja2's lexer strips with str.rstrip, which
// knows Unicode whitespace (jinja2/lexer.py, tokeniter).
func rstripSpace(s string) string { return strings.TrimRightFunc(s, pyIsSpace) }

// normNL converts \r\n and \r to \n as Jinja2 does for template data.
func normNL(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// tokPool holds token slices between parses. Tokens only live while a template is parsed
// (the tree keeps copies of what it needs), and sizing a fresh slice for every template
// from its length was the largest allocation of a parse (36 MB of 715 MB in a
// 10,000-model compile, bench/README.md §1 session 7).
var tokPool = sync.Pool{New: func() any { return new([]token) }}

// maxPooledTokens bounds the slices kept in tokPool (2 MB each), so one huge template
// does not pin its tokens' memory for the rest of the process.
const maxPooledTokens = 1 << 16

// lex splits src into tokens, appending to buf[:0]. Like Jinja2
// (keep_trailing_newline=False), one trailing newline of the source is dropped.
func lex(buf []token, file, src string) ([]token, ErrorList) {
	if buf == nil {
		buf = make([]token, 0, len(src)/5+8)
	}
	l := &lexer{file: file, src: src, end: len(src), toks: buf[:0]}
	if strings.HasSuffix(src, "\r\n") {
		l.end -= 2
	} else if strings.HasSuffix(src, "\n") || strings.HasSuffix(src, "\r") {
		l.end--
	}
	l.run()
	l.toks = append(l.toks, token{typ: tEOF, pos: l.end})
	return l.toks, l.errs
}

func (l *lexer) errorf(pos int, msg string) {
	l.errs = append(l.errs, newError(l.file, l.src, pos, msg))
}

func (l *lexer) emitData(pos int, text string) {
	if text != "" {
		l.toks = append(l.toks, token{typ: tData, val: normNL(text), pos: pos})
	}
}

// skipSpace skips what Python's regular expression \s matches: Unicode whitespace, both
// inside tags (jinja2/lexer.py's whitespace_re) and after a "-" closing a tag.
func (l *lexer) skipSpace(p int) int {
	for p < l.end {
		if c := l.src[p]; c < utf8.RuneSelf {
			if !isSpace(c) && (c < 0x1c || c > 0x1f) {
				return p
			}
			p++
			continue
		}
		r, size := utf8.DecodeRuneInString(l.src[p:l.end])
		if !pyIsSpace(r) {
			return p
		}
		p += size
	}
	return p
}

// matchWord reports whether the tag at p (just after "{%" and an optional sign) is
// `word` followed by the tag end, returning the position after the tag and whether it
// ends with "-%}".
func (l *lexer) matchTagWord(p int, word string) (int, bool, bool) {
	p = l.skipSpace(p)
	if !strings.HasPrefix(l.src[p:l.end], word) {
		return 0, false, false
	}
	p += len(word)
	if p < l.end && (isIdent(l.src[p])) {
		return 0, false, false
	}
	p = l.skipSpace(p)
	s := l.src[p:l.end]
	switch {
	case strings.HasPrefix(s, "-%}"):
		return p + 3, true, true
	case strings.HasPrefix(s, "+%}"):
		return p + 3, false, true
	case strings.HasPrefix(s, "%}"):
		return p + 2, false, true
	}
	return 0, false, false
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func (l *lexer) run() {
	pos := 0
	src := l.src
	for pos < l.end {
		i := pos
		found := -1
		for {
			j := strings.IndexByte(src[i:l.end], '{')
			if j < 0 {
				break
			}
			i += j
			if i+1 < l.end && (src[i+1] == '{' || src[i+1] == '%' || src[i+1] == '#') {
				found = i
				break
			}
			i++
		}
		if found < 0 {
			l.emitData(pos, src[pos:l.end])
			return
		}
		text := src[pos:found]
		inner := found + 2
		sign := byte(0)
		if inner < l.end && (src[inner] == '-' || src[inner] == '+') {
			sign = src[inner]
			inner++
		}
		if sign == '-' {
			text = rstripSpace(text)
		}
		kind := src[found+1]
		if kind == '%' {
			if after, strip, ok := l.matchTagWord(inner, "raw"); ok {
				l.emitData(pos, text)
				pos = l.raw(found, after, strip)
				continue
			}
		}
		l.emitData(pos, text)
		switch kind {
		case '#':
			k := strings.Index(src[inner:l.end], "#}")
			if k < 0 {
				l.errorf(found, "missing end of comment tag")
				return
			}
			k += inner
			pos = k + 2
			if k > inner && src[k-1] == '-' {
				pos = l.skipSpace(pos)
			}
		case '{':
			l.toks = append(l.toks, token{typ: tVarBegin, val: "{{", pos: found})
			pos = l.tag(inner, '}')
		case '%':
			l.toks = append(l.toks, token{typ: tBlockBegin, val: "{%", pos: found})
			pos = l.tag(inner, '%')
		}
		if pos < 0 {
			return
		}
	}
}

// raw handles {% raw %}…{% endraw %}; start is the "{%" offset, p is after the opening tag.
func (l *lexer) raw(start, p int, strip bool) int {
	if strip {
		p = l.skipSpace(p)
	}
	i := p
	for {
		j := strings.Index(l.src[i:l.end], "{%")
		if j < 0 {
			l.errorf(start, "missing end of raw directive")
			return l.end
		}
		j += i
		q := j + 2
		sign := byte(0)
		if q < l.end && (l.src[q] == '-' || l.src[q] == '+') {
			sign = l.src[q]
			q++
		}
		if after, stripAfter, ok := l.matchTagWord(q, "endraw"); ok {
			text := l.src[p:j]
			if sign == '-' {
				text = rstripSpace(text)
			}
			l.emitData(p, text)
			if stripAfter {
				after = l.skipSpace(after)
			}
			return after
		}
		i = j + 2
	}
}

var closing = map[byte]byte{')': '(', ']': '[', '}': '{'}

// tag lexes the inside of {{ }} (kind '}') or {% %} (kind '%') from p and returns the
// offset after the closing delimiter, or -1 on a fatal error.
func (l *lexer) tag(p int, kind byte) int {
	src := l.src
	var stack []byte
	startTok := len(l.toks) - 1
	for {
		p = l.skipSpace(p)
		if p >= l.end {
			if kind == '%' {
				l.errorf(l.toks[startTok].pos, "unexpected end of template, expected end of statement block")
			} else {
				l.errorf(l.toks[startTok].pos, "unexpected end of template, expected end of print statement")
			}
			return -1
		}
		if len(stack) == 0 {
			s := src[p:l.end]
			if kind == '%' {
				if strings.HasPrefix(s, "-%}") {
					l.toks = append(l.toks, token{typ: tBlockEnd, val: "%}", pos: p})
					return l.skipSpace(p + 3)
				}
				if strings.HasPrefix(s, "+%}") {
					l.toks = append(l.toks, token{typ: tBlockEnd, val: "%}", pos: p})
					return p + 3
				}
				if strings.HasPrefix(s, "%}") {
					l.toks = append(l.toks, token{typ: tBlockEnd, val: "%}", pos: p})
					return p + 2
				}
			} else {
				if strings.HasPrefix(s, "-}}") {
					l.toks = append(l.toks, token{typ: tVarEnd, val: "}}", pos: p})
					return l.skipSpace(p + 3)
				}
				if strings.HasPrefix(s, "}}") {
					l.toks = append(l.toks, token{typ: tVarEnd, val: "}}", pos: p})
					return p + 2
				}
			}
		}
		c := src[p]
		switch {
		case c >= '0' && c <= '9':
			p = l.number(p)
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			q := p
			for q < l.end {
				r, size := utf8.DecodeRuneInString(src[q:l.end])
				if r == '_' || unicode.IsLetter(r) || (q > p && unicode.IsDigit(r)) {
					q += size
					continue
				}
				break
			}
			if q == p {
				l.errorf(p, "unexpected char "+pyQuote(string(rune(c)))+" at "+strconv.Itoa(p))
				return -1
			}
			l.toks = append(l.toks, token{typ: tName, val: src[p:q], pos: p})
			p = q
		case c == '\'' || c == '"':
			q, s, ok := l.str(p)
			if !ok {
				l.errorf(p, "unexpected char "+pyQuote(string(rune(c)))+" at "+strconv.Itoa(p))
				return -1
			}
			l.toks = append(l.toks, token{typ: tString, val: s, pos: p})
			p = q
		default:
			op := ""
			if p+1 < l.end {
				switch src[p : p+2] {
				case "//", "**", "==", "!=", ">=", "<=":
					op = src[p : p+2]
				}
			}
			if op == "" {
				switch c {
				case '+', '-', '/', '*', '%', '~', '[', ']', '(', ')', '{', '}', '>', '<', '=', '.', ':', '|', ',', ';':
					op = src[p : p+1]
				default:
					r, _ := utf8.DecodeRuneInString(src[p:l.end])
					l.errorf(p, "unexpected char "+pyQuote(string(r))+" at "+strconv.Itoa(p))
					return -1
				}
			}
			switch op {
			case "(", "[", "{":
				stack = append(stack, op[0])
			case ")", "]", "}":
				if len(stack) == 0 {
					l.errorf(p, "unexpected '"+op+"'")
					return -1
				}
				if stack[len(stack)-1] != closing[op[0]] {
					l.errorf(p, "unexpected '"+op+"', expected '"+string(opposite(stack[len(stack)-1]))+"'")
					return -1
				}
				stack = stack[:len(stack)-1]
			}
			l.toks = append(l.toks, token{typ: tOp, val: op, pos: p})
			p += len(op)
		}
	}
}

func opposite(c byte) byte {
	switch c {
	case '(':
		return ')'
	case '[':
		return ']'
	}
	return '}'
}

func isDigitOrUnderscore(c byte) bool { return c >= '0' && c <= '9' || c == '_' }

// digits consumes \d+(_\d+)* from p, returning the end (p if none).
func (l *lexer) digits(p int) int {
	q := p
	for q < l.end && l.src[q] >= '0' && l.src[q] <= '9' {
		q++
	}
	if q == p {
		return p
	}
	for q+1 < l.end && l.src[q] == '_' && l.src[q+1] >= '0' && l.src[q+1] <= '9' {
		q++
		for q < l.end && l.src[q] >= '0' && l.src[q] <= '9' {
			q++
		}
	}
	return q
}

func (l *lexer) number(p int) int {
	src := l.src
	prevDot := len(l.toks) > 0 && l.toks[len(l.toks)-1].typ == tOp && l.toks[len(l.toks)-1].val == "." && l.toks[len(l.toks)-1].pos == p-1
	// prefixed integers
	if src[p] == '0' && p+1 < l.end && strings.IndexByte("bBoOxX", src[p+1]) >= 0 {
		base := 16
		switch src[p+1] {
		case 'b', 'B':
			base = 2
		case 'o', 'O':
			base = 8
		}
		q := p + 2
		for q < l.end && (src[q] == '_' || isHexDigit(src[q])) {
			q++
		}
		v, err := strconv.ParseInt(strings.ReplaceAll(src[p+2:q], "_", ""), base, 64)
		if err == nil && q > p+2 {
			l.toks = append(l.toks, token{typ: tInt, val: strconv.FormatInt(v, 10), pos: p})
			return q
		}
	}
	q := l.digits(p)
	isFloat := false
	if !prevDot {
		if q+1 < l.end && src[q] == '.' && src[q+1] >= '0' && src[q+1] <= '9' {
			isFloat = true
			q = l.digits(q + 1)
		}
		if q < l.end && (src[q] == 'e' || src[q] == 'E') {
			r := q + 1
			if r < l.end && (src[r] == '+' || src[r] == '-') {
				r++
			}
			if e := l.digits(r); e > r {
				isFloat = true
				q = e
			}
		}
	}
	text := strings.ReplaceAll(src[p:q], "_", "")
	if isFloat {
		l.toks = append(l.toks, token{typ: tFloat, val: text, pos: p})
	} else {
		if len(text) > 1 && text[0] == '0' && strings.Trim(text, "0") != "" {
			// Jinja2 lexes 01 as 0 then 1; keep it an error-prone integer like Python.
			l.toks = append(l.toks, token{typ: tInt, val: "0", pos: p})
			return p + 1
		}
		l.toks = append(l.toks, token{typ: tInt, val: text, pos: p})
	}
	return q
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// str lexes a quoted string at p and decodes Python escapes (unicode-escape semantics).
func (l *lexer) str(p int) (int, string, bool) {
	q := l.src[p]
	i := p + 1
	for i < l.end {
		c := l.src[i]
		if c == '\\' {
			i += 2
			continue
		}
		if c == q {
			return i + 1, unescape(normNL(l.src[p+1 : i])), true
		}
		i++
	}
	return 0, "", false
}

func unescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case '\n':
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'f':
			b.WriteByte(12)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte(11)
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+1+n <= len(s) {
				if v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32); err == nil {
					b.WriteRune(rune(v))
					i += n
					continue
				}
			}
			b.WriteByte('\\')
			b.WriteByte(e)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(s[i:j], 8, 32)
			b.WriteRune(rune(v))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String()
}
