package compiler

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// materializationOf is the materialization a node runs.
func materializationOf(n *manifest.Node) string {
	switch n.ResourceType {
	case manifest.Test:
		return "test"
	case manifest.Seed:
		return "seed"
	case manifest.Snapshot:
		return "snapshot"
	}
	return n.Materialized()
}

// findMaterialization looks up materialization_<name>_<adapter> along the dispatch chain,
// then _default; at each specificity the root project wins over the node's package, other
// packages and the built-ins (dbt's candidate order: specificity, then locality).
func (p *projectImpl) findMaterialization(d warehouse.Dialect, name, nodePkg string) (*macroDef, error) {
	adapters := append(append([]string{}, d.DispatchChain()...), "default")
	var others []string
	for pkg := range p.reg.byPkg {
		if pkg != p.root && pkg != nodePkg && pkg != builtinPkg {
			others = append(others, pkg)
		}
	}
	sort.Strings(others)
	pkgs := uniqueStrings(append(append([]string{p.root, nodePkg}, others...), builtinPkg))
	var tried []string
	for _, ad := range adapters {
		mn := "materialization_" + name + "_" + ad
		tried = append(tried, mn)
		for _, pkg := range pkgs {
			if md := p.reg.get(pkg, mn); md != nil && md.blk != nil {
				return md, nil
			}
		}
	}
	return nil, fmt.Errorf("no materialization %q for adapter %q (looked for %s)", name, d.Type(), strings.Join(tried, ", "))
}

// hooksList is pre_hooks/post_hooks as dbt hands them to materializations: dicts with sql,
// transaction and index.
func hooksList(v any) *jinja.List {
	l := &jinja.List{}
	for i, h := range asList(v) {
		d := jinja.NewDict()
		switch x := h.(type) {
		case string:
			d.Set("sql", x)
			d.Set("transaction", true)
		case map[string]any:
			d.Set("sql", str(jinja.FromGo(x["sql"])))
			t := true
			if b, ok := x["transaction"].(bool); ok {
				t = b
			}
			d.Set("transaction", t)
		default:
			continue
		}
		d.Set("index", int64(i))
		l.Items = append(l.Items, d)
	}
	return l
}

// execute compiles n and runs its materialization.
func (p *projectImpl) execute(ctx context.Context, a warehouse.Adapter, n *manifest.Node) (*Result, error) {
	if a == nil {
		return nil, fmt.Errorf("execute %s: no warehouse adapter", n.UniqueID)
	}
	var sql string
	c0 := time.Now()
	if n.ResourceType != manifest.Seed {
		var err error
		if sql, err = p.compile(ctx, a, n); err != nil {
			return nil, err
		}
	} else {
		n.RelationName = p.relationName(a, n)
	}
	res := &Result{CompiledCode: sql, Response: warehouse.Response{RowsAffected: -1}, CompileStarted: c0, CompileCompleted: time.Now()}
	if n.ResourceType == manifest.Analysis {
		return res, nil
	}
	if err := unsupportedFeature(ctx, n); err != nil {
		return res, AsErrors(Errorf(n.OriginalFilePath, 0, 0, "%v", err)).Err()
	}
	mat := materializationOf(n)
	md, err := p.findMaterialization(a.Dialect(), mat, n.PackageName)
	if err != nil {
		return nil, AsErrors(Errorf(n.OriginalFilePath, 0, 0, "%v", err)).Err()
	}
	if err := p.ensureSchema(ctx, a, n); err != nil {
		return res, AsErrors(Errorf(n.OriginalFilePath, 0, 0, "create schema %s: %v", n.Schema, err)).Err()
	}
	rs := p.newState(ctx, n, modeExecute, a)
	rs.setExtra("sql", sql)
	rs.setExtra("compiled_code", sql)
	pre, post := n.Config["pre-hook"], n.Config["post-hook"]
	if w := batchOf(ctx); w != nil {
		if !w.First {
			pre = nil
		}
		if !w.Last {
			post = nil
		}
	}
	rs.setExtra("pre_hooks", hooksList(pre))
	rs.setExtra("post_hooks", hooksList(post))
	rs.pkg = n.PackageName
	v, err := p.callBlock(rs, md)
	res.RunSQL = joinStatements(rs.mainSQL)
	if err != nil {
		return res, err
	}
	if rs.mainResp != nil {
		res.Response = *rs.mainResp
	}
	if d, ok := v.(*jinja.Dict); ok {
		if rels, ok := d.Get("relations"); ok {
			items, _ := iterItems(rels)
			for _, it := range items {
				if r, ok := it.(*relationObj); ok {
					rel := r.r
					res.Relations = append(res.Relations, rel)
					if rs.cache != nil && (rel.Type == "table" || rel.Type == "view") {
						rs.cache.Add(rel)
					}
				}
			}
		}
	}
	if n.ResourceType == manifest.Test {
		if err := testVerdict(rs, res); err != nil {
			return res, AsErrors(Errorf(n.OriginalFilePath, 0, 0, "%v", err)).Err()
		}
	}
	return res, nil
}

