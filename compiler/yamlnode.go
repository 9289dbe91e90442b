package compiler

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// This file holds the yaml.v3 node helpers shared by the project, profile, package and
// property loaders: position-keeping decoding with errors as "file:line:col: message".

// parseYAMLDoc parses one YAML document into its root node (nil for an empty file). Syntax
// errors come back as *Error with the line yaml.v3 reports.
func parseYAMLDoc(file string, src []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, YAMLSyntaxError(file, src, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	if a := recursiveAlias(&doc, map[*yaml.Node]bool{}); a != nil {
		return nil, nodeErr(file, a, "invalid YAML: alias *%s refers to a node that contains it", a.Value)
	}
	return resolveAlias(doc.Content[0]), nil
}

// recursiveAlias finds an alias that points at one of its own ancestors (which would make
// every walk over the tree endless) and returns it, or nil.
func recursiveAlias(n *yaml.Node, ancestors map[*yaml.Node]bool) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil || ancestors[n.Alias] {
			return n
		}
		return nil
	}
	ancestors[n] = true
	defer delete(ancestors, n)
	for _, c := range n.Content {
		if a := recursiveAlias(c, ancestors); a != nil {
			return a
		}
	}
	return nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// YAMLSyntaxError converts a yaml.v3 parse error of file's src to a located *Error, so
// every YAML file gdbt reads (project, properties, profiles, packages, selectors) reports
// file:line:col the same way. yaml.v3 reports lines but not columns; the column is the
// line's first non-blank character, or a tab's for the commonest mistake.
func YAMLSyntaxError(file string, src []byte, err error) *Error {
	msg := err.Error()
	line, col := 1, 1
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		// yaml.v3 reports parser errors ("did not find expected …") at the 0-based line of
		// the construct being parsed, and scanner errors at the 1-based line of the problem.
		if strings.HasPrefix(msg, "did not find expected") {
			line++
		}
		lines := strings.Split(string(src), "\n")
		if line >= 1 && line-1 < len(lines) {
			text := lines[line-1]
			if i := strings.IndexByte(text, '\t'); i >= 0 && strings.Contains(msg, "tab") || strings.Contains(msg, "cannot start any token") && i >= 0 {
				col = i + 1
			} else if i := len(text) - len(strings.TrimLeft(text, " ")); i < len(text) {
				col = i + 1
			}
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	return &Error{File: file, Line: line, Col: col, Msg: "invalid YAML: " + msg}
}

// nodeErr is an *Error at n's position.
func nodeErr(file string, n *yaml.Node, format string, args ...any) *Error {
	e := Errorf(file, 0, 0, format, args...)
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	return e
}

// resolveAlias follows *anchor references.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// kv is one key/value pair of a mapping node.
type kv struct{ Key, Value *yaml.Node }

// mappingPairs lists the pairs of a mapping node in source order, expanding YAML merge keys
// (<<: *anchor); keys written explicitly override merged ones, as YAML specifies.
func mappingPairs(n *yaml.Node) []kv {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []kv
	var merged []kv
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		if k.Tag == "!!merge" || (k.Value == "<<" && k.Style == 0 && k.Tag != "!!str") {
			if v.Kind == yaml.SequenceNode {
				for _, x := range v.Content {
					merged = append(merged, mappingPairs(x)...)
				}
			} else {
				merged = append(merged, mappingPairs(v)...)
			}
			continue
		}
		out = append(out, kv{k, v})
	}
	// A key written twice: the last one wins, as in PyYAML (duplicateKeys warns about it).
	if len(out) > 1 {
		last := make(map[string]int, len(out))
		for i, p := range out {
			last[p.Key.Value] = i
		}
		if len(last) != len(out) {
			dedup := out[:0:0]
			for i, p := range out {
				if last[p.Key.Value] == i {
					dedup = append(dedup, p)
				}
			}
			out = dedup
		}
	}
	if len(merged) == 0 {
		return out
	}
	seen := map[string]bool{}
	for _, p := range out {
		seen[p.Key.Value] = true
	}
	for _, p := range merged {
		if !seen[p.Key.Value] {
			seen[p.Key.Value] = true
			out = append(out, p)
		}
	}
	return out
}

