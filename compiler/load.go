package compiler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// projectImpl is the compiler's private state of a loaded project: the Jinja environment,
// the macro registry, the parsed templates of every node, and the lookups ref/source use.
// After Load it is read-only, except for the lazily built graph and the per-adapter caches.
type projectImpl struct {
	opts    Options
	dir     string
	root    string
	rootPC  *ProjectConfig
	pkgs    map[string]*Package
	env     *jinja.Env
	reg     *registry
	target  Target
	dialect warehouse.Dialect
	proj    *Project

	cliVars       map[string]any
	dispatchOrder map[string][]string
	pkgRelDir     map[string]string
	absDir        string // the project folder, absolute (relative external locations)

	// Per node: the parsed template (or snapshot block) and its source file.
	srcs map[string]*nodeSource
	// testTmpls are the parsed generic-test calls by file and code; testMu guards it and
	// srcs while tests are built in parallel.
	testTmpls map[string]*jinja.Template
	testMu    sync.Mutex
	// trackers record what each cacheable node file's parse read (*manifest.Node →
	// *parseTrack), while Options.ParseCache is set.
	trackers sync.Map
	// frozen are copies of the nodes as Load left them: read by renders of other nodes
	// (ephemeral parents, {{ graph }}) while the runner's workers write compiled code into
	// the manifest's own nodes.
	frozen map[string]*manifest.Node
	// cfgReadKeys are the config keys some macro reads with config.get/config.require
	// (configkeys.go: such a key is not unknown).
	cfgReadKeys map[string]bool
	// marks are the nodes whose parse was recorded, by unique id (parsemark.go);
	// verifyMarks is GDBT_VERIFY_PARSE_MARKS.
	marks       map[string]*parseMark
	verifyMarks bool
	// disabled holds the unique ids of nodes switched off with enabled: false.
	disabled map[string]bool
	// unparsed holds, by "package.name", the models and seeds whose file failed to parse,
	// with the first error: a ref to one is that error's consequence, not a missing node.
	unparsed map[string]*Error

	// Lookups built after parsing.
	byName  map[string][]*manifest.Node // refable nodes by name
	sources map[string][]*manifest.Source

	invocationID string
	runStartedAt time.Time

	graphOnce sync.Once
	// whereOnce computes whereCustom: whether a package defines get_where_subquery or a
	// dispatch variant of it (else a test without where: skips the macro call).
	whereOnce   sync.Once
	whereCustom bool
	graph       jinja.Value
	targetMu    sync.Mutex
	tdict       *jinja.Dict

	cacheMu sync.Mutex
	caches  map[warehouse.Adapter]*warehouse.Cache

	logMu sync.Mutex

	defaultsMu sync.Mutex
	defaults   map[string]map[string]any
	// schemas are the schemas created so far, per adapter (schemaKey → *schemaOnce).
	schemas sync.Map
}

// nodeSource is what compiling a node needs from parsing.
type nodeSource struct {
	tmpl    *jinja.Template
	blk     *jinja.Block // snapshots
	file    string       // display path
	src     string
	generic *genericTest
	// once parses tmpl on first use when the parse was reused (parsecache.go).
	once    sync.Once
	tmplErr error
}

// defaultWorkers is the parse worker pool size.
func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

// parallel runs f(0..n-1) on a pool of GOMAXPROCS workers.
func parallel(n int, f func(i int)) {
	w := defaultWorkers()
	if w > n {
		w = n
	}
	if w <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := int(next)
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

// newEnv is the Jinja environment with dbt's block tags.
func newEnv() *jinja.Env {
	env := jinja.NewEnv()
	textFilters(env)
	if env.Tags == nil {
		env.Tags = map[string]jinja.TagKind{}
	}
	env.Tags["test"] = jinja.TagMacroLike
	env.Tags["data_test"] = jinja.TagMacroLike
	env.Tags["materialization"] = jinja.TagArgs
	env.Tags["docs"] = jinja.TagArgs
	env.Tags["snapshot"] = jinja.TagArgs
	// dbt's Relation is a dataclass mapping: `relation is mapping` holds, as packages expect.
	if env.Tests == nil {
		env.Tests = map[string]jinja.Func{}
	}
	env.Tests["mapping"] = func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
		if len(args) == 0 {
			return false, nil
		}
		switch args[0].(type) {
		case *jinja.Dict, *relationObj:
			return true, nil
		}
		return false, nil
	}
	return env
}

