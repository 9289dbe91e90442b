package dag

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Indirect selection modes (dbt's --indirect-selection): how tests follow the nodes
// they test into a selection.
const (
	// IndirectEager selects a test when any of its parents is selected (dbt's default).
	IndirectEager = "eager"
	// IndirectCautious selects a test only when all of its parents are selected.
	IndirectCautious = "cautious"
	// IndirectBuildable selects a test when each parent is selected or an ancestor of a
	// selected node.
	IndirectBuildable = "buildable"
	// IndirectEmpty never adds tests that were not selected directly.
	IndirectEmpty = "empty"
)

// ErrBadSelector is matched (errors.Is) by every error about a malformed selection.
var ErrBadSelector = errors.New("invalid selector")

// spec is a node of a parsed selection: a *criterion or a *setOp.
type spec interface{ String() string }

// criterion is one selection term such as "2+tag:nightly+" or "@config.materialized:table".
type criterion struct {
	raw              string
	method           string   // "fqn", "tag", "config", …
	args             []string // config.meta.owner -> ["meta", "owner"]
	value            string
	parents          bool
	parentsDepth     int // -1: unlimited
	children         bool
	childrenDepth    int
	childrensParents bool
	indirect         string // "" inherits the selection's mode
}

func (c *criterion) String() string { return c.raw }

type opKind int

const (
	opUnion opKind = iota
	opIntersection
	opDifference
)

// setOp combines its parts: union, intersection, or difference (parts[0] minus the rest).
type setOp struct {
	kind     opKind
	parts    []spec
	indirect string
	// expect is the raw word of a CLI intersection: selecting nothing with it earns the
	// warning dbt prints ("does not match any enabled nodes").
	expect string
}

func (s *setOp) String() string {
	sep := map[opKind]string{opUnion: " ", opIntersection: ",", opDifference: " --exclude "}[s.kind]
	p := make([]string, len(s.parts))
	for i, x := range s.parts {
		p[i] = x.String()
	}
	return strings.Join(p, sep)
}

// methods is every method name the grammar accepts; the ones gdbt cannot answer yet are
// refused with a message naming them rather than silently selecting nothing.
var methods = map[string]bool{
	"fqn": true, "tag": true, "path": true, "file": true, "package": true, "config": true,
	"resource_type": true, "source": true, "test_type": true, "test_name": true,
	"exposure": true, "result": true, "state": true, "group": true, "access": true,
	"selector": true, "version": true, "unit_test": true,
}

// unsupportedMethods are dbt methods for resources gdbt does not have.
var unsupportedMethods = map[string]bool{
	"metric": true, "semantic_model": true, "saved_query": true,
	"source_status": true, "wildcard": true,
}

var rawSelector = regexp.MustCompile(`^(@)?((\d*)\+)?(([\w.]+):)?(.*?)(\+(\d*))?$`)

// parseCriterion parses one term of the CLI grammar, with dbt's regular expression:
// optional '@', optional "[n]+" prefix, optional "method[.arg…]:", the value, optional
// "+[n]" suffix. Without a method, a value with a path separator means path:, one ending
// in .sql/.py/.csv means file:, anything else fqn:.
func parseCriterion(raw, indirect string) (*criterion, error) {
	m := rawSelector.FindStringSubmatch(raw)
	if m == nil || m[6] == "" {
		return nil, fmt.Errorf("%w %q: no value to select", ErrBadSelector, raw)
	}
	c := &criterion{raw: raw, value: m[6], indirect: indirect, parentsDepth: -1, childrenDepth: -1}
	c.childrensParents = m[1] != ""
	if m[2] != "" {
		c.parents = true
		if m[3] != "" {
			d, err := strconv.Atoi(m[3])
			if err != nil {
				return nil, fmt.Errorf("%w %q: bad parents depth %q", ErrBadSelector, raw, m[3])
			}
			c.parentsDepth = d
		}
	}
	if m[7] != "" {
		c.children = true
		if m[8] != "" {
			d, err := strconv.Atoi(m[8])
			if err != nil {
				return nil, fmt.Errorf("%w %q: bad children depth %q", ErrBadSelector, raw, m[8])
			}
			c.childrenDepth = d
		}
	}
	if c.childrensParents && c.parents {
		return nil, fmt.Errorf("%w %q: \"@\" and a \"+\" prefix cannot be used together", ErrBadSelector, raw)
	}
	method := m[5]
	if method == "" {
		method = defaultMethod(c.value)
	}
	if err := c.setMethod(method); err != nil {
		return nil, err
	}
	return c, nil
}

// setMethod splits "config.meta.owner" into the method and its arguments and checks it.
func (c *criterion) setMethod(method string) error {
	parts := strings.Split(method, ".")
	c.method, c.args = parts[0], parts[1:]
	switch {
	case unsupportedMethods[c.method]:
		return fmt.Errorf("%w %q: method %q is not supported by gdbt", ErrBadSelector, c.raw, c.method)
	case !methods[c.method]:
		return fmt.Errorf("%w %q: %q is not a valid method name (valid: %s)",
			ErrBadSelector, c.raw, c.method, strings.Join(slices.Sorted(maps.Keys(methods)), ", "))
	case c.method == "config" && len(c.args) == 0:
		return fmt.Errorf("%w %q: config needs a key, as in config.materialized:table", ErrBadSelector, c.raw)
	case c.method != "config" && len(c.args) > 0:
		return fmt.Errorf("%w %q: method %q takes no arguments", ErrBadSelector, c.raw, c.method)
	}
	return nil
}

func defaultMethod(v string) string {
	switch {
	case strings.ContainsAny(v, `/\`):
		return "path"
	case hasSuffixFold(v, ".sql"), hasSuffixFold(v, ".py"), hasSuffixFold(v, ".csv"):
		return "file"
	}
	return "fqn"
}

func hasSuffixFold(s, suf string) bool {
	return len(s) >= len(suf) && strings.EqualFold(s[len(s)-len(suf):], suf)
}

// parseUnion parses CLI arguments the way dbt does: each argument is split on spaces
// (union), each space-separated word on commas (intersection). It returns nil when the
// arguments hold no term at all.
func parseUnion(args []string, indirect string) (spec, error) {
	u := &setOp{kind: opUnion, indirect: indirect}
	for _, arg := range args {
		for word := range strings.FieldsSeq(arg) {
			in := &setOp{kind: opIntersection, indirect: indirect, expect: word}
			for part := range strings.SplitSeq(word, ",") {
				if part == "" {
					return nil, fmt.Errorf("%w %q: empty term between commas", ErrBadSelector, word)
				}
				c, err := parseCriterion(part, indirect)
				if err != nil {
					return nil, err
				}
				in.parts = append(in.parts, c)
			}
			u.parts = append(u.parts, in)
		}
	}
	if len(u.parts) == 0 {
		return nil, nil
	}
	return u, nil
}
