package pylib

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dlclark/regexp2/v2"
	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// reMatch is a match object (re.Match): group(), groups(), groupdict(), start(), end(),
// span(), expand(), m[1], and the pattern, string, pos, endpos, lastindex, lastgroup.
type reMatch struct {
	p        *rePattern
	s        string
	spans    [][2]int // per group, code point offsets; {-1,-1} when it did not take part
	pos, end int
	runes    []rune
}

func newMatch(p *rePattern, s string, r []rune, m *regexp2.Match, pos, end int) *reMatch {
	mo := &reMatch{p: p, s: s, runes: r, pos: pos, end: end, spans: make([][2]int, p.c.groups+1)}
	for i := range mo.spans {
		g := m.GroupByNumber(i)
		if g == nil || len(g.Captures) == 0 {
			mo.spans[i] = [2]int{-1, -1}
			continue
		}
		mo.spans[i] = [2]int{g.RuneIndex, g.RuneIndex + g.RuneLength}
	}
	return mo
}

// group is the text of group i, or None when it did not take part.
func (m *reMatch) group(i int) jinja.Value {
	sp := m.spans[i]
	if sp[0] < 0 {
		return nil
	}
	return string(m.runes[sp[0]:sp[1]])
}

// text is group i, with def for a group that did not take part (findall gives ”).
func (m *reMatch) text(i int, def string) string {
	if v, ok := m.group(i).(string); ok {
		return v
	}
	return def
}

// JinjaString is repr(match), which str() prints too.
func (m *reMatch) JinjaString() string {
	return fmt.Sprintf("<re.Match object; span=(%d, %d), match=%s>", m.spans[0][0], m.spans[0][1], pyRepr(m.text(0, "")))
}

// JinjaTypeName names the Python type in TypeErrors.
func (m *reMatch) JinjaTypeName() string { return "re.Match" }

// JinjaItem is m[g], the same as m.group(g).
func (m *reMatch) JinjaItem(k jinja.Value) (jinja.Value, bool) {
	i, err := m.p.groupIndex(k)
	if err != nil {
		return nil, false
	}
	return m.group(i), true
}

func (m *reMatch) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "string":
		return m.s, true
	case "re":
		return m.p, true
	case "pos":
		return int64(m.pos), true
	case "endpos":
		return int64(m.end), true
	case "lastindex", "lastgroup":
		// The group that closed last: the participating group with the greatest end,
		// the outermost when several end there (sre's lastindex).
		best, bestEnd := -1, -1
		for i := 1; i < len(m.spans); i++ {
			if sp := m.spans[i]; sp[0] >= 0 && sp[1] > bestEnd {
				best, bestEnd = i, sp[1]
			}
		}
		if best < 0 {
			return nil, true
		}
		if name == "lastgroup" {
			if n := m.p.c.names[best]; n != "" {
				return n, true
			}
			return nil, true
		}
		return int64(best), true
	case "group":
		return fn(func(args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) == 0 {
				return m.group(0), nil
			}
			out := make(jinja.Tuple, len(args))
			for k, a := range args {
				i, err := m.p.groupIndex(a)
				if err != nil {
					return nil, err
				}
				out[k] = m.group(i)
			}
			if len(args) == 1 {
				return out[0], nil
			}
			return out, nil
		}), true
	case "groups":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			def := bindArgs(args, kw, "default")["default"]
			out := make(jinja.Tuple, len(m.spans)-1)
			for i := range out {
				if out[i] = m.group(i + 1); out[i] == nil {
					out[i] = def
				}
			}
			return out, nil
		}), true
	case "groupdict":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			def := bindArgs(args, kw, "default")["default"]
			d := jinja.NewDict()
			for i, n := range m.p.c.names {
				if n == "" {
					continue
				}
				v := m.group(i)
				if v == nil {
					v = def
				}
				d.Set(n, v)
			}
			return d, nil
		}), true
	case "start", "end", "span":
		return fn(func(args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			i := 0
			if len(args) > 0 {
				var err error
				if i, err = m.p.groupIndex(args[0]); err != nil {
					return nil, err
				}
			}
			s, e := int64(m.spans[i][0]), int64(m.spans[i][1])
			switch name {
			case "start":
				return s, nil
			case "end":
				return e, nil
			}
			return jinja.Tuple{s, e}, nil
		}), true
	case "expand":
		return fn(func(args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			return m.expand(str(first(args)))
		}), true
	}
	return nil, false
}

// expandRepl is re.sub's replacement for this match: a callable gets the match object
// and returns the text; a string is a template (expand).
func (m *reMatch) expandRepl(repl jinja.Value) (string, error) {
	if c, ok := repl.(jinja.Callable); ok {
		v, err := c.CallJinja(nil, []jinja.Value{m}, nil)
		if err != nil {
			return "", err
		}
		return str(v), nil
	}
	s, ok := repl.(string)
	if !ok {
		return "", fmt.Errorf("TypeError: expected str instance, %s found", pyTypeName(repl))
	}
	return m.expand(s)
}

// expand is Python's replacement template (Lib/re/_parser.py parse_template): \1…\99 and
// \g<n>/\g<name> insert groups (” when a group did not take part), \n \t \\ and the other
// string escapes are characters, an unknown escape of an ASCII letter is an error, and any
// other escaped character keeps its backslash.
func (m *reMatch) expand(t string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		if t[i] != '\\' || i+1 >= len(t) {
			if t[i] == '\\' {
				return "", errors.New("re.error: bad escape (end of pattern)")
			}
			b.WriteByte(t[i])
			continue
		}
		i++
		c := t[i]
		switch {
		case c == 'g':
			if i+1 >= len(t) || t[i+1] != '<' {
				return "", errors.New("re.error: missing <")
			}
			j := strings.IndexByte(t[i+2:], '>')
			if j < 0 {
				return "", errors.New("re.error: missing >, unterminated name")
			}
			ref := t[i+2 : i+2+j]
			var g jinja.Value = ref
			if n, err := strconv.Atoi(ref); err == nil {
				g = int64(n)
			}
			k, err := m.p.groupIndex(g)
			if err != nil {
				if _, isNum := g.(int64); isNum {
					return "", fmt.Errorf("re.error: invalid group reference %s", ref)
				}
				return "", fmt.Errorf("IndexError: unknown group name '%s'", ref)
			}
			b.WriteString(m.text(k, ""))
			i += 2 + j
		case c == '0':
			// \0 and up to two more octal digits: a character.
			j := i + 1
			for j < len(t) && j < i+3 && t[j] >= '0' && t[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseInt(t[i:j], 8, 32)
			b.WriteRune(rune(n))
			i = j - 1
		case c >= '1' && c <= '9':
			j := i + 1
			if j < len(t) && t[j] >= '0' && t[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(t[i:j])
			if n > m.p.c.groups {
				return "", fmt.Errorf("re.error: invalid group reference %d at position %d", n, i-1)
			}
			b.WriteString(m.text(n, ""))
			i = j - 1
		default:
			if e, ok := map[byte]string{'n': "\n", 't': "\t", 'r': "\r", 'f': "\f", 'v': "\v", 'a': "\a", 'b': "\b", '\\': "\\"}[c]; ok {
				b.WriteString(e)
			} else if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
				return "", fmt.Errorf("re.error: bad escape \\%c at position %d", c, i-1)
			} else {
				b.WriteByte('\\')
				b.WriteByte(c)
			}
		}
	}
	return b.String(), nil
}
