package dag

import (
	"fmt"
	"path"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
)

// resourceTypes are the values resource_type: accepts (dbt's NodeType names).
var resourceTypes = map[string]bool{
	"model": true, "analysis": true, "test": true, "snapshot": true, "operation": true,
	"seed": true, "rpc": true, "sql_operation": true, "doc": true, "source": true,
	"macro": true, "exposure": true, "metric": true, "group": true, "saved_query": true,
	"semantic_model": true, "unit_test": true, "fixture": true,
}

// match returns the resources a criterion's method selects, before graph operators.
func (x *selection) match(c *criterion) (*bitset, error) {
	g := x.g
	out := newBitset(len(g.ids))
	each := func(keep func(it *item) bool) {
		for i := range g.items {
			if keep(&g.items[i]) {
				out.set(int32(i))
			}
		}
	}
	v := c.value
	switch c.method {
	case "fqn":
		fm := newFQNMatcher(v)
		each(func(it *item) bool {
			return it.rt != manifest.SourceRT && fm.match(it.fqn, it.node != nil && it.node.IsVersioned())
		})
	case "version":
		if !versionSelectors[v] {
			return nil, fmt.Errorf("%w %q: invalid version selector %q: expected one of \"latest\", \"prerelease\", \"old\" or \"none\"", ErrBadSelector, c.raw, v)
		}
		each(func(it *item) bool { return it.node != nil && it.rt == manifest.Model && versionMatch(it.node, v) })
	case "tag":
		gl := compileGlob(v)
		each(func(it *item) bool {
			for _, t := range it.tags {
				if gl.match(t) {
					return true
				}
			}
			return false
		})
	case "path":
		pat := compilePath(v)
		segs := g.pathSegments()
		i := 0
		each(func(it *item) bool {
			i++
			if pathMatches(pat, segs[i-1]) {
				return true
			}
			if _, p, ok := strings.Cut(it.patch, "://"); ok && pathMatches(pat, splitPath(p)) {
				return true
			}
			return false
		})
	case "file":
		gl := compileGlob(v)
		each(func(it *item) bool {
			base := path.Base(strings.ReplaceAll(it.ofp, "\\", "/"))
			return it.ofp != "" && (gl.match(base) || gl.match(strings.TrimSuffix(base, path.Ext(base))))
		})
	case "package":
		if v == "this" && g.m.Metadata.ProjectName != "" {
			v = g.m.Metadata.ProjectName
		}
		gl := compileGlob(v)
		each(func(it *item) bool { return gl.match(it.pkg) })
	case "config":
		each(func(it *item) bool { return configMatch(it, c.args, v) })
	case "group", "access":
		each(func(it *item) bool { return it.node != nil && configMatch(it, []string{c.method}, v) })
	case "resource_type":
		if !resourceTypes[v] {
			return nil, fmt.Errorf("%w %q: invalid resource_type %q", ErrBadSelector, c.raw, v)
		}
		each(func(it *item) bool { return it.rt == v })
	case "source":
		pkg, src, tbl := "*", "*", "*"
		switch p := strings.Split(v, "."); len(p) {
		case 1:
			src = p[0]
		case 2:
			src, tbl = p[0], p[1]
		case 3:
			pkg, src, tbl = p[0], p[1], p[2]
		default:
			return nil, fmt.Errorf("%w %q: sources are selected as source_name, source_name.table_name or package.source_name.table_name", ErrBadSelector, c.raw)
		}
		each(func(it *item) bool {
			return it.src != nil && fnmatch(it.pkg, pkg) && fnmatch(it.src.SourceName, src) && fnmatch(it.name, tbl)
		})
	case "exposure", "unit_test":
		// dbt's ExposureSelectorMethod and UnitTestSelectorMethod: name or package.name.
		pkg, name := "*", v
		switch p := strings.Split(v, "."); len(p) {
		case 1:
		case 2:
			pkg, name = p[0], p[1]
		default:
			return nil, fmt.Errorf("%w %q: %ss are selected as name or package.name", ErrBadSelector, c.raw, strings.ReplaceAll(c.method, "_", " "))
		}
		each(func(it *item) bool {
			if c.method == "unit_test" {
				return it.rt == manifest.UnitTest && fnmatch(it.pkg, pkg) && fnmatch(it.name, name)
			}
			return it.exp != nil && fnmatch(it.pkg, pkg) && fnmatch(it.name, name)
		})
	case "test_name":
		// dbt's TestNameSelectorMethod: a generic test's test name, or a unit test's name.
		each(func(it *item) bool {
			if it.node != nil && it.rt == manifest.UnitTest {
				return fnmatch(it.name, v)
			}
			return it.node != nil && it.rt == manifest.Test && it.node.TestMetadata != nil && fnmatch(it.node.TestMetadata.Name, v)
		})
	case "test_type":
		var generic, singular, unit bool
		switch v {
		case "unit":
			unit = true
		case "generic", "schema":
			generic = true
		case "singular":
			singular = true
		case "data": // dbt keeps "data" meaning both, for backwards compatibility
			generic, singular = true, true
		default:
			return nil, fmt.Errorf("%w %q: invalid test type %q: expected \"generic\", \"singular\", \"unit\", or \"data\"", ErrBadSelector, c.raw, v)
		}
		each(func(it *item) bool {
			if it.rt == manifest.UnitTest {
				return unit
			}
			if it.node == nil || it.rt != manifest.Test {
				return false
			}
			isGeneric := it.node.TestMetadata != nil
			return (generic && isGeneric) || (singular && !isGeneric)
		})
	case "result":
		if x.opts.PreviousResults == nil {
			return nil, fmt.Errorf("%w %q: result: needs the run_results.json of a previous run (--state)", ErrBadSelector, c.raw)
		}
		for id, status := range x.opts.PreviousResults {
			if status == v {
				if i, ok := g.idx[id]; ok {
					out.set(i)
				}
			}
		}
	case "state":
		return x.matchState(c)
	default:
		return nil, fmt.Errorf("%w %q: method %q is not supported", ErrBadSelector, c.raw, c.method)
	}
	return out, nil
}

