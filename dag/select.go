package dag

import (
	"fmt"
	"slices"

	"github.com/gdbt-dev/gdbt/manifest"
)

// SelectOptions is one command's selection: its --select/--exclude/--selector flags and
// what the state and result methods compare against.
type SelectOptions struct {
	// Select and Exclude are the raw flag values; each element may hold several
	// space-separated terms (union) and comma-joined terms (intersection).
	Select  []string
	Exclude []string
	// Selector names a YAML selector of Selectors (--selector); it wins over
	// Select/Exclude, as in dbt.
	Selector string
	// Selectors is the parsed selectors.yml; its default selector applies when
	// Select, Exclude and Selector are all empty.
	Selectors *Selectors
	// StateManifest is the --state manifest for state: selectors.
	StateManifest *manifest.Manifest
	// PreviousResults maps unique id to status ("success", "error", "fail", "warn",
	// "pass", "skipped") from the --state run_results.json, for result: selectors.
	PreviousResults map[string]string
	// Indirect is the --indirect-selection mode; "" means eager.
	Indirect string
	// ResourceTypes keeps only these resource types in the result (the command's
	// types, or --resource-type); empty keeps everything.
	ResourceTypes []string
	// IncludeDisabled keeps resources whose config has enabled: false.
	IncludeDisabled bool
	// Warn, when set, receives dbt's warning for each space-separated --select or
	// --exclude word that matches no enabled resource, e.g. "The selection criterion
	// 'tag:nighlty' does not match any enabled nodes".
	Warn func(msg string)
}

// selection is the state of one Select call.
type selection struct {
	g         *Graph
	opts      *SelectOptions
	macroMemo map[string]bool
	active    map[string]bool // selector: names being expanded
}

// Select returns the unique ids the options select in g, sorted. Selecting nothing is
// not an error (the caller prints "Nothing to do"); a malformed selector is, naming the
// bad term (errors.Is(err, ErrBadSelector)).
func Select(g *Graph, opts SelectOptions) ([]string, error) {
	set, err := selectSet(g, &opts)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, set.count())
	set.each(func(i int32) { out = append(out, g.ids[i]) })
	return out, nil
}

// Parse checks the syntax of --select/--exclude values without a graph, so the CLI can
// reject a bad flag before loading the project.
func Parse(args []string) error {
	_, err := parseUnion(args, IndirectEager)
	return err
}

func selectSet(g *Graph, opts *SelectOptions) (*bitset, error) {
	mode := opts.Indirect
	if mode == "" {
		mode = IndirectEager
	}
	if err := checkIndirect(mode); err != nil {
		return nil, err
	}
	x := &selection{g: g, opts: opts, macroMemo: map[string]bool{}}

	var root spec
	switch {
	case opts.Selector != "":
		if opts.Selectors == nil {
			return nil, fmt.Errorf("%w: --selector %q: no selectors.yml was loaded", ErrBadSelector, opts.Selector)
		}
		s, err := opts.Selectors.spec(opts.Selector, mode)
		if err != nil {
			return nil, err
		}
		root = s
	case len(opts.Select) == 0 && len(opts.Exclude) == 0 && opts.Selectors != nil && opts.Selectors.Default != "":
		s, err := opts.Selectors.spec(opts.Selectors.Default, mode)
		if err != nil {
			return nil, err
		}
		root = s
	default:
		inc, err := parseUnion(opts.Select, mode)
		if err != nil {
			return nil, err
		}
		exc, err := parseUnion(opts.Exclude, IndirectEager) // dbt: exclusion is always eager
		if err != nil {
			return nil, err
		}
		if inc == nil {
			inc = everything{}
		}
		root = inc
		if exc != nil {
			root = &setOp{kind: opDifference, parts: []spec{inc, exc}, indirect: mode}
		}
	}

	direct, _, err := x.eval(root)
	if err != nil {
		return nil, err
	}
	x.filter(direct)
	return direct, nil
}

func checkIndirect(mode string) error {
	switch mode {
	case IndirectEager, IndirectCautious, IndirectBuildable, IndirectEmpty:
		return nil
	}
	return fmt.Errorf("%w: indirect selection %q: expected eager, cautious, buildable or empty", ErrBadSelector, mode)
}

// everything is the selection when no --select is given: every resource (the caller
// narrows to its command's resource types).
type everything struct{}

func (everything) String() string { return "*" }

func (x *selection) anyEnabled(s *bitset) bool {
	found := false
	s.each(func(i int32) { found = found || x.g.items[i].enabled })
	return found
}

// filter drops disabled resources and other resource types.
func (x *selection) filter(s *bitset) {
	s.each(func(i int32) {
		it := &x.g.items[i]
		if (!x.opts.IncludeDisabled && !it.enabled) ||
			(len(x.opts.ResourceTypes) > 0 && !slices.Contains(x.opts.ResourceTypes, it.rt)) {
			s.unset(i)
		}
	})
}

