package compiler

import (
	"context"
	"fmt"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/compiler/pylib"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// renderMode is which of dbt's providers the context plays: parse (capture ref/source/config,
// no warehouse), compile (execute=True, warehouse optional) or execute (a materialization
// runs against the adapter).
type renderMode int

const (
	modeParse renderMode = iota
	modeCompile
	modeExecute
)

// refCall is one ref() seen while parsing a node, with where it was written.
type refCall struct {
	args manifest.RefArgs
	file string
	pos  int
}

// sourceCall is one source() seen while parsing a node.
type sourceCall struct {
	source, table string
	file          string
	pos           int
}

// renderState is the per-render state every host function reaches through
// jinja.Context.Data: the node, the adapter, what parsing captured, statement results.
// One render is single-goroutine, so it needs no locking.
type renderState struct {
	ctx  context.Context
	p    *projectImpl
	node *manifest.Node // nil for run-operation and hooks
	pkg  string         // the search package: the node's package, or the root
	mode renderMode
	// batch is the microbatch window the node renders for (batch.go), nil otherwise.
	batch *BatchWindow
	a     warehouse.Adapter // nil offline
	cache *warehouse.Cache  // relation cache over a, nil offline

	// Parse capture.
	refs    []refCall
	sources []sourceCall
	cfgCall map[string]any
	// cfgIssues are the config() values of the wrong type (reported by the parser).
	cfgIssues []configIssue

	// Compile: ephemeral models referenced (unique ids, in first-use order).
	ephemerals []string

	results    map[string]*jinja.Dict
	lastReturn jinja.Value // the last return() value, for blocks whose Render drops it
	mainSQL    []string
	mainResp   *warehouse.Response
	statements []string
	deps       map[string]bool // macros bound while parsing (depends_on.macros)
	bound      map[*macroDef]jinja.Callable
	ctxs       map[string]*jinja.Context
	modelDict  jinja.Value
	extra      map[string]jinja.Value // sql, compiled_code, pre_hooks, … for materializations
	// unit is set while a unit test compiles its model: inputs and overrides (unittest_exec.go).
	unit *unitRender
	// track records what a cacheable node file's parse reads (parsecache.go); nil otherwise.
	track *parseTrack
}

func (p *projectImpl) newState(ctx context.Context, n *manifest.Node, mode renderMode, a warehouse.Adapter) *renderState {
	if ctx == nil {
		ctx = context.Background()
	}
	rs := &renderState{ctx: ctx, p: p, node: n, pkg: p.root, mode: mode, a: a, batch: batchOf(ctx)}
	if n != nil && n.PackageName != "" {
		rs.pkg = n.PackageName
	}
	if a != nil {
		rs.cache = p.cacheFor(a)
	}
	if mode == modeParse {
		rs.track = p.track(n)
	}
	return rs
}

// stateOf returns the render state of a host call.
func stateOf(c *jinja.Call) *renderState {
	if c != nil && c.Ctx != nil {
		if rs, ok := c.Ctx.Data.(*renderState); ok {
			return rs
		}
	}
	return nil
}

// contextFor is the Jinja context in which code of package pkg runs: its own macros come
// first, then the search order of the render's package (dbt's local → root → packages → dbt).
func (rs *renderState) contextFor(pkg string) *jinja.Context {
	if c, ok := rs.ctxs[pkg]; ok {
		return c
	}
	if rs.ctxs == nil {
		rs.ctxs = map[string]*jinja.Context{}
	}
	c := &jinja.Context{Vars: rs.extra, Data: rs}
	c.Resolve = func(name string) (jinja.Value, bool) { return rs.resolve(pkg, name) }
	rs.ctxs[pkg] = c
	return c
}

// macroDeps lists the macros the render used, sorted.
func (rs *renderState) macroDeps() []string { return sortedSet(rs.deps) }

// rootContext is the context of the node being rendered.
func (rs *renderState) rootContext() *jinja.Context { return rs.contextFor(rs.pkg) }

// bind returns a macro as a Callable in the context of its own package.
func (rs *renderState) bind(md *macroDef) jinja.Callable {
	if b, ok := rs.bound[md]; ok {
		return b
	}
	if rs.bound == nil {
		rs.bound = map[*macroDef]jinja.Callable{}
	}
	if rs.mode == modeParse {
		if rs.deps == nil {
			rs.deps = map[string]bool{}
		}
		rs.deps[md.uniqueID()] = true
		if rs.track != nil {
			rs.track.macros[md.uniqueID()] = true
		}
	}
	b := md.m.BindAlone(rs.p.env, rs.contextFor(md.pkg))
	rs.bound[md] = b
	return b
}

// resolve looks a name up the way dbt's macro namespace does, then the context members.
// The order is the node's (rs.pkg), never the calling macro's: every macro runs with the
// node's context (dbt-common clients/jinja.py BaseMacroGenerator.get_macro makes the module
// with the node's context), whose namespace searches the node's package, then the root
// project, then package names, then the internal macros (dbt-core context/macros.py
// MacroNamespace._search_order). So a root project's create_table_as overrides the one a
// built-in macro calls, and a package macro calling another of its package's macros without
// the package prefix finds it only when the node is in that package, as in dbt. The
// argument from (the calling macro's package) is kept for the callers' sake and unused.
func (rs *renderState) resolve(from, name string) (jinja.Value, bool) {
	_ = from
	if v, ok := rs.unit.override(name); ok {
		return v, true
	}
	reg := rs.p.reg
	if md := reg.get(rs.pkg, name); md != nil {
		return rs.bind(md), true
	}
	if md := reg.get(rs.p.root, name); md != nil {
		return rs.bind(md), true
	}
	if rs.track != nil {
		rs.track.member(name)
	}
	if v, ok := rs.member(name); ok {
		return v, true
	}
	if reg.hasPackage(name) {
		return &namespaceObj{rs: rs, pkg: name}, true
	}
	if md := reg.get(builtinPkg, name); md != nil {
		return rs.bind(md), true
	}
	return nil, false
}

// namespaceObj is a package name used as a namespace: {{ dbt_utils.star(...) }}, dbt.concat.
type namespaceObj struct {
	rs  *renderState
	pkg string
}

func (o *namespaceObj) Attr(name string) (jinja.Value, bool) {
	if v, ok := o.rs.unit.override(o.pkg + "." + name); ok {
		return v, true
	}
	if md := o.rs.p.reg.get(o.pkg, name); md != nil {
		return o.rs.bind(md), true
	}
	return nil, false
}

// member returns the dbt context members that are not macros.
func (rs *renderState) member(name string) (jinja.Value, bool) {
	switch name {
	case "this":
		if rs.node == nil {
			return nil, true
		}
		if rs.unit != nil {
			// dbt's UnitTestContext.this: the fixture given for this, else None.
			if rs.unit.this == "" {
				return nil, true
			}
			r, _ := rs.unit.relation(rs, rs.unit.test.DependsOn.Nodes[0], "this")
			return r, true
		}
		return rs.thisRelation(), true
	case "model":
		if rs.node == nil {
			return nil, false
		}
		if rs.modelDict == nil {
			rs.modelDict = nodeDict(rs.node)
			if d, ok := rs.modelDict.(*jinja.Dict); ok && rs.batch != nil {
				d.Set("batch", rs.batch.dict())
			}
		}
		return rs.modelDict, true
	case "execute":
		return rs.mode != modeParse, true
	case "target":
		return rs.p.targetDict(), true
	case "config":
		return &cfgObject{rs: rs}, true
	case "adapter":
		return &adapterObj{rs: rs}, true
	case "api":
		d := jinja.NewDict()
		d.Set("Relation", &relationFactory{rs: rs})
		d.Set("Column", columnFactory{adapter: rs.dialect().Type()})
		return d, true
	case "flags":
		return rs.p.flagsDict(), true
	case "invocation_args_dict":
		return rs.p.invocationArgsDict(), true
	case "dbt_metadata_envs":
		return metadataEnvs(), true
	case "graph":
		return rs.p.graphValue(), true
	case "invocation_id":
		return rs.p.invocationID, true
	case "gdbt_scratch_tag":
		// "_<tag>" under --no-lock, so scratch names are unique per run (warehouse.WithScratchTag).
		return warehouse.ScratchTag(rs.ctx), true
	case "run_started_at":
		return pylib.NewDatetime(rs.p.runStartedAt, false), true
	case "project_name":
		return rs.p.root, true
	case "dbt_version":
		return dbtVersion, true
	case "selected_resources":
		l := &jinja.List{}
		for _, s := range rs.p.proj.SelectedResources {
			l.Items = append(l.Items, s)
		}
		return l, true
	case "database":
		if rs.node != nil {
			return rs.node.Database, true
		}
		return rs.p.target.Database, true
	case "schema":
		if rs.node != nil {
			return rs.node.Schema, true
		}
		return rs.p.target.Schema, true
	case "builtins":
		d := jinja.NewDict()
		for _, k := range []string{"ref", "source", "config"} {
			v, _ := rs.member(k)
			d.Set(k, v)
		}
		return d, true
	case "context":
		return &contextObj{rs: rs}, true
	case "modules":
		return pylib.Modules{}, true
	case "exceptions":
		return exceptionsObj{}, true
	}
	if f, ok := contextFuncs[name]; ok {
		return f, true
	}
	return nil, false
}

// contextObj is {{ context }}: the whole context as an object.
type contextObj struct{ rs *renderState }

func (o *contextObj) Attr(name string) (jinja.Value, bool) { return o.rs.resolve(o.rs.pkg, name) }

// dbtVersion is what {{ dbt_version }} reports (DbtVersion).
const dbtVersion = DbtVersion

// contextFuncs are the stateless context functions (they reach the render through c.Ctx.Data).
var contextFuncs = map[string]jinja.Value{
	"ref":                   jinja.Func(fnRef),
	"source":                jinja.Func(fnSource),
	"var":                   jinja.Func(fnVar),
	"env_var":               jinja.Func(fnEnvVar),
	"is_incremental":        jinja.Func(fnIsIncremental),
	"should_full_refresh":   jinja.Func(fnShouldFullRefresh),
	"should_store_failures": jinja.Func(fnShouldStoreFailures),
	"run_query":             jinja.Func(fnRunQuery),
	"statement":             jinja.Func(fnStatement),
	"load_result":           jinja.Func(fnLoadResult),
	"store_result":          jinja.Func(fnStoreResult),
	"store_raw_result":      jinja.Func(fnStoreRawResult),
	"load_relation":         jinja.Func(fnLoadRelation),
	"return":                jinja.Func(fnReturn),
	"log":                   jinja.Func(fnLog),
	"print":                 jinja.Func(fnPrint),
	"fromjson":              jinja.Func(fnFromJSON),
	"tojson":                jinja.Func(fnToJSON),
	"fromyaml":              jinja.Func(fnFromYAML),
	"toyaml":                jinja.Func(fnToYAML),
	"set":                   jinja.Func(fnSet),
	"set_strict":            jinja.Func(fnSetStrict),
	"zip":                   jinja.Func(fnZip),
	"zip_strict":            jinja.Func(fnZip),
	"local_md5":             jinja.Func(fnLocalMD5),
	"write":                 jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) { return "", nil }),
	"diff_of_two_dicts":     jinja.Func(fnDiffOfTwoDicts),
	"try_or_compiler_error": jinja.Func(fnTryOrCompilerError),
	"load_agate_table":      jinja.Func(fnLoadAgateTable),
	"render":                jinja.Func(fnRender),
	"seed_file_path":        jinja.Func(fnSeedFilePath),
	"doc":                   jinja.Func(fnDoc),
	"gdbt_progress":         jinja.Func(fnProgress),
}

