package compiler

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// compile renders n with execute=True, injects its ephemeral parents and stores the result.
func (p *projectImpl) compile(ctx context.Context, a warehouse.Adapter, n *manifest.Node) (string, error) {
	sql, eph, err := p.render(ctx, a, n, modeCompile)
	if err != nil {
		return "", err
	}
	if sql, err = p.injectCTEs(ctx, a, sql, eph); err != nil {
		return "", AsErrors(Errorf(n.OriginalFilePath, 0, 0, "%v", err)).Err()
	}
	n.CompiledCode = sql
	n.Compiled = true
	n.RelationName = p.relationName(a, n)
	n.CompiledPath = p.compiledPath(n)
	return sql, nil
}

// compiledPath is where dbt writes a node's compiled SQL:
// <target-path>/compiled/<package>/<original file path> (a generic test adds its own name
// under its property file's path).
func (p *projectImpl) compiledPath(n *manifest.Node) string {
	tp := p.rootPC.TargetPath
	if tp == "" {
		tp = "target"
	}
	fp := n.OriginalFilePath
	if n.TestMetadata != nil {
		fp = path.Join(fp, n.Name+".sql")
	}
	return path.Join(tp, "compiled", n.PackageName, fp)
}

// relationName is the quoted name a node builds ("" for ephemeral models, tests, analyses).
func (p *projectImpl) relationName(a warehouse.Adapter, n *manifest.Node) string {
	switch n.ResourceType {
	case manifest.Model, manifest.Seed, manifest.Snapshot:
		if n.ResourceType == manifest.Model && n.Materialized() == "ephemeral" {
			return ""
		}
		d := p.dialect
		if a != nil {
			d = p.bindQuoting(a.Dialect())
		}
		return newRelation(d, n.Database, n.Schema, n.Alias, relationType(n)).render()
	}
	return ""
}

// render renders a node's code in mode, returning the SQL and the ephemeral models it used.
func (p *projectImpl) render(ctx context.Context, a warehouse.Adapter, n *manifest.Node, mode renderMode) (string, []string, error) {
	ns := p.srcs[n.UniqueID]
	if ns == nil {
		if n.ResourceType == manifest.Seed {
			return "", nil, nil
		}
		return "", nil, AsErrors(Errorf(n.OriginalFilePath, 0, 0, "%s is not a node of this project", n.UniqueID)).Err()
	}
	if n.ResourceType == manifest.Seed {
		return "", nil, nil
	}
	if n.Language == "python" {
		return n.RawCode, nil, nil // compiled as written; it never runs (pymodel.go)
	}
	rs := p.newState(ctx, n, mode, a)
	out, err := p.renderWith(rs, ns)
	if err != nil {
		return "", nil, err
	}
	return out, rs.ephemerals, nil
}

// renderWith renders the node's template (or snapshot block) in rs.
func (p *projectImpl) renderWith(rs *renderState, ns *nodeSource) (string, error) {
	if ns.generic != nil {
		kw, err := p.genericKwargs(rs, ns.generic)
		if err != nil {
			return "", p.jinjaErrors(err, ns.file).Err()
		}
		rs.setExtra("_dbt_generic_test_kwargs", kw)
	}
	var out string
	var err error
	if ns.blk != nil {
		out, err = ns.blk.Render(p.env, rs.rootContext())
	} else {
		var tmpl *jinja.Template
		if tmpl, err = ns.template(p.env); err == nil {
			out, err = tmpl.Render(p.env, rs.rootContext())
		}
	}
	if err != nil {
		if v, ok := jinja.ReturnValue(err); ok {
			return str(v), nil
		}
		return "", p.jinjaErrors(err, ns.file).Err()
	}
	return out, nil
}

// setExtra adds a variable visible to every context of the render.
func (rs *renderState) setExtra(k string, v jinja.Value) {
	if rs.extra == nil {
		rs.extra = map[string]jinja.Value{}
		for _, c := range rs.ctxs {
			c.Vars = rs.extra
		}
	}
	rs.extra[k] = v
}

