package dag

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Selectors is a parsed selectors.yml: named selection definitions a project keeps
// under version control, chosen with --selector name (or the default one).
type Selectors struct {
	// Default names the selector marked `default: true`, "" when none is.
	Default string
	path    string
	defs    map[string]*selectorDef
}

type selectorDef struct {
	name        string
	description string
	node        *yaml.Node // the definition
}

// Names returns the selector names, sorted.
func (s *Selectors) Names() []string {
	out := make([]string, 0, len(s.defs))
	for n := range s.defs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Description returns a selector's description.
func (s *Selectors) Description(name string) string {
	if d := s.defs[name]; d != nil {
		return d.description
	}
	return ""
}

// ParseSelectors reads a selectors.yml. Every problem of the file is reported, sorted,
// as "path:line:col: message" (errors.Is(err, ErrBadSelector)); definitions are checked
// completely here, including references between selectors, so --selector cannot fail
// later on syntax.
func ParseSelectors(path string, data []byte) (*Selectors, error) {
	s := &Selectors{path: path, defs: map[string]*selectorDef{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", path, ErrBadSelector, err)
	}
	if len(doc.Content) == 0 {
		return s, nil
	}
	root := expandAliases(doc.Content[0], 0)
	var errs []posError
	fail := func(n *yaml.Node, format string, a ...any) {
		errs = append(errs, posError{n.Line, n.Column, fmt.Sprintf(format, a...)})
	}
	list := mapGet(root, "selectors")
	if root.Kind != yaml.MappingNode || list == nil || list.Kind != yaml.SequenceNode {
		fail(root, "expected a top-level \"selectors:\" list")
		return nil, s.errors(errs)
	}
	for _, e := range list.Content {
		if e.Kind != yaml.MappingNode {
			fail(e, "a selector must be a mapping with name and definition")
			continue
		}
		nameN, defN := mapGet(e, "name"), mapGet(e, "definition")
		if nameN == nil || nameN.Kind != yaml.ScalarNode || nameN.Value == "" {
			fail(e, "selector without a name")
			continue
		}
		if defN == nil {
			fail(e, "selector %q has no definition", nameN.Value)
			continue
		}
		if _, dup := s.defs[nameN.Value]; dup {
			fail(nameN, "duplicate selector name %q", nameN.Value)
			continue
		}
		d := &selectorDef{name: nameN.Value, node: defN}
		if dn := mapGet(e, "description"); dn != nil {
			d.description = dn.Value
		}
		s.defs[d.name] = d
		if dn := mapGet(e, "default"); dn != nil {
			b, err := strconv.ParseBool(strings.TrimSpace(dn.Value))
			switch {
			case dn.Kind != yaml.ScalarNode || err != nil:
				fail(dn, "selector %q: default must be true or false, got %q", d.name, dn.Value)
			case b && s.Default != "":
				fail(dn, "selectors %q and %q are both marked default: true", s.Default, d.name)
			case b:
				s.Default = d.name
			}
		}
		for k := 0; k+1 < len(e.Content); k += 2 {
			switch key := e.Content[k].Value; key {
			case "name", "definition", "description", "default":
			default:
				fail(e.Content[k], "selector %q: unknown key %q", d.name, key)
			}
		}
	}
	for _, name := range s.Names() {
		if _, err := s.parseDef(name, IndirectEager); err != nil {
			var pe *posErr
			if errors.As(err, &pe) {
				e := pe.posError
				e.msg = fmt.Sprintf("selector %q: %s", name, e.msg)
				errs = append(errs, e)
			} else {
				errs = append(errs, posError{s.defs[name].node.Line, s.defs[name].node.Column, err.Error()})
			}
		}
	}
	if len(errs) > 0 {
		return nil, s.errors(errs)
	}
	return s, nil
}

type posError struct {
	line, col int
	msg       string
}

// posErr carries a position out of the recursive definition parser.
type posErr struct{ posError }

func (e *posErr) Error() string { return e.msg }

func (s *Selectors) errors(errs []posError) error {
	slices.SortFunc(errs, func(a, b posError) int {
		if a.line != b.line {
			return a.line - b.line
		}
		return a.col - b.col
	})
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = fmt.Errorf("%s:%d:%d: %w: %s", s.path, e.line, e.col, ErrBadSelector, e.msg)
	}
	return errors.Join(out...)
}

// expandAliases copies n with every alias replaced by its anchor's node and every merge
// key ("<<: *base") folded into its mapping, so that selectors can share definitions
// through YAML anchors, as dbt documents, and the parser never sees an alias.
func expandAliases(n *yaml.Node, depth int) *yaml.Node {
	if n == nil || depth > 64 {
		return n
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return expandAliases(n.Alias, depth+1)
	}
	c := *n
	c.Content = nil
	if n.Kind != yaml.MappingNode {
		for _, x := range n.Content {
			c.Content = append(c.Content, expandAliases(x, depth+1))
		}
		return &c
	}
	var merged []*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], expandAliases(n.Content[i+1], depth+1)
		if k.Value == "<<" && k.Tag == "!!merge" {
			srcs := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				srcs = v.Content
			}
			for _, src := range srcs {
				if src.Kind == yaml.MappingNode {
					merged = append(merged, src.Content...)
				}
			}
			continue
		}
		seen[k.Value] = true
		c.Content = append(c.Content, k, v)
	}
	for i := 0; i+1 < len(merged); i += 2 {
		if !seen[merged[i].Value] {
			seen[merged[i].Value] = true
			c.Content = append(c.Content, merged[i], merged[i+1])
		}
	}
	return &c
}

