package pylib

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dlclark/regexp2/v2"
	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// reModule is {{ modules.re }}: Python's re (Lib/re/__init__.py) on a backtracking engine.
type reModule struct{}

func (reModule) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "IGNORECASE", "I":
		return int64(reIgnoreCase), true
	case "LOCALE", "L":
		return int64(reLocale), true
	case "MULTILINE", "M":
		return int64(reMultiline), true
	case "DOTALL", "S":
		return int64(reDotAll), true
	case "UNICODE", "U":
		return int64(reUnicode), true
	case "VERBOSE", "X":
		return int64(reVerbose), true
	case "ASCII", "A":
		return int64(reASCII), true
	case "NOFLAG":
		return int64(0), true
	case "compile":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "pattern", "flags")
			return toPattern(a["pattern"], a["flags"])
		}), true
	case "escape":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			return reEscape(str(bindArgs(args, kw, "pattern")["pattern"])), nil
		}), true
	case "purge":
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) { return nil, nil }), true
	case "match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			// re.func(pattern, string[, …], flags=0): flags is the last positional.
			names := map[string][]string{"sub": {"pattern", "repl", "string", "count", "flags"}, "subn": {"pattern", "repl", "string", "count", "flags"},
				"split": {"pattern", "string", "maxsplit", "flags"}}[name]
			if names == nil {
				names = []string{"pattern", "string", "flags"}
			}
			a := bindArgs(args, kw, names...)
			p, err := toPattern(a["pattern"], a["flags"])
			if err != nil {
				return nil, err
			}
			var rest []jinja.Value
			for _, n := range names[1:] {
				if n == "flags" {
					break
				}
				v, ok := a[n]
				if !ok {
					break
				}
				rest = append(rest, v)
			}
			return p.call(name, rest, nil)
		}), true
	}
	return nil, false
}

// reEscape is re.escape: every character special in a pattern gets a backslash
// (Lib/re/__init__.py _special_chars_map).
func reEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("()[]{}?*+-|^$\\.&~# \t\n\r\v\f", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func toPattern(pat, flags jinja.Value) (*rePattern, error) {
	f, _ := toInt(flags)
	if p, ok := pat.(*rePattern); ok {
		if f != 0 {
			return nil, errors.New("ValueError: cannot process flags argument with a compiled pattern")
		}
		return p, nil
	}
	s, ok := pat.(string)
	if !ok {
		return nil, fmt.Errorf("TypeError: first argument must be string or compiled pattern")
	}
	c, err := compilePy(s, f)
	if err != nil {
		return nil, err
	}
	return &rePattern{c: c}, nil
}

// rePattern is a compiled pattern (re.Pattern).
type rePattern struct{ c *compiled }

// JinjaString is repr(pattern): re.compile('…').
func (p *rePattern) JinjaString() string {
	if p.c.flags == 0 {
		return "re.compile(" + pyRepr(p.c.src) + ")"
	}
	var names []string
	for _, f := range []struct {
		bit  int64
		name string
	}{{reTemplateFlag, "re.TEMPLATE"}, {reIgnoreCase, "re.IGNORECASE"}, {reLocale, "re.LOCALE"}, {reMultiline, "re.MULTILINE"},
		{reDotAll, "re.DOTALL"}, {reUnicode, "re.UNICODE"}, {reVerbose, "re.VERBOSE"}, {reDebug, "re.DEBUG"}, {reASCII, "re.ASCII"}} {
		if p.c.flags&f.bit != 0 {
			names = append(names, f.name)
		}
	}
	if rest := p.c.flags &^ (reTemplateFlag | reIgnoreCase | reLocale | reMultiline | reDotAll | reUnicode | reVerbose | reDebug | reASCII); rest != 0 || len(names) == 0 {
		names = append(names, fmt.Sprintf("0x%x", rest))
	}
	return fmt.Sprintf("re.compile(%s, %s)", pyRepr(p.c.src), strings.Join(names, "|"))
}

// JinjaHash makes patterns comparable by source and flags, as Python's.
func (p *rePattern) JinjaHash() any { return reKey{p.c.src, p.c.flags} }

func (p *rePattern) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "pattern":
		return p.c.src, true
	case "flags":
		return p.c.eff, true
	case "groups":
		return int64(p.c.groups), true
	case "groupindex":
		d := jinja.NewDict()
		for i, n := range p.c.names {
			if n != "" {
				d.Set(n, int64(i))
			}
		}
		return d, true
	case "match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			return p.call(name, args, kw)
		}), true
	}
	return nil, false
}

// span reads pos/endpos as Python does: clamped to the string, negative pos is 0.
func span(a map[string]jinja.Value, n int) (int, int) {
	pos, end := 0, n
	if v, ok := toInt(a["pos"]); ok {
		pos = int(max(0, min(v, int64(n))))
	}
	if v, ok := toInt(a["endpos"]); ok {
		end = int(max(0, min(v, int64(n))))
	}
	if end < pos {
		end = pos
	}
	return pos, end
}