func newInvocationID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// load is Load's body: every stage runs, and every error is collected.
func load(opts Options) (*Project, error) {
	if opts.ProjectDir == "" {
		opts.ProjectDir = "."
	}
	warn := opts.Warn
	if warn == nil {
		warn = func(string) {}
	}
	cliVars, err := ParseCLIVars(opts.Vars)
	if err != nil {
		return nil, asProjectErr(err)
	}
	// dbt reads the profile name first, then the profile, then renders the project file with
	// its target (dbt/config/runtime.py RuntimeConfig.collect_parts).
	profileName, targetPath, err := ProjectProfileName(opts.ProjectDir, cliVars)
	if err != nil {
		return nil, asProjectErr(err)
	}
	target, profInfo, err := LoadProfileInfo(opts, profileName, targetPath)
	if err != nil {
		return nil, asProjectErr(err)
	}
	MakeTargetFolder(opts.ProjectDir, targetPath)
	if opts.Threads > 0 {
		target.Threads = opts.Threads
	}
	pc, err := LoadProjectConfigTarget(opts.ProjectDir, cliVars, &target)
	if err != nil {
		return nil, asProjectErr(err)
	}
	for _, w := range pc.Warnings {
		warn(w)
	}
	pkgs, err := LoadPackages(pc)
	if err != nil {
		return nil, asProjectErr(err)
	}
	files, err := DiscoverFilesWarn(pkgs, warn)
	if err != nil {
		return nil, asProjectErr(err)
	}

	p := &projectImpl{
		opts: opts, dir: opts.ProjectDir, root: pc.Name, rootPC: pc, env: newEnv(), reg: newRegistry(),
		target: target, cliVars: cliVars, dispatchOrder: map[string][]string{},
		pkgs: map[string]*Package{}, pkgRelDir: map[string]string{}, srcs: map[string]*nodeSource{}, disabled: map[string]bool{}, unparsed: map[string]*Error{},
		invocationID: newInvocationID(), runStartedAt: time.Now().UTC(),
		caches: map[warehouse.Adapter]*warehouse.Cache{},
	}
	p.verifyMarks = os.Getenv(verifyMarksEnv) != ""
	p.dialect = offlineDialect(target)
	if opts.Dialect != nil {
		if d, err := opts.Dialect(target.Type, target.Database, target.Schema); err == nil && d != nil {
			p.dialect = d
		}
	}
	p.dialect = p.bindQuoting(p.dialect)
	if p.absDir, err = filepath.Abs(opts.ProjectDir); err != nil {
		return nil, asProjectErr(err)
	}
	for _, pk := range pkgs {
		p.pkgs[pk.Name] = pk
		p.pkgRelDir[pk.Name] = pk.RelDir
		p.reg.byPkg[pk.Name] = map[string]*macroDef{}
	}
	p.reg.byPkg[builtinPkg] = map[string]*macroDef{}
	for _, d := range pc.Dispatch {
		p.dispatchOrder[d.MacroNamespace] = d.SearchOrder
	}
	proj := &Project{Dir: opts.ProjectDir, Name: pc.Name, Target: target, Profile: profInfo, impl: p}
	p.proj = proj

	var errs Errors
	// 1. Macros (built-ins first, so their files sort first in messages) and docs.
	mfiles := builtinMacroFiles()
	for _, f := range files {
		if f.ResourceType == FileMacro || f.ResourceType == FileDocs {
			mfiles = append(mfiles, macroFile{pkg: f.Package.Name, path: f.Path, display: f.DisplayPath(), src: string(f.Contents)})
		}
	}
	errs = append(errs, p.parseMacroFiles(mfiles)...)
	p.cfgReadKeys = macroConfigKeys(mfiles)

	// 2. Property YAML.
	var propFiles []*SourceFile
	for _, f := range files {
		if f.ResourceType == FileProperties {
			propFiles = append(propFiles, f)
		}
	}
	// The parse state's global inputs are known once the macros and docs are: property
	// files and node files are then looked up in it.
	if pc := opts.ParseCache; pc != nil {
		pc.Begin(p.globalInputs(pkgs))
	}
	props := make([]*Properties, len(propFiles))
	perrs := make([]error, len(propFiles))
	var warnMu sync.Mutex
	lockedWarn := func(s string) { warnMu.Lock(); warn(s); warnMu.Unlock() }
	parallel(len(propFiles), func(i int) {
		props[i], perrs[i] = p.parsePropertiesCached(propFiles[i], lockedWarn)
	})
	for _, e := range perrs {
		errs = append(errs, AsErrors(e)...)
	}
	p.warnUnknownConfigs(pc.configKeys, props)
	pi := indexProperties(props)

	// 3. Nodes.
	m := &manifest.Manifest{
		Nodes: map[string]*manifest.Node{}, Sources: map[string]*manifest.Source{},
		Docs: p.reg.docs, Exposures: map[string]*manifest.Exposure{},
	}
	proj.Manifest = m
	nodes, nerrs := p.parseNodes(files, pi)
	errs = append(errs, nerrs...)
	errs = append(errs, p.addNodes(m, nodes)...)
	p.collectMarks(m, nodes)
	errs = append(errs, p.addSources(m, pi)...)
	p.indexNodes(m)
	errs = append(errs, p.addGenericTests(m, pi)...)
	errs = append(errs, p.addExposures(m, pi)...)
	errs = append(errs, p.addUnitTests(m, pi, fixtureFiles(files))...)
	// dbt names a node's relation when it parses it (core/dbt/parser/base.py
	// _update_node_relation_name), so graph.nodes[…].relation_name is set before any node
	// compiles: on-run-end hooks and packages read it for every node.
	for _, n := range m.Nodes {
		n.RelationName = p.relationName(nil, n)
	}

	// 4. Dependencies, maps, cycles.
	errs = append(errs, p.resolveDeps(m, nodes)...)
	errs = append(errs, p.checkRelationUniqueness(m)...)
	errs = append(errs, p.checkPatches(m, pi, warn)...)
	errs = append(errs, p.checkSnapshotConfigs(m)...)
	buildMaps(m)
	errs = append(errs, findCycles(m, p)...)
	m.Macros = p.manifestMacros()
	patchMacros(m.Macros, pi, warn)
	p.frozen = make(map[string]*manifest.Node, len(m.Nodes))
	for id, n := range m.Nodes {
		if opts.NoCompile {
			p.frozen[id] = n
			continue
		}
		c := *n
		p.frozen[id] = &c
	}
	p.captureTestConfigs(m)
	m.Metadata = manifest.Metadata{
		DbtSchemaVersion: "https://schemas.getdbt.com/dbt/manifest/v12.json",
		DbtVersion:       dbtVersion, GeneratedAt: p.runStartedAt.Format("2006-01-02T15:04:05.000000Z"),
		InvocationID: p.invocationID, Env: map[string]string{}, ProjectName: pc.Name, AdapterType: target.Type,
	}
	if len(errs) > 0 {
		return proj, errs.Err()
	}
	return proj, nil
}

