package dag

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/gdbt-dev/gdbt/manifest"
)

// matchState answers state:new, state:old, state:modified (and .body, .configs,
// .relation, .macros, .persisted_descriptions, .contract) and state:unmodified by
// comparing each resource with the same unique id in the --state manifest.
func (x *selection) matchState(c *criterion) (*bitset, error) {
	old := x.opts.StateManifest
	if old == nil {
		return nil, fmt.Errorf("%w %q: state: needs a comparison manifest (--state dir with a manifest.json)", ErrBadSelector, c.raw)
	}
	type check func(g *Graph, i int32) bool
	checks := map[string]check{
		"new":                             func(g *Graph, i int32) bool { return !existsIn(old, g.ids[i]) },
		"old":                             func(g *Graph, i int32) bool { return existsIn(old, g.ids[i]) },
		"modified":                        func(g *Graph, i int32) bool { return x.modified(i, true) },
		"unmodified":                      func(g *Graph, i int32) bool { return !x.modified(i, true) },
		"modified.body":                   func(g *Graph, i int32) bool { return x.differsNode(i, sameBody) },
		"modified.configs":                func(g *Graph, i int32) bool { return x.differs(i, sameConfig) },
		"modified.relation":               func(g *Graph, i int32) bool { return x.differs(i, sameRelation) },
		"modified.persisted_descriptions": func(g *Graph, i int32) bool { return x.differsNode(i, sameDescriptions) },
		"modified.contract":               func(g *Graph, i int32) bool { return x.differsNode(i, sameContract) },
		"modified.macros":                 func(g *Graph, i int32) bool { return x.macrosModified(i) },
	}
	f, ok := checks[c.value]
	if !ok {
		return nil, fmt.Errorf("%w %q: unknown state selector %q (new, old, modified, unmodified, modified.body, modified.configs, modified.relation, modified.macros, modified.persisted_descriptions, modified.contract)", ErrBadSelector, c.raw, c.value)
	}
	out := newBitset(len(x.g.ids))
	for i := range x.g.ids {
		if f(x.g, int32(i)) {
			out.set(int32(i))
		}
	}
	return out, nil
}

func existsIn(m *manifest.Manifest, id string) bool {
	if _, ok := m.Nodes[id]; ok {
		return true
	}
	if _, ok := m.Sources[id]; ok {
		return true
	}
	_, ok := m.Exposures[id]
	return ok
}

// pair is a resource now and in the state manifest (the old side nil when it is new).
type pair struct{ newIt, oldIt *item }

func (x *selection) pairOf(i int32) pair {
	it := &x.g.items[i]
	id := x.g.ids[i]
	old := x.opts.StateManifest
	p := pair{newIt: it}
	if n, ok := old.Nodes[id]; ok && n != nil {
		p.oldIt = &item{rt: n.ResourceType, fqn: n.FQN, config: n.Config, node: n}
	} else if s, ok := old.Sources[id]; ok && s != nil {
		p.oldIt = &item{rt: manifest.SourceRT, fqn: s.FQN, config: s.Config, src: s}
	} else if e, ok := old.Exposures[id]; ok && e != nil {
		p.oldIt = &item{rt: manifest.ExposureRT, fqn: e.FQN, config: e.Config, exp: e}
	}
	return p
}

// differs reports a new resource, or one whose comparison says it changed.
func (x *selection) differs(i int32, same func(pair) bool) bool {
	p := x.pairOf(i)
	return p.oldIt == nil || !same(p)
}

// differsNode is differs for comparisons only nodes have (body, contract, persisted
// descriptions): sources and exposures never match them, as in dbt.
func (x *selection) differsNode(i int32, same func(pair) bool) bool {
	return x.g.items[i].node != nil && x.differs(i, same)
}

// modified is dbt's state:modified: new, or any of body, configs, relation, fqn,
// persisted descriptions or contract changed, or (withMacros) a macro it calls changed.
func (x *selection) modified(i int32, withMacros bool) bool {
	p := x.pairOf(i)
	if p.oldIt == nil {
		return true
	}
	if !sameBody(p) || !sameConfig(p) || !sameRelation(p) || !sameDescriptions(p) ||
		!sameContract(p) || !jsonEqual(p.newIt.fqn, p.oldIt.fqn) {
		return true
	}
	if p.newIt.src != nil && !sameSource(p) {
		return true
	}
	if p.newIt.exp != nil && !sameExposure(p) {
		return true
	}
	return withMacros && x.macrosModified(i)
}

func sameBody(p pair) bool {
	n, o := p.newIt.node, p.oldIt.node
	if n == nil || o == nil {
		return true // sources and exposures have no body
	}
	if n.Checksum.Checksum != "" || o.Checksum.Checksum != "" {
		return n.Checksum == o.Checksum
	}
	return n.RawCode == o.RawCode
}

