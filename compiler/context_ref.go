package compiler

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// ---- ref and source ----

func fnRef(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	ra := manifest.RefArgs{}
	var ss []string
	for _, a := range args {
		s, ok := a.(string)
		if !ok {
			return nil, fmt.Errorf("ref() arguments must be strings, got %s", typeName(a))
		}
		ss = append(ss, s)
	}
	switch len(ss) {
	case 1:
		ra.Name = ss[0]
	case 2:
		ra.Package, ra.Name = ss[0], ss[1]
	default:
		return nil, fmt.Errorf("ref() takes 1 or 2 positional arguments, got %d", len(ss))
	}
	for _, k := range kw {
		switch k.Name {
		case "version", "v":
			ra.Version = jinja.ToGo(k.Value)
		case "package":
			ra.Package = str(k.Value)
		default:
			return nil, fmt.Errorf("ref() got an unexpected keyword argument '%s'", k.Name)
		}
	}
	if rs == nil {
		return nil, fmt.Errorf("ref() is not available here")
	}
	if rs.mode == modeParse {
		rs.refs = append(rs.refs, refCall{args: ra, file: c.File, pos: c.Pos})
		sch, db := rs.p.target.Schema, rs.p.target.Database
		if rs.node != nil {
			sch, db = rs.node.Schema, rs.node.Database
		}
		return newRelation(rs.dialect(), db, sch, ra.Name, ""), nil
	}
	n, err := rs.p.resolveRef(rs.pkg, ra)
	if err != nil {
		return nil, err
	}
	if rs.unit != nil {
		return rs.unit.relation(rs, n.UniqueID, refHint(ra))
	}
	if err := rs.checkInferred(n.UniqueID, refHint(ra)); err != nil {
		return nil, err
	}
	if r := rs.deferredRelation(n); r != nil {
		return r, nil
	}
	return rs.nodeRelation(n), nil
}

// nodeRelation is the relation a ref to n renders as (an ephemeral model becomes its CTE).
func (rs *renderState) nodeRelation(n *manifest.Node) *relationObj {
	if n.ResourceType == manifest.Model && n.Materialized() == "ephemeral" {
		found := false
		for _, e := range rs.ephemerals {
			if e == n.UniqueID {
				found = true
			}
		}
		if !found {
			rs.ephemerals = append(rs.ephemerals, n.UniqueID)
		}
		r := newRelation(rs.dialect(), n.Database, n.Schema, n.Alias, "cte")
		r.cte = "__dbt__cte__" + n.Name
		return r
	}
	r := newRelation(rs.dialect(), n.Database, n.Schema, n.Alias, relationType(n))
	r.empty = rs.p.opts.Empty && rs.mode != modeParse
	r.eventTime = rs.eventTimeFilter(n.Config["event_time"])
	return r
}

func fnSource(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	a := bindArgs(args, kw, "source_name", "table_name")
	src, ok1 := a["source_name"].(string)
	tbl, ok2 := a["table_name"].(string)
	if !ok1 || !ok2 || len(args)+len(kw) != 2 {
		return nil, fmt.Errorf("source() takes exactly two string arguments (source name, table name)")
	}
	if rs == nil {
		return nil, fmt.Errorf("source() is not available here")
	}
	if rs.mode == modeParse {
		rs.sources = append(rs.sources, sourceCall{source: src, table: tbl, file: c.File, pos: c.Pos})
		return newRelation(rs.dialect(), rs.p.target.Database, src, tbl, ""), nil
	}
	s, err := rs.p.resolveSource(rs.pkg, src, tbl)
	if err != nil {
		return nil, err
	}
	if rs.unit != nil {
		return rs.unit.relation(rs, s.UniqueID, fmt.Sprintf("source('%s', '%s')", src, tbl))
	}
	// No depends_on check here: dbt's RuntimeSourceResolver (core/dbt/context/providers.py)
	// resolves a source reached only at run time without one, as sources never run.
	r := newRelation(rs.dialect(), s.Database, s.Schema, s.Identifier, "table").withQuoting(s.Quoting)
	if s.ExternalLocation != "" {
		r.external = rs.dialect().ExternalSQL(rs.p.externalPath(s.ExternalLocation))
	}
	r.empty = rs.p.opts.Empty && rs.mode != modeParse
	r.eventTime = rs.eventTimeFilter(s.Config["event_time"])
	return r, nil
}

// ---- var and env_var ----

func fnVar(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	a := bindArgs(args, kw, "name", "default")
	name, ok := a["name"].(string)
	if !ok {
		return nil, fmt.Errorf("var() needs a variable name")
	}
	pkg := ""
	if rs != nil && rs.unit != nil && rs.unit.ov != nil {
		if v, ok := rs.unit.ov.Vars[name]; ok { // dbt's UnitTestVar
			return jinja.FromGo(v), nil
		}
	}
	if rs != nil {
		pkg = rs.pkg
		if v, ok := rs.p.lookupVar(pkg, name); ok {
			// dbt renders a var whose value is a string holding Jinja when it is read, with
			// the caller's context, as text (Var.get_rendered_var, dbt/context/base.py).
			if s, ok := v.(string); ok && hasJinja(s) {
				t, err := rs.p.env.Parse("<var "+name+">", s)
				if err != nil {
					return nil, fmt.Errorf("var %q: %v", name, jinjaMsg(err))
				}
				return t.Render(rs.p.env, c.Ctx)
			}
			return v, nil
		}
	}
	if d, ok := a["default"]; ok {
		return d, nil
	}
	if rs != nil && rs.node != nil && rs.mode == modeParse {
		// While a node is parsed, a missing var is None (ParseVar.get_missing_var in
		// dbt/context/providers.py); compiling it reports the error below.
		return nil, nil
	}
	if rs != nil && rs.node != nil {
		return nil, fmt.Errorf("Required var '%s' not found in config:\nVars supplied to %s = %s", name, rs.node.Name, rs.p.varsSummary(pkg))
	}
	return nil, fmt.Errorf("Required var '%s' not found", name)
}