// propRenderer renders Jinja in the property entries of f with the parse-time context of
// f's package (var with --vars and package vars, env_var, target), as dbt does; track
// (may be nil) records what the renders read, for the parse state.
func (p *projectImpl) propRenderer(f *SourceFile, track *parseTrack) propRender {
	file := f.DisplayPath()
	return func(s string) (jinja.Value, error) {
		t, err := p.env.Parse(file, s)
		if err != nil {
			return nil, err
		}
		rs := p.newState(background, nil, modeParse, nil)
		rs.pkg = f.Package.Name
		rs.track = track
		return renderNative(p.env, t, rs.rootContext())
	}
}

// externalPath makes a relative file location absolute against the project folder, so a
// source reads the same files whatever the process's working directory; URLs (s3://, https://),
// reader calls and quoted literals are left as written.
func (p *projectImpl) externalPath(loc string) string {
	if loc == "" || filepath.IsAbs(loc) || strings.Contains(loc, "://") || strings.ContainsAny(loc, "('") || strings.HasPrefix(loc, "~") {
		return loc
	}
	return filepath.Join(p.absDir, loc)
}

// asProjectErr keeps positioned errors and marks the rest as project errors.
func asProjectErr(err error) error {
	if errors.Is(err, ErrProject) {
		return err
	}
	return AsErrors(err).Err()
}

