package compiler

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"gopkg.in/yaml.v3"
)

// Native rendering: how dbt renders the Jinja inside YAML values (the project file, property
// YAML, generic test arguments). dbt renders them with jinja2's NativeSandboxEnvironment
// (dbt/config/renderer.py BaseRenderer.render_value → dbt/clients/jinja.py get_rendered with
// native=True → dbt_common/clients/jinja.py quoted_native_concat), whose rules are:
//
//   - a value that is exactly one {{ expression }} keeps the expression's Python type:
//     "{{ var('flag', false) }}" is the boolean False, "{{ var('list') }}" a list;
//   - when that expression's outermost filter is as_text the value is its text; with as_bool,
//     as_number or as_native the text is read as a Python literal (ast.literal_eval), and
//     as_bool / as_number fail when it is not a bool / a number;
//   - anything else (text around the expression, several expressions, statements) is the
//     rendered text, as in ordinary rendering.
//
// In ordinary (SQL) rendering the four filters return their input unchanged (TEXT_FILTERS).

// nativeMarkers are dbt's NATIVE_FILTERS that mark a value (dbt_common/clients/jinja.py).
var nativeMarkers = map[string]bool{"as_text": true, "as_bool": true, "as_number": true, "as_native": true}

// renderNative renders t in ctx with dbt's native rules and returns a Jinja value (a Go
// string when the result is text).
func renderNative(env *jinja.Env, t *jinja.Template, ctx *jinja.Context) (jinja.Value, error) {
	body := t.Root().Body
	if len(body) != 1 {
		return t.Render(env, ctx)
	}
	o, ok := body[0].(*jinja.Output)
	if !ok {
		return t.Render(env, ctx)
	}
	x, marker := o.X, ""
	if f, ok := x.(*jinja.FilterExpr); ok && f.X != nil && nativeMarkers[f.Name] && len(f.Args) == 0 && len(f.Kwargs) == 0 {
		x, marker = f.X, f.Name
	}
	v, err := t.Eval(env, ctx, x)
	if err != nil {
		return nil, err
	}
	switch marker {
	case "":
		// jinja2 folds a constant output at compile time and passes it through its own
		// native_concat, which literal_evals strings: "{{ '5' }}" is 5.
		if c, ok := x.(*jinja.Const); ok {
			if s, ok := c.Value.(string); ok {
				if lit, ok := pyLiteral(s); ok {
					return lit, nil
				}
			}
		}
		return v, nil
	case "as_text":
		return jinja.ToString(v), nil
	}
	s := jinja.ToString(v)
	lit, ok := pyLiteral(s)
	if !ok {
		lit = s
	}
	switch marker {
	case "as_bool":
		if _, ok := lit.(bool); !ok {
			return nil, fmt.Errorf("Could not convert value '%s' into type 'bool'", s)
		}
	case "as_number":
		switch lit.(type) {
		case int64, float64:
		default:
			return nil, fmt.Errorf("Could not convert value '%s' into type 'number'", s)
		}
	}
	return lit, nil
}

// setNodeValue replaces the YAML scalar n by the native value v, keeping n's position, so
// the decoders that read the tree afterwards see dbt's rendered types.
func setNodeValue(n *yaml.Node, v jinja.Value) {
	line, col := n.Line, n.Column
	if s, ok := v.(string); ok {
		n.Kind, n.Tag, n.Value, n.Style, n.Content = yaml.ScalarNode, "!!str", s, 0, nil
		return
	}
	var nn yaml.Node
	if err := nn.Encode(jinja.ToGo(v)); err != nil {
		n.Kind, n.Tag, n.Value, n.Style, n.Content = yaml.ScalarNode, "!!str", jinja.ToString(v), 0, nil
		return
	}
	var place func(*yaml.Node)
	place = func(x *yaml.Node) {
		x.Line, x.Column, x.Style = line, col, 0
		for _, c := range x.Content {
			place(c)
		}
	}
	place(&nn)
	*n = nn
}

