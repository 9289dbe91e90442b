package compiler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
)

// refable reports whether ref() can name a node of this type.
func refable(rt string) bool {
	return rt == manifest.Model || rt == manifest.Seed || rt == manifest.Snapshot
}

// addNodes puts parsed nodes into the manifest: disabled nodes are left out, duplicate
// names of refable nodes in one package are errors.
func (p *projectImpl) addNodes(m *manifest.Manifest, nodes []*parsedNode) Errors {
	var errs Errors
	sort.SliceStable(nodes, func(i, j int) bool { return nodes[i].file < nodes[j].file })
	seen := map[string]*parsedNode{}
	for _, pn := range nodes {
		n := pn.n
		if !n.Enabled() {
			p.disabled[n.UniqueID] = true
			continue
		}
		key := n.UniqueID
		if refable(n.ResourceType) {
			key = "ref." + n.PackageName + "." + n.SearchName()
		}
		if old, ok := seen[key]; ok {
			errs = append(errs, Errorf(pn.file, 1, 1, "dbt found two %ss with the name %q: %s and %s", n.ResourceType, n.Name, old.file, pn.file))
			continue
		}
		seen[key] = pn
		m.Nodes[n.UniqueID] = n
		p.srcs[n.UniqueID] = &nodeSource{tmpl: pn.tmpl, blk: pn.blk, file: pn.file, src: pn.src}
	}
	return errs
}

// indexNodes builds the by-name lookup ref() uses.
func (p *projectImpl) indexNodes(m *manifest.Manifest) {
	p.byName = map[string][]*manifest.Node{}
	for _, n := range m.Nodes {
		if refable(n.ResourceType) {
			p.byName[n.Name] = append(p.byName[n.Name], n)
		}
	}
	for _, l := range p.byName {
		sort.Slice(l, func(i, j int) bool { return l[i].UniqueID < l[j].UniqueID })
	}
	p.sources = map[string][]*manifest.Source{}
	for _, s := range m.Sources {
		k := s.SourceName + "." + s.Name
		p.sources[k] = append(p.sources[k], s)
	}
}

// resolveRef finds the node a ref names: package-qualified, else the caller's package, then
// the root project, then any package (ambiguity is an error).
func (p *projectImpl) resolveRef(fromPkg string, ra manifest.RefArgs) (*manifest.Node, error) {
	cands, err := pickVersion(ra, p.byName[ra.Name])
	if err != nil {
		return nil, err
	}
	if ra.Package != "" {
		for _, n := range cands {
			if n.PackageName == ra.Package {
				return n, nil
			}
		}
		return nil, p.refNotFound(ra)
	}
	for _, pkg := range []string{fromPkg, p.root} {
		for _, n := range cands {
			if n.PackageName == pkg {
				return n, nil
			}
		}
	}
	if len(cands) == 1 {
		return cands[0], nil
	}
	if len(cands) > 1 {
		return nil, fmt.Errorf("ref('%s') is ambiguous: it names nodes in packages %s; use ref('<package>', '%s')", ra.Name, pkgList(cands), ra.Name)
	}
	return nil, p.refNotFound(ra)
}

func pkgList(ns []*manifest.Node) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.PackageName)
	}
	return strings.Join(out, ", ")
}

func (p *projectImpl) refNotFound(ra manifest.RefArgs) error {
	what := "'" + ra.Name + "'"
	if ra.Package != "" {
		what = "'" + ra.Package + "." + ra.Name + "'"
	}
	if ra.Version != nil {
		what += fmt.Sprintf(" (version %v)", ra.Version)
	}
	msg := "ref(" + what + ") names a node which was not found"
	names := make([]string, 0, len(p.byName))
	for k := range p.byName {
		names = append(names, k)
	}
	if s := suggest(ra.Name, names); s != "" {
		msg += "; did you mean '" + s + "'?"
	}
	return fmt.Errorf("%s", msg)
}

// resolveSource finds source(src, tbl): the caller's package first, then the root, then any.
func (p *projectImpl) resolveSource(fromPkg, src, tbl string) (*manifest.Source, error) {
	cands := p.sources[src+"."+tbl]
	for _, pkg := range []string{fromPkg, p.root} {
		for _, s := range cands {
			if s.PackageName == pkg {
				return s, nil
			}
		}
	}
	if len(cands) > 0 {
		return cands[0], nil
	}
	msg := fmt.Sprintf("source('%s', '%s') names a source which was not found", src, tbl)
	names := make([]string, 0, len(p.sources))
	for k := range p.sources {
		names = append(names, k)
	}
	if s := suggest(src+"."+tbl, names); s != "" {
		msg += "; did you mean '" + s + "'?"
	}
	return nil, fmt.Errorf("%s", msg)
}