// offlineDialect names relations when no adapter is at hand.
func offlineDialect(t Target) warehouse.Dialect {
	return fallbackDialect{typ: t.Type, db: t.Database, schema: t.Schema}
}

// Unwrapper is an adapter that wraps another: the runner wraps the run's adapter once per
// node to record the node's SQL. The relation cache and the schemas created belong to the
// adapter underneath, so that they last the whole run instead of one node.
type Unwrapper interface {
	Unwrap() warehouse.Adapter
}

// baseAdapter is a with its wrappers removed.
func baseAdapter(a warehouse.Adapter) warehouse.Adapter {
	for range 8 {
		u, ok := a.(Unwrapper)
		if !ok {
			return a
		}
		b := u.Unwrap()
		if b == nil {
			return a
		}
		a = b
	}
	return a
}

// cacheFor returns the relation cache of an adapter (one per adapter, i.e. per run, seen
// through wrappers), unless the runner installed its own with UseCache.
func (p *projectImpl) cacheFor(a warehouse.Adapter) *warehouse.Cache {
	base := baseAdapter(a)
	p.cacheMu.Lock()
	defer p.cacheMu.Unlock()
	if c, ok := p.caches[a]; ok {
		return c
	}
	c, ok := p.caches[base]
	if !ok {
		c = warehouse.NewCache(base)
		p.caches[base] = c
	}
	return c
}

// UseCache makes renders against a use c as their relation cache (the runner shares one
// cache per run between the compiler and its own bookkeeping).
func (p *Project) UseCache(a warehouse.Adapter, c *warehouse.Cache) {
	p.impl.cacheMu.Lock()
	p.impl.caches[a] = c
	p.impl.cacheMu.Unlock()
}

// lineCol converts a byte offset into 1-based line and column.
func lineCol(src string, pos int) (int, int) {
	if pos > len(src) {
		pos = len(src)
	}
	if pos < 0 {
		pos = 0
	}
	line := 1 + strings.Count(src[:pos], "\n")
	col := pos - strings.LastIndexByte(src[:pos], '\n')
	return line, col
}

// jinjaErrors converts engine errors to positioned compiler errors with the macro stack.
func (p *projectImpl) jinjaErrors(err error, file string) Errors {
	var out Errors
	var list jinja.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			out = append(out, fromJinjaError(e))
		}
		return out
	}
	var je *jinja.Error
	if errors.As(err, &je) {
		return Errors{fromJinjaError(je)}
	}
	var ce *Error
	if errors.As(err, &ce) {
		return Errors{ce}
	}
	return Errors{{File: file, Msg: err.Error()}}
}

func fromJinjaError(e *jinja.Error) *Error {
	out := &Error{File: e.File, Line: e.Line, Col: e.Col, Msg: e.Msg}
	for _, f := range e.Stack {
		out.Stack = append(out.Stack, fmt.Sprintf("in macro %s (%s:%d:%d) called from %s:%d:%d", f.Macro, f.File, f.Line, f.Col, f.CallFile, f.CallLine, f.CallCol))
	}
	out.Stack = foldCycles(out.Stack)
	return out
}

// fileSrc finds the source text of a display path (for positions of host-reported errors).
func (p *projectImpl) fileSrc(file string) (string, bool) {
	for _, s := range p.srcs {
		if s.file == file {
			return s.src, true
		}
	}
	return "", false
}

// seedPath is the CSV file of a seed node.
func (p *projectImpl) seedPath(n *manifest.Node) string {
	rp := n.RootPath
	if rp == "" {
		rp = n.OriginalFilePath
		if pk, ok := p.pkgs[n.PackageName]; ok && pk.RelDir != "" {
			rp = path.Join(pk.RelDir, rp)
		}
	}
	if filepath.IsAbs(rp) {
		return rp
	}
	return filepath.Join(p.dir, filepath.FromSlash(rp))
}

// background is the context of parse-time renders.
var background = context.Background()