// fnDoc is doc('name') or doc('package', 'name'): a {% docs %} block's contents.
func fnDoc(c *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	if rs == nil || len(args) == 0 || len(args) > 2 {
		return nil, fmt.Errorf("doc() takes a docs block name, optionally after a package name")
	}
	name, pkgs := str(args[len(args)-1]), []string{rs.pkg, rs.p.root}
	if len(args) == 2 {
		pkgs = []string{str(args[0])}
	}
	for _, pk := range pkgs {
		if d, ok := rs.p.reg.docs["doc."+pk+"."+name]; ok {
			return d.BlockContents, nil
		}
	}
	for _, d := range rs.p.reg.docs {
		if d.Name == name && len(args) == 1 {
			return d.BlockContents, nil
		}
	}
	return nil, fmt.Errorf("documentation for '%s' was not found", name)
}

// fnRender is dbt's render(string): the string rendered as a template in the current context
// (hooks written with {{ this }} are rendered this way at run time).
func fnRender(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	a := bindArgs(args, kw, "string")
	s := str(a["string"])
	if rs == nil || (!strings.Contains(s, "{{") && !strings.Contains(s, "{%")) {
		return s, nil
	}
	t, err := rs.p.env.Parse(c.File, s)
	if err != nil {
		return nil, err
	}
	out, err := t.Render(rs.p.env, c.Ctx)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// fnSeedFilePath is the CSV file of the seed being materialized, for adapter.load_csv.
func fnSeedFilePath(c *jinja.Call, _ []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	if rs == nil || rs.node == nil {
		return nil, fmt.Errorf("seed_file_path() is only available to seeds")
	}
	return rs.p.seedPath(rs.node), nil
}

// thisRelation is {{ this }}: the node's own relation.
func (rs *renderState) thisRelation() *relationObj {
	n := rs.node
	if n.ResourceType == manifest.Model && n.Materialized() == "ephemeral" {
		r := newRelation(rs.dialect(), n.Database, n.Schema, n.Alias, "cte")
		r.cte = "__dbt__cte__" + n.Name
		return r
	}
	return newRelation(rs.dialect(), n.Database, n.Schema, n.Alias, relationType(n))
}

// relationType is the warehouse type a node builds.
func relationType(n *manifest.Node) string {
	switch n.ResourceType {
	case manifest.Seed, manifest.Snapshot:
		return "table"
	case manifest.Model:
		switch m := n.Materialized(); m {
		case "view":
			return "view"
		case "ephemeral":
			return "cte"
		default:
			return "table"
		}
	}
	return "table"
}

// dialect is the adapter's dialect, or the offline fallback.
func (rs *renderState) dialect() warehouse.Dialect {
	if rs.a != nil {
		return rs.p.bindQuoting(rs.a.Dialect())
	}
	return rs.p.dialect
}