// renderYAMLTree renders natively, in place, every string scalar under n holding Jinja,
// except the subtrees skip names; path is the key path to n (list items add no key: dbt's
// keypaths count list indexes, which no skip rule of gdbt's looks at). render renders one
// string. Errors are positioned at the scalar.
func renderYAMLTree(file string, n *yaml.Node, path []string, skip func(path []string) bool, render func(s string) (jinja.Value, error)) Errors {
	var errs Errors
	var walk func(n *yaml.Node, path []string)
	walk = func(n *yaml.Node, path []string) {
		if skip != nil && skip(path) {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], append(path[:len(path):len(path)], n.Content[i].Value))
			}
		case yaml.SequenceNode:
			for _, x := range n.Content {
				walk(x, path)
			}
		case yaml.ScalarNode:
			if n.Tag != "!!str" && n.Tag != "" || !hasJinja(n.Value) {
				return
			}
			v, err := render(n.Value)
			if err != nil {
				errs = append(errs, nodeErr(file, n, "Could not render %s: %s", n.Value, jinjaMsg(err)))
				return
			}
			setNodeValue(n, v)
		}
	}
	walk(n, path)
	return errs
}

// pyLiteral reads s as Python's ast.literal_eval does for the literals YAML values hold:
// None, True, False, ints, floats, quoted strings, lists, tuples and dicts of them. ok is
// false when s is not such a literal (dbt then keeps the string).
func pyLiteral(s string) (v jinja.Value, ok bool) {
	p := &litParser{s: s}
	defer func() {
		if recover() != nil {
			v, ok = nil, false
		}
	}()
	p.ws()
	v = p.value()
	p.ws()
	if p.i != len(p.s) {
		return nil, false
	}
	return v, true
}

type litParser struct {
	s string
	i int
}

var errNotLiteral = errors.New("not a literal")

func (p *litParser) ws() {
	for p.i < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *litParser) value() jinja.Value {
	if p.i >= len(p.s) {
		panic(errNotLiteral)
	}
	switch c := p.s[p.i]; {
	case c == '[':
		return &jinja.List{Items: p.seq(']')}
	case c == '(':
		items := p.seq(')')
		return jinja.Tuple(items)
	case c == '{':
		return p.dict()
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c == '+' || c == '.' || c >= '0' && c <= '9':
		return p.num()
	}
	j := p.i
	for j < len(p.s) && (p.s[j] == '_' || p.s[j] >= 'a' && p.s[j] <= 'z' || p.s[j] >= 'A' && p.s[j] <= 'Z') {
		j++
	}
	word := p.s[p.i:j]
	p.i = j
	switch word {
	case "None":
		return nil
	case "True":
		return true
	case "False":
		return false
	}
	panic(errNotLiteral)
}

func (p *litParser) seq(end byte) []jinja.Value {
	p.i++
	items := []jinja.Value{}
	for {
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == end {
			p.i++
			return items
		}
		items = append(items, p.value())
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == end {
			p.i++
			return items
		}
		panic(errNotLiteral)
	}
}

func (p *litParser) dict() jinja.Value {
	p.i++
	d := jinja.NewDict()
	for {
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return d
		}
		k := p.value()
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			panic(errNotLiteral)
		}
		p.i++
		p.ws()
		d.Set(k, p.value())
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
		}
	}
}

func (p *litParser) str() jinja.Value {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String()
		case c == '\\' && p.i+1 < len(p.s):
			p.i++
			switch e := p.s[p.i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\', '\'', '"':
				b.WriteByte(e)
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
			p.i++
		case c == '\n':
			panic(errNotLiteral)
		default:
			r, size := utf8.DecodeRuneInString(p.s[p.i:])
			b.WriteRune(r)
			p.i += size
		}
	}
	panic(errNotLiteral)
}

func (p *litParser) num() jinja.Value {
	j := p.i
	if p.s[j] == '-' || p.s[j] == '+' {
		j++
	}
	for j < len(p.s) && strings.IndexByte("0123456789._eE+-xXabcdefABCDEFoO", p.s[j]) >= 0 {
		if (p.s[j] == '+' || p.s[j] == '-') && !(p.s[j-1] == 'e' || p.s[j-1] == 'E') {
			break
		}
		j++
	}
	lit := strings.ReplaceAll(p.s[p.i:j], "_", "")
	p.i = j
	if n, err := strconv.ParseInt(lit, 0, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(lit, 64); err == nil && !strings.ContainsAny(lit, "xXoO") {
		return f
	}
	panic(errNotLiteral)
}