func matchErr(err error) error {
	if errors.Is(err, regexp2.ErrMatchTimeout) {
		return fmt.Errorf("re: the match took longer than %s (the pattern backtracks catastrophically)", reTimeout)
	}
	return fmt.Errorf("re: %w", err)
}

// each calls f for every match from pos, in order, as re.finditer finds them: after an
// empty match the next search starts one character later.
func (p *rePattern) each(r []rune, pos, limit int, f func(m *regexp2.Match) bool) error {
	for n := 0; pos <= len(r) && (limit <= 0 || n < limit); n++ {
		m, err := p.c.search.FindRunesMatchStartingAt(r, pos)
		if err != nil {
			return matchErr(err)
		}
		if m == nil || !f(m) {
			return nil
		}
		pos = m.RuneIndex + m.RuneLength
		if m.RuneLength == 0 {
			pos++
		}
	}
	return nil
}

func (p *rePattern) call(name string, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	switch name {
	case "match", "search", "fullmatch":
		a := bindArgs(args, kw, "string", "pos", "endpos")
		s, ok := a["string"].(string)
		if !ok {
			return nil, fmt.Errorf("TypeError: expected string or bytes-like object, got '%s'", pyTypeName(a["string"]))
		}
		r := []rune(s)
		pos, end := span(a, len(r))
		re := p.c.search
		if name != "search" {
			at, full, err := p.c.anchored()
			if err != nil {
				return nil, err
			}
			re = at
			if name == "fullmatch" {
				re = full
			}
		}
		m, err := re.FindRunesMatchStartingAt(r[:end], pos)
		if err != nil {
			return nil, matchErr(err)
		}
		if m == nil {
			return nil, nil
		}
		return newMatch(p, s, r, m, pos, end), nil
	case "findall", "finditer":
		a := bindArgs(args, kw, "string", "pos", "endpos")
		s := str(a["string"])
		r := []rune(s)
		pos, end := span(a, len(r))
		out := &jinja.List{}
		err := p.each(r[:end], pos, 0, func(m *regexp2.Match) bool {
			mo := newMatch(p, s, r, m, pos, end)
			switch {
			case name == "finditer":
				out.Items = append(out.Items, mo)
			case p.c.groups == 0:
				out.Items = append(out.Items, mo.text(0, ""))
			case p.c.groups == 1:
				out.Items = append(out.Items, mo.text(1, ""))
			default:
				t := make(jinja.Tuple, p.c.groups)
				for i := range t {
					t[i] = mo.text(i+1, "")
				}
				out.Items = append(out.Items, t)
			}
			return true
		})
		return out, err
	case "sub", "subn":
		a := bindArgs(args, kw, "repl", "string", "count")
		s := str(a["string"])
		r := []rune(s)
		count, _ := toInt(a["count"])
		var b strings.Builder
		last, n := 0, int64(0)
		var ferr error
		err := p.each(r, 0, int(count), func(m *regexp2.Match) bool {
			mo := newMatch(p, s, r, m, 0, len(r))
			rep, err := mo.expandRepl(a["repl"])
			if err != nil {
				ferr = err
				return false
			}
			b.WriteString(string(r[last:m.RuneIndex]))
			b.WriteString(rep)
			last = m.RuneIndex + m.RuneLength
			n++
			return true
		})
		if err == nil {
			err = ferr
		}
		if err != nil {
			return nil, err
		}
		b.WriteString(string(r[last:]))
		if name == "subn" {
			return jinja.Tuple{b.String(), n}, nil
		}
		return b.String(), nil
	case "split":
		a := bindArgs(args, kw, "string", "maxsplit")
		s := str(a["string"])
		r := []rune(s)
		maxsplit, _ := toInt(a["maxsplit"])
		out := &jinja.List{}
		last := 0
		err := p.each(r, 0, int(maxsplit), func(m *regexp2.Match) bool {
			mo := newMatch(p, s, r, m, 0, len(r))
			out.Items = append(out.Items, string(r[last:m.RuneIndex]))
			for i := 1; i <= p.c.groups; i++ {
				out.Items = append(out.Items, mo.group(i))
			}
			last = m.RuneIndex + m.RuneLength
			return true
		})
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, string(r[last:]))
		return out, nil
	}
	return nil, fmt.Errorf("re has no function %s", name)
}

// groupIndex resolves a group reference (number or name) as Match.group does.
func (p *rePattern) groupIndex(v jinja.Value) (int, error) {
	if n, ok := toInt(v); ok {
		if n < 0 || int(n) > p.c.groups {
			return 0, errors.New("IndexError: no such group")
		}
		return int(n), nil
	}
	if s, ok := v.(string); ok {
		for i, n := range p.c.names {
			if n == s && n != "" {
				return i, nil
			}
		}
	}
	return 0, errors.New("IndexError: no such group")
}
