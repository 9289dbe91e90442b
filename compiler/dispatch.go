package compiler

import (
	"fmt"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// dispatch implements adapter.dispatch(macro_name, macro_namespace): for each package of the
// search order, it tries <adapter>__name along the dialect's dispatch chain, then
// default__name. The search order is the project's dispatch: config for the namespace when
// there is one, otherwise for a package's namespace the root project, that package, then the
// built-ins. Without a namespace, or with one that names no package, the render's flat macro
// namespace is searched (local, root, built-ins).
func (rs *renderState) dispatch(name, namespace string) (jinja.Value, error) {
	if name == "" {
		return nil, fmt.Errorf("adapter.dispatch() needs a macro name")
	}
	// core/dbt/context/providers.py BaseDatabaseWrapper.dispatch refuses a dotted name.
	if ns, short, ok := strings.Cut(name, "."); ok {
		return nil, fmt.Errorf("In adapter.dispatch, got a macro name of %q, but \".\" is not a valid macro name component. Did you mean `adapter.dispatch(%q, macro_namespace=%q)`?", name, short, ns)
	}
	prefixes := append(append([]string{}, rs.dialect().DispatchChain()...), "default")
	var searched []string
	try := func(pkg string) *macroDef {
		for _, pre := range prefixes {
			cand := pre + "__" + name
			var md *macroDef
			if pkg == "" {
				md = rs.flatMacro(cand)
				searched = append(searched, "'"+cand+"'")
			} else {
				md = rs.p.reg.get(pkg, cand)
				searched = append(searched, "'"+pkg+"."+cand+"'")
			}
			if md != nil {
				return md
			}
		}
		return nil
	}
	for _, pkg := range rs.p.searchOrder(namespace) {
		if md := try(pkg); md != nil {
			return rs.bind(md), nil
		}
	}
	ns := namespace
	if ns == "" {
		ns = "None"
	}
	return nil, fmt.Errorf("In dispatch: No macro named '%s' found within namespace: '%s'\n    Searched for: %s", name, ns, strings.Join(searched, ", "))
}

// flatMacro is a macro by bare name as the render sees it: local package, root, built-ins.
func (rs *renderState) flatMacro(name string) *macroDef {
	for _, pkg := range []string{rs.pkg, rs.p.root, builtinPkg} {
		if md := rs.p.reg.get(pkg, name); md != nil {
			return md
		}
	}
	return nil
}

// searchOrder is the package list dispatch walks for a namespace ("" means the flat
// namespace of the render).
func (p *projectImpl) searchOrder(namespace string) []string {
	if namespace == "" {
		return []string{""}
	}
	if order, ok := p.dispatchOrder[namespace]; ok {
		out := append([]string{}, order...)
		if namespace == builtinPkg || !contains(out, builtinPkg) {
			out = append(out, builtinPkg)
		}
		return uniqueStrings(out)
	}
	if namespace == builtinPkg {
		return []string{p.root, builtinPkg}
	}
	// A namespace that is neither configured nor a package is searched as no namespace at
	// all: the calling package, the root, the built-ins (core/dbt/context/providers.py
	// _get_search_packages returns [None] unless the namespace is in config.dependencies).
	if _, ok := p.pkgs[namespace]; !ok {
		return []string{""}
	}
	return uniqueStrings([]string{p.root, namespace, builtinPkg})
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func uniqueStrings(l []string) []string {
	seen := map[string]bool{}
	out := l[:0]
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