// suggest returns the closest name within an edit distance of a third of the length.
func suggest(name string, names []string) string {
	best, bestD := "", len(name)/3+2
	sort.Strings(names)
	for _, n := range names {
		if d := editDistance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// resolveDeps turns each node's captured refs and sources into depends_on, reporting
// unknown names at the call's position.
func (p *projectImpl) resolveDeps(m *manifest.Manifest, nodes []*parsedNode) Errors {
	var errs Errors
	for _, pn := range nodes {
		n := pn.n
		if m.Nodes[n.UniqueID] != n {
			continue
		}
		p.warnDeprecatedModel(n)
		deps := map[string]bool{}
		for _, d := range n.DependsOn.Nodes {
			deps[d] = true
		}
		for _, rc := range pn.refs {
			n.Refs = append(n.Refs, rc.args)
			t, err := p.resolveRef(n.PackageName, rc.args)
			if err != nil {
				if cause := p.unparsedRef(n.PackageName, rc.args); cause != nil {
					p.warn(p.posErr(pn.src, rc.file, rc.pos, n, fmt.Errorf("not checked: ref('%s') names a node that failed to parse (%s:%d:%d)", rc.args.Name, cause.File, cause.Line, cause.Col)).Error())
					continue
				}
				errs = append(errs, p.posErr(pn.src, rc.file, rc.pos, n, err))
				continue
			}
			deps[t.UniqueID] = true
			p.warnDeprecatedRef(n, t, pn.src, rc)
		}
		for _, sc := range pn.sources {
			n.Sources = append(n.Sources, []string{sc.source, sc.table})
			s, err := p.resolveSource(n.PackageName, sc.source, sc.table)
			if err != nil {
				errs = append(errs, p.posErr(pn.src, sc.file, sc.pos, n, err))
				continue
			}
			deps[s.UniqueID] = true
		}
		n.DependsOn.Nodes = sortedSet(deps)
		md := map[string]bool{}
		for _, x := range n.DependsOn.Macros {
			md[x] = true
		}
		for _, x := range pn.macros {
			md[x] = true
		}
		n.DependsOn.Macros = sortedSet(md)
	}
	return errs
}

// unparsedRef is the parse error of the model or seed a ref names when that node's file
// failed to parse (the caller's package, the root, then any package), else nil. dbt stops
// at the first parse error; gdbt reports every file's, so the refs to a node that never
// parsed are its consequence and not "not found" errors of their own.
func (p *projectImpl) unparsedRef(fromPkg string, ra manifest.RefArgs) *Error {
	if ra.Package != "" {
		return p.unparsed[ra.Package+"."+ra.Name]
	}
	for _, pkg := range []string{fromPkg, p.root} {
		if e := p.unparsed[pkg+"."+ra.Name]; e != nil {
			return e
		}
	}
	keys := make([]string, 0, len(p.unparsed))
	for k := range p.unparsed {
		if strings.HasSuffix(k, "."+ra.Name) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		return p.unparsed[keys[0]]
	}
	return nil
}

// posErr positions an error at byte offset pos of the node's file (when the call was in
// that file) or at the file named by the call.
func (p *projectImpl) posErr(src, file string, pos int, n *manifest.Node, err error) *Error {
	l, c := lineCol(src, pos)
	if file == "" {
		file = n.OriginalFilePath
	}
	return Errorf(file, l, c, "%s %s: %v", n.ResourceType, n.Name, err)
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// buildMaps fills parent_map and child_map from depends_on.
func buildMaps(m *manifest.Manifest) {
	m.ParentMap = map[string][]string{}
	m.ChildMap = map[string][]string{}
	for id := range m.Nodes {
		m.ParentMap[id] = []string{}
		m.ChildMap[id] = []string{}
	}
	for id := range m.Sources {
		m.ParentMap[id] = []string{}
		m.ChildMap[id] = []string{}
	}
	for id := range m.Exposures {
		m.ParentMap[id] = []string{}
		m.ChildMap[id] = []string{}
	}
	for id := range m.UnitTests { // dbt 1.8+ maps unit tests too
		m.ParentMap[id] = []string{}
		m.ChildMap[id] = []string{}
	}
	add := func(id string, deps []string) {
		for _, d := range deps {
			if _, ok := m.ChildMap[d]; !ok {
				continue
			}
			m.ParentMap[id] = append(m.ParentMap[id], d)
			m.ChildMap[d] = append(m.ChildMap[d], id)
		}
	}
	for id, n := range m.Nodes {
		add(id, n.DependsOn.Nodes)
	}
	for id, e := range m.Exposures {
		add(id, e.DependsOn.Nodes)
	}
	for id, u := range m.UnitTests {
		add(id, u.DependsOn.Nodes)
	}
	for _, l := range m.ParentMap {
		sort.Strings(l)
	}
	for _, l := range m.ChildMap {
		sort.Strings(l)
	}
}

// findCycles reports every dependency cycle once, as a path, at the first node's file.
func findCycles(m *manifest.Manifest, p *projectImpl) Errors {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var errs Errors
	ids := make([]string, 0, len(m.Nodes))
	for id := range m.Nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var visit func(id string)
	visit = func(id string) {
		color[id] = grey
		stack = append(stack, id)
		for _, d := range m.ParentMap[id] {
			if _, isNode := m.Nodes[d]; !isNode {
				continue
			}
			switch color[d] {
			case grey:
				i := len(stack) - 1
				for i >= 0 && stack[i] != d {
					i--
				}
				cyc := append(append([]string{}, stack[i:]...), d)
				n := m.Nodes[d]
				errs = append(errs, Errorf(n.OriginalFilePath, 1, 1, "found a cycle: %s", strings.Join(cyc, " --> ")))
			case white:
				visit(d)
			}
		}
		stack = stack[:len(stack)-1]
		color[id] = black
	}
	for _, id := range ids {
		if color[id] == white {
			visit(id)
		}
	}
	return errs
}

// graphValue is {{ graph }}: nodes, sources and exposures as dicts, built once per project
// after loading (empty while parsing, as dbt's parse-time graph is).
func (p *projectImpl) graphValue() jinja.Value {
	if p.proj == nil || p.proj.Manifest == nil || p.frozen == nil {
		return jinja.FromGo(map[string]any{"nodes": map[string]any{}, "sources": map[string]any{}, "exposures": map[string]any{}, "metrics": map[string]any{}, "groups": map[string]any{}, "semantic_models": map[string]any{}, "saved_queries": map[string]any{}})
	}
	p.graphOnce.Do(func() {
		m := p.proj.Manifest
		conv := func(v any) any {
			if t := jsonTree(v); t != nil {
				return t
			}
			return map[string]any{}
		}
		nodes := conv(p.frozen)
		if nm, ok := nodes.(map[string]any); ok {
			for id, n := range p.frozen {
				if d, ok := nm[id].(map[string]any); ok {
					versionFields(d, n)
					dbtNodeKeys(d, n)
				}
			}
		}
		sources := conv(m.Sources)
		if sm, ok := sources.(map[string]any); ok {
			for _, s := range sm {
				if d, ok := s.(map[string]any); ok {
					dbtSourceKeys(d)
				}
			}
		}
		p.graph = jinja.FromGo(map[string]any{
			"nodes": nodes, "sources": sources, "exposures": conv(m.Exposures),
			"metrics": map[string]any{}, "groups": map[string]any{}, "semantic_models": map[string]any{}, "saved_queries": map[string]any{},
		})
	})
	return p.graph
}

// checkRelationUniqueness rejects two enabled models, seeds or snapshots (ephemeral models
// included) that would build the same database relation: the last one built would silently
// replace the other. dbt-core: core/dbt/parser/manifest.py _check_resource_uniqueness and
// AmbiguousAliasError in core/dbt/exceptions.py. The error is placed at the file that sorts
// second, and names both.
func (p *projectImpl) checkRelationUniqueness(m *manifest.Manifest) Errors {
	ids := make([]string, 0, len(m.Nodes))
	for id, n := range m.Nodes {
		if refable(n.ResourceType) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := m.Nodes[ids[i]], m.Nodes[ids[j]]
		if a.OriginalFilePath != b.OriginalFilePath {
			return a.OriginalFilePath < b.OriginalFilePath
		}
		return a.UniqueID < b.UniqueID
	})
	var errs Errors
	seen := map[string]*manifest.Node{}
	for _, id := range ids {
		n := m.Nodes[id]
		name := newRelation(p.dialect, n.Database, n.Schema, n.Alias, "table").render()
		key := n.Database + "\x00" + name // an offline rendering may leave the database out
		old, dup := seen[key]
		if !dup {
			seen[key] = n
			continue
		}
		file := n.OriginalFilePath
		if ns := p.srcs[n.UniqueID]; ns != nil && ns.file != "" {
			file = ns.file
		}
		errs = append(errs, Errorf(file, 1, 1,
			"dbt found two resources with the database representation %s; dbt cannot create two resources with identical database representations. To fix this, change the configuration (alias, schema or database) of one of these resources:\n- %s (%s)\n- %s (%s)",
			name, old.UniqueID, old.OriginalFilePath, n.UniqueID, n.OriginalFilePath))
	}
	return errs
}