// secretPrefix marks environment variables whose values must never be logged.
const secretPrefix = "DBT_ENV_SECRET_"

func fnEnvVar(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "var", "default")
	name, ok := a["var"].(string)
	if !ok {
		return nil, fmt.Errorf("env_var() needs a variable name")
	}
	if rs := stateOf(c); rs != nil && rs.unit != nil && rs.unit.ov != nil {
		if v, ok := rs.unit.ov.EnvVars[name]; ok { // dbt's UnitTestContext.env_var
			return str(jinja.FromGo(v)), nil
		}
	}
	stateOf(c).envRead(name)
	if v, ok := os.LookupEnv(name); ok {
		return v, nil
	}
	if d, ok := a["default"]; ok && d != nil {
		return str(d), nil
	}
	return nil, fmt.Errorf("Env var required but not provided: '%s'", name)
}

// ---- incremental helpers ----

func fnShouldFullRefresh(c *jinja.Call, _ []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	if rs == nil {
		return false, nil
	}
	return rs.shouldFullRefresh(), nil
}

func (rs *renderState) shouldFullRefresh() bool {
	if rs.batch != nil && rs.batch.Incremental {
		return false
	}
	if rs.node != nil {
		if v, ok := rs.node.Config["full_refresh"]; ok && v != nil {
			if b, ok := v.(bool); ok {
				return b
			}
		}
	}
	return rs.p.opts.FullRefresh
}

func fnShouldStoreFailures(c *jinja.Call, _ []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	if rs == nil || rs.node == nil {
		return false, nil
	}
	if v, ok := rs.node.Config["store_failures"]; ok && v != nil {
		return jinja.Truthy(jinja.FromGo(v)), nil
	}
	return rs.p.opts.StoreFailures, nil
}

func fnIsIncremental(c *jinja.Call, _ []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	if rs == nil || rs.node == nil || rs.mode == modeParse || rs.a == nil {
		return false, nil
	}
	if rs.node.Materialized() != "incremental" || rs.shouldFullRefresh() {
		return false, nil
	}
	if rs.batch != nil && rs.batch.Incremental {
		return true, nil
	}
	r, err := rs.findRelation(rs.node.Database, rs.node.Schema, rs.node.Alias, nil)
	if err != nil {
		return nil, err
	}
	return r != nil && r.Type == "table", nil
}

// getRelation looks a relation up through the relation cache (nil when it does not exist,
// or offline).
func (rs *renderState) getRelation(db, schema, ident string) (*warehouse.Relation, error) {
	if rs.a == nil || rs.mode == modeParse {
		return nil, nil
	}
	if rs.cache != nil {
		return rs.cache.Get(rs.ctx, db, schema, ident)
	}
	return warehouse.FinderFor(rs.a)(rs.ctx, db, schema, ident)
}

func fnLoadRelation(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	a := bindArgs(args, kw, "relation")
	rel, err := rs.toRelation(a["relation"])
	if err != nil {
		return nil, err
	}
	r, err := rs.findRelation(rel.r.Database, rel.r.Schema, rel.r.Identifier, rel.r.Quote)
	if err != nil || r == nil {
		return nil, err
	}
	return rs.foundRelation(*r), nil
}

// ---- vars ----

// lookupVar resolves var(name) for code of package pkg: --vars, then the root project's vars
// (scoped to pkg, then global), then the package's own project vars.
func (p *projectImpl) lookupVar(pkg, name string) (jinja.Value, bool) {
	if v, ok := p.cliVars[name]; ok {
		return jinja.FromGo(v), true
	}
	scan := func(vars map[string]any) (jinja.Value, bool) {
		if sc, ok := vars[pkg].(map[string]any); ok && pkg != "" {
			if v, ok := sc[name]; ok {
				return jinja.FromGo(v), true
			}
		}
		if v, ok := vars[name]; ok {
			if _, isPkg := p.pkgs[name]; !isPkg {
				return jinja.FromGo(v), true
			}
		}
		return nil, false
	}
	if v, ok := scan(p.rootPC.Vars); ok {
		return v, true
	}
	if pk, ok := p.pkgs[pkg]; ok && !pk.Root && pk.Config != nil {
		if v, ok := scan(pk.Config.Vars); ok {
			return v, true
		}
	}
	return nil, false
}

func (p *projectImpl) varsSummary(pkg string) string {
	keys := map[string]bool{}
	for k := range p.cliVars {
		keys[k] = true
	}
	for k, v := range p.rootPC.Vars {
		if _, isPkg := p.pkgs[k]; isPkg {
			if m, ok := v.(map[string]any); ok && k == pkg {
				for kk := range m {
					keys[kk] = true
				}
			}
			continue
		}
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	return "{" + strings.Join(names, ", ") + "}"
}