// compiledSQL is the node's compiled code as the materialization received it.
func (rs *renderState) compiledSQL() string {
	if v, ok := rs.extra["sql"].(string); ok {
		return v
	}
	return ""
}

// joinStatements is statements as one SQL file: each trimmed, separated by ";\n\n", ending
// in ";\n" ("" for none).
func joinStatements(stmts []string) string {
	var b strings.Builder
	for _, s := range stmts {
		s = strings.TrimRight(strings.TrimSpace(s), ";")
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(";\n\n")
		}
		b.WriteString(s)
	}
	if b.Len() == 0 {
		return ""
	}
	b.WriteString(";\n")
	return b.String()
}

// callBlock runs a materialization block in rs and returns what it returned.
func (p *projectImpl) callBlock(rs *renderState, md *macroDef) (jinja.Value, error) {
	rs.lastReturn = nil
	out, err := md.blk.Render(p.env, rs.contextFor(md.pkg))
	if err != nil {
		if v, ok := jinja.ReturnValue(err); ok {
			return v, nil
		}
		if rs.node != nil {
			if e := nodeSQLError(rs.node, rs.compiledSQL(), err); e != nil {
				return nil, Errors{e}
			}
		}
		return nil, p.jinjaErrors(err, md.file).Err()
	}
	// Block.Render ends at return() but drops its value: the materialization's own
	// return is the last one made, and it is the dict with the relations.
	if d, ok := rs.lastReturn.(*jinja.Dict); ok {
		if _, has := d.Get("relations"); has {
			return d, nil
		}
	}
	return out, nil
}

// testVerdict reads failures/should_warn/should_error from the test's main statement.
func testVerdict(rs *renderState, res *Result) error {
	d, ok := rs.results["main"]
	if !ok {
		return fmt.Errorf("the test materialization did not run a 'main' statement")
	}
	tv, _ := d.Get("table")
	t, ok := tv.(*tableObj)
	if !ok || len(t.t.Rows) == 0 {
		return fmt.Errorf("the test query returned no rows")
	}
	row := t.t.Rows[0]
	for i, c := range t.t.Columns {
		v := cellValue(row[i])
		switch strings.ToLower(c.Name) {
		case "failures":
			switch x := v.(type) {
			case int64:
				res.Failures = x
			case float64:
				res.Failures = int64(x)
			case nil:
				res.Failures = 0
			default:
				var n int64
				if _, err := fmt.Sscan(str(v), &n); err != nil {
					return fmt.Errorf("failures is not a number: %v", v)
				}
				res.Failures = n
			}
		case "should_warn":
			res.ShouldWarn = jinja.Truthy(v)
		case "should_error":
			res.ShouldError = jinja.Truthy(v)
		}
	}
	return nil
}