func mapGet(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// spec builds the selection of a named selector.
func (s *Selectors) spec(name, mode string) (spec, error) {
	d := s.defs[name]
	if d == nil {
		return nil, fmt.Errorf("%w: no selector named %q (defined: %s)", ErrBadSelector, name, strings.Join(s.Names(), ", "))
	}
	sp, err := s.parseDef(name, mode)
	if err != nil {
		var pe *posErr
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d:%d: %w: selector %q: %s", s.path, pe.line, pe.col, ErrBadSelector, name, pe.msg)
		}
		return nil, err
	}
	return sp, nil
}

func (s *Selectors) parseDef(name, mode string) (spec, error) {
	p := &defParser{s: s, mode: mode, active: map[string]bool{name: true}}
	return p.parse(s.defs[name].node, true)
}

// defParser turns a YAML definition into a spec, following dbt's parse_from_definition.
type defParser struct {
	s      *Selectors
	mode   string
	active map[string]bool // selectors being expanded, to refuse reference cycles
}

func (p *defParser) errAt(n *yaml.Node, format string, a ...any) error {
	return &posErr{posError{n.Line, n.Column, fmt.Sprintf(format, a...)}}
}

func (p *defParser) parse(n *yaml.Node, root bool) (spec, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		// CLI-style: one term, or (as dbt 1.12 allows) several with the set operators.
		sp, err := parseUnion([]string{n.Value}, p.mode)
		if err == nil && sp == nil {
			err = fmt.Errorf("%w: empty selector string", ErrBadSelector)
		}
		if err != nil {
			return nil, p.errAt(n, "%s", err.Error())
		}
		if u := sp.(*setOp); len(u.parts) == 1 {
			if in := u.parts[0].(*setOp); len(in.parts) == 1 {
				return in.parts[0], nil
			}
		}
		return sp, nil
	case yaml.MappingNode:
		u, i := mapGet(n, "union"), mapGet(n, "intersection")
		if (u != nil || i != nil) && root && len(n.Content) > 2 {
			return nil, p.errAt(n, "only a single 'union' or 'intersection' key is allowed in a root level selector definition")
		}
		switch {
		case u != nil:
			return p.setOp(u, opUnion)
		case i != nil:
			return p.setOp(i, opIntersection)
		}
		return p.dict(n)
	}
	return nil, p.errAt(n, "expected a selector string, a union/intersection, or a method/value mapping")
}

// setOp parses the list of a union or intersection; one item may be {exclude: [...]},
// which is subtracted from the combination of the others.
func (p *defParser) setOp(list *yaml.Node, kind opKind) (spec, error) {
	if list.Kind != yaml.SequenceNode {
		return nil, p.errAt(list, "union and intersection take a list")
	}
	op := &setOp{kind: kind, indirect: p.mode}
	var exclude spec
	for _, item := range list.Content {
		if ex := mapGet(item, "exclude"); ex != nil && len(item.Content) == 2 {
			if exclude != nil {
				return nil, p.errAt(item, "only one exclude is allowed per union or intersection")
			}
			e, err := p.exclusions(ex)
			if err != nil {
				return nil, err
			}
			exclude = e
			continue
		}
		sp, err := p.parse(item, false)
		if err != nil {
			return nil, err
		}
		op.parts = append(op.parts, sp)
	}
	if exclude == nil {
		return op, nil
	}
	return &setOp{kind: opDifference, parts: []spec{op, exclude}, indirect: p.mode}, nil
}