// sameConfig compares the unrendered configs when both sides have them (dbt's rule, so a
// target switch between dev and prod doesn't mark everything modified), else the
// resolved ones.
func sameConfig(p pair) bool {
	n, o := p.newIt.node, p.oldIt.node
	if n != nil && o != nil && (len(n.UnrenderedConfig) > 0 || len(o.UnrenderedConfig) > 0) {
		return jsonEqual(n.UnrenderedConfig, o.UnrenderedConfig)
	}
	return jsonEqual(p.newIt.config, p.oldIt.config)
}

// sameRelation compares where the resource lives as configured (database, schema,
// alias) in the unrendered config, as dbt does.
func sameRelation(p pair) bool {
	n, o := p.newIt.node, p.oldIt.node
	if n == nil || o == nil {
		return true
	}
	for _, k := range []string{"database", "schema", "alias"} {
		if !jsonEqual(n.UnrenderedConfig[k], o.UnrenderedConfig[k]) {
			return false
		}
	}
	return true
}

// sameDescriptions matters only when persist_docs is on, as in dbt.
func sameDescriptions(p pair) bool {
	n, o := p.newIt.node, p.oldIt.node
	if n == nil || o == nil {
		return true
	}
	pd, _ := n.Config["persist_docs"].(map[string]any)
	if len(pd) == 0 {
		return true
	}
	if b, _ := pd["relation"].(bool); b && n.Description != o.Description {
		return false
	}
	if b, _ := pd["columns"].(bool); b {
		if len(n.Columns) != len(o.Columns) {
			return false
		}
		for k, c := range n.Columns {
			oc, ok := o.Columns[k]
			if !ok || c == nil || oc == nil || c.Description != oc.Description {
				return false
			}
		}
	}
	return true
}

// sameContract compares the contract config and, when enforced, the column types.
func sameContract(p pair) bool {
	n, o := p.newIt.node, p.oldIt.node
	if n == nil || o == nil {
		return true
	}
	if !jsonEqual(n.Config["contract"], o.Config["contract"]) {
		return false
	}
	c, _ := n.Config["contract"].(map[string]any)
	if b, _ := c["enforced"].(bool); !b {
		return true
	}
	for k, col := range n.Columns {
		oc, ok := o.Columns[k]
		if !ok || col == nil || oc == nil || col.DataType != oc.DataType {
			return false
		}
	}
	return len(n.Columns) == len(o.Columns)
}

func sameSource(p pair) bool {
	n, o := p.newIt.src, p.oldIt.src
	if o == nil {
		return false
	}
	return n.Database == o.Database && n.Schema == o.Schema && n.Identifier == o.Identifier &&
		n.Loader == o.Loader && n.LoadedAtField == o.LoadedAtField && jsonEqual(n.Freshness, o.Freshness) &&
		n.ExternalLocation == o.ExternalLocation
}

func sameExposure(p pair) bool {
	n, o := p.newIt.exp, p.oldIt.exp
	if o == nil {
		return false
	}
	return n.Type == o.Type && n.URL == o.URL && n.Maturity == o.Maturity && n.Description == o.Description &&
		jsonEqual(n.Owner, o.Owner) && jsonEqual(n.DependsOn.Nodes, o.DependsOn.Nodes)
}

// macrosModified reports whether a macro the resource calls, directly or through other
// macros, is new or has a different body in the state manifest.
func (x *selection) macrosModified(i int32) bool {
	n := x.g.items[i].node
	if n == nil {
		return false
	}
	for _, m := range n.DependsOn.Macros {
		if x.macroChanged(m) {
			return true
		}
	}
	return false
}

func (x *selection) macroChanged(id string) bool {
	if v, ok := x.macroMemo[id]; ok {
		return v
	}
	x.macroMemo[id] = false // breaks recursion cycles between macros
	cur := x.g.m.Macros[id]
	old := x.opts.StateManifest.Macros[id]
	changed := false
	switch {
	case cur == nil:
		changed = false // not a macro of this project (e.g. an adapter builtin): unknown
	case old == nil || old.MacroSQL != cur.MacroSQL:
		changed = true
	default:
		for _, d := range cur.DependsOn.Macros {
			if x.macroChanged(d) {
				changed = true
				break
			}
		}
	}
	x.macroMemo[id] = changed
	return changed
}

// jsonEqual compares two values as their JSON forms, so a manifest read from disk
// (float64, []any) compares equal to one built in memory (int, []string).
func jsonEqual(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	var va, vb any
	if json.Unmarshal(ja, &va) != nil || json.Unmarshal(jb, &vb) != nil {
		return false
	}
	// nil and empty collections are the same config.
	return reflect.DeepEqual(normalizeEmpty(va), normalizeEmpty(vb))
}

func normalizeEmpty(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			return nil
		}
	case []any:
		if len(t) == 0 {
			return nil
		}
	}
	return v
}