// genericKwargs builds _dbt_generic_test_kwargs: model is the tested relation through
// get_where_subquery; arguments that look like ref()/source()/var()/env_var() calls are
// evaluated, other strings with Jinja rendered, column_name kept verbatim.
func (p *projectImpl) genericKwargs(rs *renderState, g *genericTest) (*jinja.Dict, error) {
	kw := jinja.NewDict()
	var rel jinja.Value
	if g.def.TestedKind == "source" {
		v, err := fnSource(&jinja.Call{Ctx: rs.rootContext()}, []jinja.Value{g.def.TestedName, g.def.SourceTable}, nil)
		if err != nil {
			return nil, err
		}
		rel = v
	} else {
		n := p.frozen[g.tested]
		if n == nil {
			return nil, fmt.Errorf("tested node %s not found", g.tested)
		}
		rel = rs.nodeRelation(n)
	}
	if p.needsWhereSubquery(rs.node) {
		if v, ok := rs.resolve(rs.pkg, "get_where_subquery"); ok {
			if c, ok := v.(jinja.Callable); ok {
				w, err := c.CallJinja(&jinja.Call{Ctx: rs.rootContext()}, []jinja.Value{rel}, nil)
				if rv, isRet := jinja.ReturnValue(err); isRet {
					w, err = rv, nil
				}
				if err != nil {
					return nil, err
				}
				rel = w
			}
		}
	}
	kw.Set("model", rel)
	if g.def.ColumnName != "" {
		kw.Set("column_name", g.def.ColumnName)
	}
	keys := make([]string, 0, len(g.def.Kwargs))
	for k := range g.def.Kwargs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := p.testArg(rs, g.def.Kwargs[k])
		if err != nil {
			return nil, fmt.Errorf("argument %s: %w", k, err)
		}
		kw.Set(k, v)
	}
	return kw, nil
}

// needsWhereSubquery reports whether a test's model argument must go through
// get_where_subquery: the test has a where config, or a package defines the macro (or a
// dispatch variant) itself. The built-in one returns the relation unchanged without where,
// and skipping its call saves a macro render per test (tens of thousands in big projects).
func (p *projectImpl) needsWhereSubquery(n *manifest.Node) bool {
	p.whereOnce.Do(func() {
		for pkg, macros := range p.reg.byPkg {
			if pkg == builtinPkg {
				continue
			}
			for name := range macros {
				if strings.HasSuffix(name, "get_where_subquery") {
					p.whereCustom = true
				}
			}
		}
	})
	if p.whereCustom || n == nil {
		return true
	}
	w, ok := n.Config["where"]
	return ok && w != nil && w != ""
}

// testArg converts one test argument, recursively.
func (p *projectImpl) testArg(rs *renderState, v any) (jinja.Value, error) {
	switch x := v.(type) {
	case string:
		if looksLikeFunc.MatchString(x) {
			return p.evalExpr(rs, x)
		}
		if strings.Contains(x, "{{") || strings.Contains(x, "{%") {
			// dbt renders test arguments natively (add_rendered_test_kwargs in
			// dbt/clients/jinja.py): values: "{{ var('types') }}" is the list itself.
			t, err := p.env.Parse("<test argument>", x)
			if err != nil {
				return nil, err
			}
			return renderNative(p.env, t, rs.rootContext())
		}
		return x, nil
	case []any:
		l := &jinja.List{}
		for _, it := range x {
			c, err := p.testArg(rs, it)
			if err != nil {
				return nil, err
			}
			l.Items = append(l.Items, c)
		}
		return l, nil
	case map[string]any:
		d := jinja.NewDict()
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			c, err := p.testArg(rs, x[k])
			if err != nil {
				return nil, err
			}
			d.Set(k, c)
		}
		return d, nil
	}
	return jinja.FromGo(v), nil
}

// evalExpr evaluates one expression to a value (not its string form) by rendering a
// template that hands the value back through return().
func (p *projectImpl) evalExpr(rs *renderState, expr string) (jinja.Value, error) {
	t, err := p.env.Parse("<expression>", "{{ return("+expr+") }}")
	if err != nil {
		return nil, err
	}
	out, ret, returned, err := t.RenderValue(p.env, rs.rootContext())
	if err != nil {
		return nil, err
	}
	if returned {
		return ret, nil
	}
	return out, nil
}

// compileInline compiles a snippet in the root project's context.
func (p *projectImpl) compileInline(ctx context.Context, a warehouse.Adapter, sql string) (string, error) {
	t, err := p.env.Parse("inline", sql)
	if err != nil {
		return "", p.jinjaErrors(err, "inline").Err()
	}
	n := &manifest.Node{UniqueID: "sql_operation." + p.root + ".inline_query", ResourceType: "sql_operation",
		PackageName: p.root, Name: "inline_query", Alias: "inline_query", Database: p.target.Database, Schema: p.target.Schema,
		Config: DefaultConfig("model"), RawCode: sql, OriginalFilePath: "inline"}
	rs := p.newState(ctx, n, modeCompile, a)
	out, err := p.renderWith(rs, &nodeSource{tmpl: t, file: "inline", src: sql})
	if err != nil {
		return "", err
	}
	return p.injectCTEs(ctx, a, out, rs.ephemerals)
}