// fqnMatcher is dbt's qualified-name match: the selector equals the resource's name, or
// it is a dotted prefix of the fqn (with or without the package name first), and from
// the first part holding a wildcard on, the rest of the fqn must fnmatch the rest of the
// selector ("marts.*", "instacart.staging.stg_?rders", "*.stg_*"). Note that, as in
// dbt, "stg_*" alone only matches resources directly in the resource folder.
type fqnMatcher struct {
	sel   string
	parts []string
	slurp int // index of the first part with a wildcard, -1 when none
	rest  glob
}

func newFQNMatcher(sel string) *fqnMatcher {
	f := &fqnMatcher{sel: sel, parts: strings.Split(sel, "."), slurp: -1}
	for i, p := range f.parts {
		if hasWildcard(p) {
			f.slurp = i
			f.rest = compileGlob(strings.Join(f.parts[i:], "."))
			break
		}
	}
	return f
}

func (f *fqnMatcher) match(fqn []string, versioned bool) bool {
	return f.matchFrom(fqn, versioned) || (len(fqn) > 1 && f.matchFrom(fqn[1:], versioned))
}

func (f *fqnMatcher) matchFrom(fqn []string, versioned bool) bool {
	if len(fqn) == 0 {
		return false
	}
	if versioned {
		if f.versionedLeaf(fqn) {
			return true
		}
	} else if fqn[len(fqn)-1] == f.sel {
		return true
	}
	// Dots inside fqn parts act as namespace separators too.
	flat := fqn
	for _, s := range fqn {
		if strings.Contains(s, ".") {
			flat = nil
			for _, s := range fqn {
				flat = append(flat, strings.Split(s, ".")...)
			}
			break
		}
	}
	if len(flat) < len(f.parts) {
		return false
	}
	for i, p := range f.parts {
		if i == f.slurp {
			return f.rest.match(strings.Join(flat[i:], "."))
		}
		if flat[i] != p {
			return false
		}
	}
	return true
}

// configMatch is dbt's config.<key>: method: descend the resolved config by the keys,
// then compare: a list matches when it holds the value, a scalar when it equals it;
// "true"/"false" (any case) match booleans, and severity compares case-insensitively.
func configMatch(it *item, keys []string, want string) bool {
	var cur any = it.config
	for _, k := range keys {
		var v any
		var ok bool
		switch m := cur.(type) {
		case map[string]any:
			v, ok = m[k]
		case map[string]string:
			v, ok = m[k]
		default:
			return false
		}
		if !ok {
			v, ok = defaultConfig(it, keys)
			if !ok {
				return false
			}
		}
		cur = v
	}
	eq := func(v any) bool {
		switch v := v.(type) {
		case string:
			if len(keys) == 1 && keys[0] == "severity" {
				return strings.EqualFold(v, want)
			}
			return v == want
		case bool:
			return (v && strings.EqualFold(want, "true")) || (!v && strings.EqualFold(want, "false"))
		}
		return false
	}
	switch l := cur.(type) {
	case []any:
		for _, v := range l {
			if eq(v) {
				return true
			}
		}
		return false
	case []string:
		for _, v := range l {
			if eq(v) {
				return true
			}
		}
		return false
	}
	return eq(cur)
}

// defaultConfig supplies the values dbt's config objects always carry even when the
// compiler left them out of the map, so config.materialized:view finds plain models.
func defaultConfig(it *item, keys []string) (any, bool) {
	if len(keys) != 1 {
		return nil, false
	}
	switch keys[0] {
	case "enabled":
		return true, true
	case "materialized":
		if it.node != nil {
			switch it.rt {
			case manifest.Model:
				return "view", true
			case manifest.Seed:
				return "seed", true
			case manifest.Test:
				return "test", true
			case manifest.Snapshot:
				return "snapshot", true
			}
		}
	case "severity":
		if it.rt == manifest.Test {
			return "ERROR", true
		}
	case "access":
		if it.rt == manifest.Model {
			return "protected", true
		}
	}
	return nil, false
}