// exclusions is the union of an exclude list.
func (p *defParser) exclusions(ex *yaml.Node) (spec, error) {
	if ex.Kind != yaml.SequenceNode {
		return nil, p.errAt(ex, "exclude takes a list")
	}
	u := &setOp{kind: opUnion, indirect: p.mode}
	for _, item := range ex.Content {
		sp, err := p.parse(item, false)
		if err != nil {
			return nil, err
		}
		u.parts = append(u.parts, sp)
	}
	return u, nil
}

// dict parses {method: value} shorthand or a full {method, value, parents, …} mapping.
func (p *defParser) dict(n *yaml.Node) (spec, error) {
	var methodN, valueN *yaml.Node
	var excl *yaml.Node
	opts := map[string]*yaml.Node{}
	if len(n.Content) == 2 && n.Content[0].Value != "method" {
		methodN, valueN = n.Content[0], n.Content[1]
	} else {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch k.Value {
			case "method":
				methodN = v
			case "value":
				valueN = v
			case "exclude":
				excl = v
			case "parents", "children", "childrens_parents", "parents_depth", "children_depth", "indirect_selection":
				opts[k.Value] = v
			default:
				return nil, p.errAt(k, "unknown key %q (expected method, value, parents, children, parents_depth, children_depth, childrens_parents, indirect_selection, exclude)", k.Value)
			}
		}
		if methodN == nil || valueN == nil {
			return nil, p.errAt(n, "expected either one key or else \"method\" and \"value\" keys")
		}
	}
	if valueN.Kind != yaml.ScalarNode {
		return nil, p.errAt(valueN, "the value of %q must be a string", methodN.Value)
	}
	method, value := methodN.Value, valueN.Value
	var base spec
	if method == "selector" {
		ref, err := p.reference(valueN)
		if err != nil {
			return nil, err
		}
		base = ref
	} else {
		raw := method + ":" + value
		c := &criterion{raw: raw, value: value, indirect: p.mode, parentsDepth: -1, childrenDepth: -1}
		if err := c.setMethod(method); err != nil {
			return nil, p.errAt(methodN, "%s", err.Error())
		}
		for k, v := range opts {
			if err := p.option(c, k, v); err != nil {
				return nil, err
			}
		}
		if c.childrensParents && c.parents {
			return nil, p.errAt(n, "childrens_parents and parents cannot be used together")
		}
		base = c
	}
	if excl == nil {
		return base, nil
	}
	e, err := p.exclusions(excl)
	if err != nil {
		return nil, err
	}
	return &setOp{kind: opDifference, parts: []spec{base, e}, indirect: p.mode}, nil
}

func (p *defParser) option(c *criterion, key string, v *yaml.Node) error {
	switch key {
	case "parents", "children", "childrens_parents":
		b, err := strconv.ParseBool(v.Value)
		if err != nil || v.Kind != yaml.ScalarNode {
			return p.errAt(v, "%s must be true or false, got %q", key, v.Value)
		}
		switch key {
		case "parents":
			c.parents = b
		case "children":
			c.children = b
		default:
			c.childrensParents = b
		}
	case "parents_depth", "children_depth":
		d, err := strconv.Atoi(v.Value)
		if err != nil || d < 0 || v.Kind != yaml.ScalarNode {
			return p.errAt(v, "%s must be a non-negative integer, got %q", key, v.Value)
		}
		if key == "parents_depth" {
			c.parentsDepth = d
		} else {
			c.childrenDepth = d
		}
	case "indirect_selection":
		if err := checkIndirect(v.Value); err != nil {
			return p.errAt(v, "%s", err.Error())
		}
		c.indirect = v.Value
	}
	return nil
}

// reference expands `method: selector, value: other` to the other selector's definition.
func (p *defParser) reference(v *yaml.Node) (spec, error) {
	d := p.s.defs[v.Value]
	if d == nil {
		return nil, p.errAt(v, "no selector named %q", v.Value)
	}
	if p.active[v.Value] {
		return nil, p.errAt(v, "selector %q refers to itself", v.Value)
	}
	p.active[v.Value] = true
	defer delete(p.active, v.Value)
	return p.parse(d.node, true)
}
