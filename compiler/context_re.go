package compiler

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// ---- re ----

type reModule struct{}

// Python's re flags, as bit values.
const (
	reIgnoreCase = 2
	reMultiline  = 8
	reDotAll     = 16
	reVerbose    = 64
)

func compileRe(pattern jinja.Value, flags jinja.Value) (*regexp.Regexp, error) {
	if p, ok := pattern.(*rePattern); ok {
		return p.re, nil
	}
	pat := str(pattern)
	f, _ := flags.(int64)
	prefix := ""
	if f&reIgnoreCase != 0 {
		prefix += "i"
	}
	if f&reMultiline != 0 {
		prefix += "m"
	}
	if f&reDotAll != 0 {
		prefix += "s"
	}
	if prefix != "" {
		pat = "(?" + prefix + ")" + pat
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, fmt.Errorf("re: bad pattern %q: %v", str(pattern), err)
	}
	return re, nil
}

func (reModule) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "IGNORECASE", "I":
		return int64(reIgnoreCase), true
	case "MULTILINE", "M":
		return int64(reMultiline), true
	case "DOTALL", "S":
		return int64(reDotAll), true
	case "VERBOSE", "X":
		return int64(reVerbose), true
	case "compile":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "pattern", "flags")
			re, err := compileRe(a["pattern"], a["flags"])
			if err != nil {
				return nil, err
			}
			return &rePattern{re: re, src: str(a["pattern"])}, nil
		}), true
	case "escape":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("escape() takes a string")
			}
			return regexp.QuoteMeta(str(args[0])), nil
		}), true
	case "match", "search", "fullmatch", "findall", "sub", "split":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("re.%s() needs a pattern", name)
			}
			var flags jinja.Value
			for _, k := range kw {
				if k.Name == "flags" {
					flags = k.Value
				}
			}
			nargs := 2
			if name == "sub" {
				nargs = 3
			}
			if len(args) > nargs {
				flags = args[nargs]
			}
			re, err := compileRe(args[0], flags)
			if err != nil {
				return nil, err
			}
			return (&rePattern{re: re}).call(name, args[1:], kw)
		}), true
	}
	return nil, false
}

// rePattern is a compiled pattern.
type rePattern struct {
	re  *regexp.Regexp
	src string
}

func (p *rePattern) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "pattern":
		return p.src, true
	case "match", "search", "fullmatch", "findall", "sub", "split":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			return p.call(name, args, kw)
		}), true
	}
	return nil, false
}

func (p *rePattern) call(name string, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	switch name {
	case "match", "search", "fullmatch":
		a := bindArgs(args, kw, "string")
		s := str(a["string"])
		loc := p.re.FindStringSubmatchIndex(s)
		if loc == nil {
			return nil, nil
		}
		switch name {
		case "match":
			if loc[0] != 0 {
				// A later match does not mean no match at the start: anchor and retry.
				re := regexp.MustCompile(`^(?:` + p.re.String() + `)`)
				if loc = re.FindStringSubmatchIndex(s); loc == nil {
					return nil, nil
				}
			}
		case "fullmatch":
			re := regexp.MustCompile(`^(?:` + p.re.String() + `)$`)
			if loc = re.FindStringSubmatchIndex(s); loc == nil {
				return nil, nil
			}
		}
		return &reMatch{s: s, loc: loc, re: p.re}, nil
	case "findall":
		a := bindArgs(args, kw, "string")
		out := &jinja.List{}
		for _, m := range p.re.FindAllStringSubmatch(str(a["string"]), -1) {
			switch len(m) {
			case 1:
				out.Items = append(out.Items, m[0])
			case 2:
				out.Items = append(out.Items, m[1])
			default:
				t := make(jinja.Tuple, len(m)-1)
				for i, g := range m[1:] {
					t[i] = g
				}
				out.Items = append(out.Items, t)
			}
		}
		return out, nil
	case "sub":
		a := bindArgs(args, kw, "repl", "string", "count")
		repl := pyRepl(str(a["repl"]))
		s := str(a["string"])
		count, _ := a["count"].(int64)
		if count <= 0 {
			return p.re.ReplaceAllString(s, repl), nil
		}
		n := int64(0)
		return p.re.ReplaceAllStringFunc(s, func(m string) string {
			n++
			if n > count {
				return m
			}
			return p.re.ReplaceAllString(m, repl)
		}), nil
	case "split":
		a := bindArgs(args, kw, "string", "maxsplit")
		max, _ := a["maxsplit"].(int64)
		n := -1
		if max > 0 {
			n = int(max) + 1
		}
		out := &jinja.List{}
		for _, part := range p.re.Split(str(a["string"]), n) {
			out.Items = append(out.Items, part)
		}
		return out, nil
	}
	return nil, fmt.Errorf("re has no function %s", name)
}

var pyGroupRef = regexp.MustCompile(`\\(\d+)|\\g<(\w+)>`)

// pyRepl turns Python's \1 and \g<name> replacement references into Go's ${1} / ${name}.
func pyRepl(r string) string {
	r = strings.ReplaceAll(r, "$", "$$")
	return pyGroupRef.ReplaceAllStringFunc(r, func(m string) string {
		sm := pyGroupRef.FindStringSubmatch(m)
		if sm[1] != "" {
			return "${" + sm[1] + "}"
		}
		return "${" + sm[2] + "}"
	})
}

// reMatch is a match object: group(), groups(), start(), end(), span().
type reMatch struct {
	s   string
	loc []int
	re  *regexp.Regexp
}

func (m *reMatch) group(i int) jinja.Value {
	if i < 0 || 2*i+1 >= len(m.loc) || m.loc[2*i] < 0 {
		return nil
	}
	return m.s[m.loc[2*i]:m.loc[2*i+1]]
}

func (m *reMatch) index(v jinja.Value) int {
	switch x := v.(type) {
	case int64:
		return int(x)
	case string:
		return m.re.SubexpIndex(x)
	}
	return 0
}

func (m *reMatch) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "group":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) <= 1 {
				var a jinja.Value = int64(0)
				if len(args) == 1 {
					a = args[0]
				}
				return m.group(m.index(a)), nil
			}
			t := make(jinja.Tuple, len(args))
			for i, a := range args {
				t[i] = m.group(m.index(a))
			}
			return t, nil
		}), true
	case "groups":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			n := len(m.loc)/2 - 1
			t := make(jinja.Tuple, n)
			for i := range n {
				t[i] = m.group(i + 1)
			}
			return t, nil
		}), true
	case "start", "end", "span":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			i := 0
			if len(args) > 0 {
				i = m.index(args[0])
			}
			if i < 0 || 2*i+1 >= len(m.loc) {
				return nil, fmt.Errorf("no such group")
			}
			s, e := int64(m.loc[2*i]), int64(m.loc[2*i+1])
			switch name {
			case "start":
				return s, nil
			case "end":
				return e, nil
			}
			return jinja.Tuple{s, e}, nil
		}), true
	case "string":
		return m.s, true
	}
	return nil, false
}