// eval is dbt's select_nodes_recursively: every spec yields the nodes it selects
// directly and the tests it holds back as indirect candidates (cautious and buildable
// modes), and set operators combine both before re-admitting candidates whose parents
// all made it in.
func (x *selection) eval(s spec) (direct, indirect *bitset, err error) {
	n := len(x.g.ids)
	switch s := s.(type) {
	case everything:
		all := newBitset(n)
		for i := range n {
			all.set(int32(i))
		}
		return all, newBitset(n), nil
	case *criterion:
		return x.evalCriterion(s)
	case *setOp:
		var dAcc, iAcc *bitset
		for k, part := range s.parts {
			d, ind, err := x.eval(part)
			if err != nil {
				return nil, nil, err
			}
			ind.or(d) // dbt combines direct|indirect for the indirect side
			if k == 0 {
				dAcc, iAcc = d, ind
				continue
			}
			switch s.kind {
			case opUnion:
				dAcc.or(d)
				iAcc.or(ind)
			case opIntersection:
				dAcc.and(d)
				iAcc.and(ind)
			case opDifference:
				dAcc.andNot(d)
				iAcc.andNot(ind)
			}
		}
		if dAcc == nil {
			return newBitset(n), newBitset(n), nil
		}
		d := x.incorporate(dAcc, iAcc, s.indirect)
		if s.expect != "" && x.opts.Warn != nil && !x.anyEnabled(d) {
			x.opts.Warn(fmt.Sprintf("The selection criterion '%s' does not match any enabled nodes", s.expect))
		}
		return d, iAcc, nil
	}
	return nil, nil, fmt.Errorf("%w: unknown selection node %T", ErrBadSelector, s)
}

func (x *selection) evalCriterion(c *criterion) (direct, indirect *bitset, err error) {
	var collected *bitset
	if c.method == "selector" {
		collected, err = x.namedSelector(c)
	} else {
		collected, err = x.match(c)
	}
	if err != nil {
		return nil, nil, err
	}
	sel := collected.clone()
	g := x.g
	if c.parents {
		g.walk(sel, collected, g.parents, c.parentsDepth)
	}
	if c.children {
		g.walk(sel, collected, g.children, c.childrenDepth)
	}
	if c.childrensParents {
		desc := collected.clone()
		g.walk(desc, collected, g.children, -1)
		g.walk(sel, desc, g.parents, -1)
		sel.or(desc)
	}
	mode := c.indirect
	if mode == "" {
		mode = IndirectEager
	}
	if mode == IndirectEmpty {
		return sel, newBitset(len(g.ids)), nil
	}
	d, ind := x.expand(sel, mode)
	return d, ind, nil
}

// namedSelector is the selector: method (dbt 1.12): everything a YAML selector selects,
// to which the criterion's graph operators then apply.
func (x *selection) namedSelector(c *criterion) (*bitset, error) {
	if x.opts.Selectors == nil {
		return nil, fmt.Errorf("%w %q: no selectors.yml was loaded", ErrBadSelector, c.raw)
	}
	if x.active[c.value] {
		return nil, fmt.Errorf("%w %q: selector %q refers to itself", ErrBadSelector, c.raw, c.value)
	}
	mode := c.indirect
	if mode == "" {
		mode = IndirectEager
	}
	sp, err := x.opts.Selectors.spec(c.value, mode)
	if err != nil {
		return nil, err
	}
	if x.active == nil {
		x.active = map[string]bool{}
	}
	x.active[c.value] = true
	defer delete(x.active, c.value)
	d, _, err := x.eval(sp)
	return d, err
}

// walk adds to out everything reachable from the members of from along adj within
// depth steps (-1: unlimited), not counting the start nodes themselves.
func (g *Graph) walk(out, from *bitset, adj [][]int32, depth int) {
	if depth == 0 {
		return
	}
	seen := newBitset(len(g.ids))
	var frontier []int32
	from.each(func(i int32) { frontier = append(frontier, i); seen.set(i) })
	for step := 0; len(frontier) > 0 && (depth < 0 || step < depth); step++ {
		var next []int32
		for _, v := range frontier {
			for _, w := range adj[v] {
				if !seen.has(w) {
					seen.set(w)
					out.set(w)
					next = append(next, w)
				}
			}
		}
		frontier = next
	}
}

// expand is dbt's expand_selection: tests that are children of the selection join it
// directly (eager: any parent selected; cautious: all parents; buildable: all parents
// selected or ancestors of the selection) or wait as indirect candidates.
func (x *selection) expand(sel *bitset, mode string) (direct, indirect *bitset) {
	g := x.g
	direct = sel.clone()
	indirect = newBitset(len(g.ids))
	var buildable *bitset
	if mode == IndirectBuildable {
		buildable = x.selectedAndParents(sel)
	}
	sel.each(func(v int32) {
		for _, t := range g.children[v] {
			// dbt's can_select_indirectly: data tests and unit tests.
			if (g.items[t].rt != manifest.Test && g.items[t].rt != manifest.UnitTest) || direct.has(t) {
				continue
			}
			switch {
			case mode == IndirectEager || allIn(g.parents[t], sel):
				direct.set(t)
			case mode == IndirectBuildable && allIn(g.parents[t], buildable):
				direct.set(t)
			default:
				indirect.set(t)
			}
		}
	})
	return direct, indirect
}

// incorporate is dbt's incorporate_indirect_nodes: after a set operator, candidate tests
// whose parents are now all selected (cautious) or buildable join the selection.
func (x *selection) incorporate(direct, indirect *bitset, mode string) *bitset {
	if direct.equal(indirect) || (mode != IndirectCautious && mode != IndirectBuildable) {
		return direct
	}
	g := x.g
	ref := direct
	if mode == IndirectBuildable {
		ref = x.selectedAndParents(direct)
	}
	out := direct.clone()
	indirect.each(func(t int32) {
		if !direct.has(t) && g.items[t].node != nil && allIn(g.parents[t], ref) {
			out.set(t)
		}
	})
	return out
}

// selectedAndParents is the selection, all its ancestors and every source.
func (x *selection) selectedAndParents(sel *bitset) *bitset {
	g := x.g
	out := sel.clone()
	g.walk(out, sel, g.parents, -1)
	for i := range g.items {
		if g.items[i].src != nil {
			out.set(int32(i))
		}
	}
	return out
}

func allIn(ids []int32, s *bitset) bool {
	for _, i := range ids {
		if !s.has(i) {
			return false
		}
	}
	return true
}