// runOperation calls a macro by name ("name" or "package.name") with keyword arguments.
func (p *projectImpl) runOperation(ctx context.Context, a warehouse.Adapter, macro string, args map[string]any) (any, error) {
	pkg, _ := splitOperation(macro)
	md := p.operationMacro(macro)
	if md == nil || md.m == nil {
		return nil, AsErrors(fmt.Errorf("run-operation: no macro named %q", macro)).Err()
	}
	rs := p.newState(ctx, nil, modeExecute, a)
	// The search package is the one named before the dot, else none: the root project's
	// macros first (dbt-core task/run_operation.py _get_macro_parts, then
	// context/macros.py MacroNamespaceBuilder with search_package None), never the package
	// an unprefixed name was found in.
	rs.pkg = pkg
	if pkg == "" {
		rs.pkg = p.root
	}
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var kw []jinja.KeywordArg
	for _, k := range keys {
		kw = append(kw, jinja.KeywordArg{Name: k, Value: jinja.FromGo(args[k])})
	}
	v, err := rs.bind(md).CallJinja(&jinja.Call{Ctx: rs.rootContext()}, nil, kw)
	if err != nil {
		if rv, ok := jinja.ReturnValue(err); ok {
			return jinja.ToGo(rv), nil
		}
		return nil, p.jinjaErrors(err, md.file).Err()
	}
	if rs.cache != nil {
		// The operation may have created or dropped anything: relist lazily.
		p.invalidateAll(rs.cache)
	}
	return jinja.ToGo(v), nil
}

// splitOperation splits run-operation's "package.macro" (or "macro") as dbt-core's
// task/run_operation.py _get_macro_parts does.
func splitOperation(macro string) (pkg, name string) {
	if i := strings.IndexByte(macro, '.'); i >= 0 {
		return macro[:i], macro[i+1:]
	}
	return "", macro
}

// operationMacro is the macro run-operation calls: the named package's, else the root
// project's, then the other packages' in name order, then the built-in ones (nil if none).
func (p *projectImpl) operationMacro(macro string) *macroDef {
	pkg, name := splitOperation(macro)
	if pkg != "" {
		return p.reg.get(pkg, name)
	}
	if md := p.reg.get(p.root, name); md != nil {
		return md
	}
	var pkgs []string
	for k := range p.reg.byPkg {
		if k != builtinPkg {
			pkgs = append(pkgs, k)
		}
	}
	sort.Strings(pkgs)
	for _, k := range append(pkgs, builtinPkg) {
		if md := p.reg.get(k, name); md != nil {
			return md
		}
	}
	return nil
}

// invalidateAll forgets every schema of the target (after SQL the cache cannot follow).
func (p *projectImpl) invalidateAll(c *warehouse.Cache) {
	seen := map[string]bool{}
	for _, n := range p.proj.Manifest.Nodes {
		k := n.Database + "\x00" + n.Schema
		if !seen[k] {
			seen[k] = true
			c.Invalidate(n.Database, n.Schema)
		}
	}
}