// duplicateKeys lists the keys written more than once in a mapping anywhere under n (the
// later occurrence), for a warning: yaml.v3 accepts them when parsing into nodes.
func duplicateKeys(n *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			seen := map[string]bool{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if seen[k] && k != "<<" {
					out = append(out, n.Content[i])
				}
				seen[k] = true
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return out
}

// kindName names a node kind for messages.
func kindName(n *yaml.Node) string {
	switch resolveAlias(n).Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return "a scalar (" + strconv.Quote(n.Value) + ")"
	}
	return "nothing"
}

// isNull reports an absent or explicit null value.
func isNull(n *yaml.Node) bool {
	n = resolveAlias(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// decoder decodes typed values out of nodes, collecting positioned errors instead of
// stopping at the first one.
type decoder struct {
	file string
	errs Errors
	// cfgKeys are the project file's config keys no resource type knows by name
	// (checkConfigTree), checked once the macros are known.
	cfgKeys []configKeyUse
}

func (d *decoder) fail(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, nodeErr(d.file, n, format, args...))
}

// str decodes a string scalar (numbers and booleans are taken as written).
func (d *decoder) str(n *yaml.Node) string {
	n = resolveAlias(n)
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(n, "expected a string, got %s", kindName(n))
		return ""
	}
	return n.Value
}

// scalar is str for values such as version that may be written as numbers.
func (d *decoder) scalar(n *yaml.Node) string { return d.str(n) }

func (d *decoder) integer(n *yaml.Node) int {
	n = resolveAlias(n)
	if isNull(n) {
		return 0
	}
	i, err := strconv.Atoi(strings.TrimSpace(n.Value))
	if n.Kind != yaml.ScalarNode || err != nil {
		d.fail(n, "expected an integer, got %s", kindName(n))
	}
	return i
}

func (d *decoder) boolean(n *yaml.Node) *bool {
	n = resolveAlias(n)
	if isNull(n) {
		return nil
	}
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		d.fail(n, "expected true or false, got %s", kindName(n))
		return nil
	}
	return &b
}

// strList decodes a string or a list of strings (dbt accepts both for paths, hooks, tags).
func (d *decoder) strList(n *yaml.Node) []string {
	n = resolveAlias(n)
	if isNull(n) {
		return []string{}
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, "expected a string or a list of strings, got %s", kindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, x := range n.Content {
		x = resolveAlias(x)
		if x.Kind != yaml.ScalarNode {
			d.fail(x, "expected a string, got %s", kindName(x))
			continue
		}
		out = append(out, x.Value)
	}
	return out
}

// mapping decodes a mapping into plain Go values (nil for null).
func (d *decoder) mapping(n *yaml.Node) map[string]any {
	n = resolveAlias(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, "expected a mapping, got %s", kindName(n))
		return nil
	}
	m, _ := d.any(n).(map[string]any)
	return m
}

// any decodes any node into plain Go values: map[string]any, []any, string, int, float64,
// bool, nil.
func (d *decoder) any(n *yaml.Node) any {
	n = resolveAlias(n)
	if n == nil {
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		d.fail(n, "%v", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil
	}
	return normalizeYAML(v)
}

// list decodes a sequence node's items (a null is an empty list).
func (d *decoder) list(n *yaml.Node, what string) []*yaml.Node {
	n = resolveAlias(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, "%s must be a list, got %s", what, kindName(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		out[i] = resolveAlias(x)
	}
	return out
}

func (d *decoder) dispatch(n *yaml.Node) []Dispatch {
	var out []Dispatch
	for _, item := range d.list(n, "dispatch") {
		var dp Dispatch
		for _, p := range mappingPairs(item) {
			switch p.Key.Value {
			case "macro_namespace":
				dp.MacroNamespace = d.str(p.Value)
			case "search_order":
				dp.SearchOrder = d.strList(p.Value)
			default:
				d.fail(p.Key, "unknown key %q in dispatch entry", p.Key.Value)
			}
		}
		out = append(out, dp)
	}
	return out
}

// normalizeYAML turns map[any]any (non-string keys) into map[string]any, recursively.
func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeYAML(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalizeYAML(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = normalizeYAML(e)
		}
		return x
	}
	return v
}