// runHooks renders and runs on-run-start / on-run-end hooks of every package, root last
// for on-run-start's order as dbt (package hooks first).
func (p *projectImpl) runHooks(ctx context.Context, a warehouse.Adapter, which string, results []any) error {
	type hook struct{ pkg, sql string }
	var hooks []hook
	var names []string
	for name, pk := range p.pkgs {
		if !pk.Root {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	names = append(names, p.root)
	for _, name := range names {
		pk := p.pkgs[name]
		if pk == nil || pk.Config == nil {
			continue
		}
		src := pk.Config.OnRunStart
		if which == "on-run-end" {
			src = pk.Config.OnRunEnd
		}
		for _, s := range src {
			hooks = append(hooks, hook{name, s})
		}
	}
	var errs Errors
	for _, h := range hooks {
		rs := p.newState(ctx, nil, modeExecute, a)
		rs.pkg = h.pkg
		rl := &jinja.List{}
		for _, r := range results {
			rl.Items = append(rl.Items, jinja.FromGo(r))
		}
		rs.setExtra("results", rl)
		schemas := map[string]bool{}
		for _, n := range p.proj.Manifest.Nodes {
			schemas[n.Schema] = true
		}
		sl := &jinja.List{}
		for _, s := range sortedSet(schemas) {
			sl.Items = append(sl.Items, s)
		}
		rs.setExtra("schemas", sl)
		t, err := p.env.Parse(which, h.sql)
		if err != nil {
			errs = append(errs, p.jinjaErrors(err, which)...)
			continue
		}
		out, err := t.Render(p.env, rs.rootContext())
		if err != nil {
			if _, ok := jinja.ReturnValue(err); !ok {
				errs = append(errs, p.jinjaErrors(err, which)...)
				continue
			}
		}
		if strings.TrimSpace(out) == "" || a == nil {
			continue
		}
		if _, _, err := rs.execute(out, false); err != nil {
			errs = append(errs, Errorf(which, 0, 0, "%v", err))
		}
		if rs.cache != nil {
			p.invalidateAll(rs.cache)
		}
	}
	return errs.Err()
}

// schemaOnce makes sure one schema is created at most once per adapter.
type schemaOnce struct {
	once sync.Once
	err  error
}

// ensureSchema creates the schema a node builds into, once per adapter and schema (dbt's
// runner creates every schema before a run; doing it here keeps any caller correct).
func (p *projectImpl) ensureSchema(ctx context.Context, a warehouse.Adapter, n *manifest.Node) error {
	switch n.ResourceType {
	case manifest.Model, manifest.Seed, manifest.Snapshot:
	case manifest.Test:
		// Only a test that stores its failures builds a relation.
		sf, set := n.Config["store_failures"].(bool)
		if !(set && sf) && !(!set && p.opts.StoreFailures) {
			return nil
		}
	default:
		return nil
	}
	if n.ResourceType == manifest.Model && n.Materialized() == "ephemeral" {
		return nil
	}
	ddl, ok := p.bindQuoting(a.Dialect()).(warehouse.DDL)
	if !ok {
		return nil
	}
	key := schemaKey{a: baseAdapter(a), db: n.Database, schema: n.Schema}
	v, _ := p.schemas.LoadOrStore(key, &schemaOnce{})
	so := v.(*schemaOnce)
	so.once.Do(func() {
		// As dbt's create_schemas (dbt/task/runnable.py): list the database's schemas and
		// create only a missing one. A role that owns its schema but may not CREATE in the
		// database can then build: PostgreSQL checks that privilege even for CREATE SCHEMA
		// IF NOT EXISTS on an existing schema.
		if l, ok := baseAdapter(a).(warehouse.SchemaLister); ok {
			have, err := l.ListSchemas(ctx, n.Database)
			if err != nil {
				so.err = err
				return
			}
			for _, s := range have {
				if strings.EqualFold(s, n.Schema) {
					return
				}
			}
		}
		_, _, so.err = a.Execute(ctx, ddl.CreateSchemaSQL(n.Database, n.Schema), false)
	})
	if so.err != nil {
		p.schemas.Delete(key)
	}
	return so.err
}

type schemaKey struct {
	a          warehouse.Adapter
	db, schema string
}

// unsupportedFeature refuses, naming it, a dbt feature a node uses that gdbt does not
// implement yet, rather than building the node without it: a microbatch model executed
// outside a batch (runner/microbatch.go builds them batch by batch).
func unsupportedFeature(ctx context.Context, n *manifest.Node) error {
	if n.ResourceType != manifest.Model {
		return nil
	}
	if IsMicrobatch(n) && batchOf(ctx) == nil {
		return fmt.Errorf("model %s: a microbatch model is built batch by batch by the runner (gdbt run/build), not in one piece", n.Name)
	}
	return nil
}
