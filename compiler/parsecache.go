package compiler

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
)

// ParseCache is the hook through which a parse-state store (package parsestate) lets Load
// skip the files whose inputs did not change since the last parse: dbt's partial parsing
// (dbt-core v1.10.23: core/dbt/parser/manifest.py ManifestLoader.load and
// core/dbt/parser/partial.py PartialParsing).
// The compiler names the inputs and their content hashes; the store keeps, compares and
// persists them. The compiler trusts a recorded parse only when every input it recorded
// still has the same hash, so a store can only make a parse faster, never different.
type ParseCache interface {
	// Begin is called once per load, before any node file is parsed, with the inputs every
	// node's parse reads (gdbt's version, vars, target, profile, every package's rendered
	// project file, the macro namespace, docs blocks, flags), each as a content hash. A
	// store whose recorded global inputs differ must forget what it recorded (dbt's
	// ManifestLoader.is_partial_parsable in core/dbt/parser/manifest.py: a changed dbt
	// version, project file, profile, target or vars is a full parse).
	Begin(global map[string]string)
	// EnvVar records that the parse read the environment variable name through env_var()
	// (dbt's ProviderContext.env_var in core/dbt/context/providers.py records it in
	// Manifest.env_vars and the file's env_vars): a later change of its value is a full
	// parse here, where dbt's PartialParsing.build_env_vars_to_files re-parses only the
	// files that read it.
	EnvVar(name string)
	// Lookup returns the data recorded for file if every input it recorded still has the
	// hash current(input) reports now. The data must not change afterwards: the strings
	// decoded from it share its bytes.
	Lookup(file string, current func(input string) string) ([]byte, bool)
	// Store records the parse of file: each input it read with its hash, and its data.
	Store(file string, inputs map[string]string, data []byte)
}

// parseTrack is what one node file's parse read beyond its own text and property patch:
// the macros it bound (in every render of the parse, including generate_schema_name and
// YAML descriptions, unlike depends_on.macros), and whether it had effects a skipped parse
// would not repeat (log(), print(), warnings): such a file is never cached.
type parseTrack struct {
	macros  map[string]bool
	noCache bool
	// options is set when the parse read the command's flags (flags, invocation_args_dict,
	// should_full_refresh, …): the command and its flags are then an input of the file.
	options bool
}

// member notes a context member the parse resolved.
func (t *parseTrack) member(name string) {
	switch name {
	case "flags", "invocation_args_dict", "should_full_refresh", "should_store_failures", "dbt_metadata_envs":
		t.options = true
	case "invocation_id", "run_started_at", "modules", "selected_resources", "gdbt_scratch_tag":
		// Different on every run (or a clock): a reused parse would freeze them.
		t.noCache = true
	}
}

// track returns the tracker of n's parse (nil when no ParseCache is set).
func (p *projectImpl) track(n *manifest.Node) *parseTrack {
	if p.opts.ParseCache == nil || n == nil {
		return nil
	}
	if t, ok := p.trackers.Load(n); ok {
		return t.(*parseTrack)
	}
	return nil
}

// startTrack begins recording what n's parse reads.
func (p *projectImpl) startTrack(n *manifest.Node) {
	if p.opts.ParseCache != nil {
		p.trackers.Store(n, &parseTrack{macros: map[string]bool{}})
	}
}

// markUncacheable notes that the current parse-time render had an effect (log, print,
// warning) that a reused parse would silently drop.
func (rs *renderState) markUncacheable() {
	if rs != nil && rs.track != nil {
		rs.track.noCache = true
	}
}

// hashOf is the hex sha256 of s.
func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// jsonHash hashes v's JSON (map keys sorted by encoding/json); a value that does not
// encode gets a hash that matches nothing, so the state is never trusted for it.
func jsonHash(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "unencodable:" + newInvocationID()
	}
	return hashOf(string(b))
}

// globalInputs are the inputs every node's parse may read (see ParseCache.Begin).
func (p *projectImpl) globalInputs(pkgs []*Package) map[string]string {
	g := map[string]string{
		"gdbt.dbt_version": dbtVersion,
		"vars":             jsonHash(p.cliVars),
		"target":           jsonHash(p.target),
		"profile":          jsonHash(p.proj.Profile),
	}
	for _, pk := range pkgs {
		// The rendered project file: it carries the project's vars, configs, dispatch and
		// paths, with env_var() and --vars already applied.
		g["project."+pk.Name] = jsonHash([]any{pk.RelDir, pk.Root, pk.Config})
	}
	// The macro namespace: which macro a name resolves to depends on every package's set
	// of macro names, so adding or removing a macro is a full parse; editing one only
	// invalidates the files whose parse bound it (dbt's PartialParsing.handle_macro_file_links
	// and schedule_macro_nodes_for_parsing in core/dbt/parser/partial.py follow
	// depends_on.macros through recursively_gather_macro_references).
	var names []string
	for pkg, ms := range p.reg.byPkg {
		for name, md := range ms {
			names = append(names, pkg+"."+name+"@"+md.file)
		}
	}
	sort.Strings(names)
	g["macros"] = hashOf(strings.Join(names, "\n"))
	docs := make([]string, 0, len(p.reg.docs))
	for id, d := range p.reg.docs {
		docs = append(docs, id+"\x00"+d.BlockContents)
	}
	sort.Strings(docs)
	g["docs"] = hashOf(strings.Join(docs, "\x01"))
	return g
}

// Input names of a node file's parse (ParseCache.Lookup/Store).
const (
	inFile    = "file"
	inPatch   = "patch\x00"   // + kind \x00 package \x00 name: the property YAML file patching it
	inVersion = "version\x00" // + package \x00 file stem: the YAML file declaring its versions
	inMacro   = "macro\x00"   // + macro unique id: the macro's source text
	inOptions = "options"     // the command, its flags and DBT_ENV_CUSTOM_ENV_ variables
)

// currentInput is the hash an input of file f has now.
func (p *projectImpl) currentInput(f *SourceFile, pi *propIndex, in string) string {
	switch {
	case in == inFile:
		return f.Checksum
	case pi == nil && (strings.HasPrefix(in, inPatch) || strings.HasPrefix(in, inVersion)):
		return "?" // not an input of a property file
	case strings.HasPrefix(in, inPatch):
		parts := strings.Split(in[len(inPatch):], "\x00")
		if len(parts) != 3 {
			return "?"
		}
		if pt := pi.patch(parts[0], parts[1], parts[2]); pt != nil {
			return pt.file.DisplayPath() + "@" + pt.file.Checksum + pt.rendered
		}
		return ""
	case strings.HasPrefix(in, inVersion):
		pkg, stem, ok := strings.Cut(in[len(inVersion):], "\x00")
		if !ok {
			return "?"
		}
		if vp := pi.version(pkg, stem); vp != nil {
			return vp.file.DisplayPath() + "@" + vp.file.Checksum + vp.rendered
		}
		return ""
	case in == inOptions:
		return jsonHash([]any{p.opts.Which, p.opts.FullRefresh, p.opts.Empty, p.opts.StoreFailures,
			p.opts.Defer, p.opts.FavorState, p.opts.NoPrint, p.opts.Flags, metadataEnvNames()})
	case strings.HasPrefix(in, inMacro):
		id := strings.TrimPrefix(in[len(inMacro):], "macro.")
		pkg, name, ok := strings.Cut(id, ".")
		if !ok {
			return "?"
		}
		if md := p.reg.get(pkg, name); md != nil {
			return hashOf(md.file + "\x00" + md.src)
		}
		return ""
	}
	return "?" // an input this version does not know: never equal to a recorded hash
}

// cacheable says whether a file's parse may be recorded: Python models and snapshot
// files (one template, many blocks) are always parsed.
func cacheable(f *SourceFile) bool {
	return f.ResourceType != FileSnapshot && !strings.HasSuffix(f.Path, ".py")
}

// cachedNode is the stored form of a parsedNode (its template is parsed again when the
// node is compiled).
type cachedNode struct {
	Node    *manifest.Node
	Refs    []cachedRef
	Sources []cachedSource
	Macros  []string
}

type cachedRef struct {
	Args manifest.RefArgs
	File string
	Pos  int
}

type cachedSource struct {
	Source, Table, File string
	Pos                 int
}

// encodeParsed is the stored form of a file's parsed nodes, led by its sha256; ok is false
// when a value cannot be stored faithfully (the file is then parsed every time).
func encodeParsed(pns []*parsedNode) ([]byte, bool) {
	out := make([]cachedNode, len(pns))
	for i, pn := range pns {
		c := cachedNode{Node: pn.n, Macros: pn.macros}
		for _, r := range pn.refs {
			c.Refs = append(c.Refs, cachedRef{Args: r.args, File: r.file, Pos: r.pos})
		}
		for _, s := range pn.sources {
			c.Sources = append(c.Sources, cachedSource{Source: s.source, Table: s.table, File: s.file, Pos: s.pos})
		}
		out[i] = c
	}
	// Sorted: the same parse gives the same bytes, so a file parsed again (a full parse
	// after a global change) keeps its digest and its nodes' manifest fragments.
	e := stateEncoder{b: make([]byte, sha256.Size, 2048), sorted: true}
	if err := e.value(reflect.ValueOf(out)); err != nil {
		return nil, false
	}
	// The payload's digest leads it: the nodes' fragment keys start from it (parseMark).
	sum := sha256.Sum256(e.b[sha256.Size:])
	copy(e.b, sum[:])
	return e.b, true
}

// decodeParsed rebuilds a file's parsed nodes from their stored form.
func decodeParsed(data []byte, f *SourceFile) ([]*parsedNode, bool) {
	if len(data) < sha256.Size {
		return nil, false
	}
	digest := [sha256.Size]byte(data[:sha256.Size])
	var in []cachedNode
	d := stateDecoder{b: data[sha256.Size:]}
	d.value(reflect.ValueOf(&in).Elem())
	if d.err != nil || len(d.b) != 0 {
		return nil, false
	}
	display, src := f.DisplayPath(), string(f.Contents)
	out := make([]*parsedNode, 0, len(in))
	for _, c := range in {
		if c.Node == nil {
			return nil, false
		}
		pn := &parsedNode{n: c.Node, macros: c.Macros, file: display, src: src}
		pn.mark = newParseMark(digest, len(out), c.Node, false)
		for _, r := range c.Refs {
			pn.refs = append(pn.refs, refCall{args: r.Args, file: r.File, pos: r.Pos})
		}
		for _, s := range c.Sources {
			pn.sources = append(pn.sources, sourceCall{source: s.Source, table: s.Table, file: s.File, pos: s.Pos})
		}
		out = append(out, pn)
	}
	return out, true
}

// parseFileCached is parseFile through the ParseCache: a recorded parse whose inputs are
// unchanged is reused, otherwise the file is parsed and (when it parsed cleanly and had
// no side effects) recorded with the inputs it read.
func (p *projectImpl) parseFileCached(f *SourceFile, pi *propIndex) ([]*parsedNode, Errors) {
	pc := p.opts.ParseCache
	if pc == nil || !cacheable(f) {
		return p.parseFile(f, pi)
	}
	display := f.DisplayPath()
	cur := func(in string) string { return p.currentInput(f, pi, in) }
	if data, ok := pc.Lookup(display, cur); ok {
		if pns, ok := decodeParsed(data, f); ok {
			for _, pn := range pns {
				if p.verifyMarks {
					pn.mark.sum = ownedSum(pn.n)
				}
			}
			return pns, nil
		}
	}
	pns, errs := p.parseFile(f, pi)
	inputs := map[string]string{inFile: f.Checksum}
	store := len(errs) == 0
	for _, pn := range pns {
		t := p.track(pn.n)
		p.trackers.Delete(pn.n)
		if t == nil || t.noCache {
			store = false
			continue
		}
		if t.options {
			inputs[inOptions] = cur(inOptions)
		}
		for id := range t.macros {
			inputs[inMacro+id] = cur(inMacro + id)
		}
		kind := pn.n.ResourceType
		inputs[inPatch+kind+"\x00"+pn.n.PackageName+"\x00"+pn.n.Name] = cur(inPatch + kind + "\x00" + pn.n.PackageName + "\x00" + pn.n.Name)
	}
	if f.ResourceType == FileModel {
		stem := strings.TrimSuffix(splitResourcePathBase(f), ".sql")
		inputs[inVersion+f.Package.Name+"\x00"+stem] = cur(inVersion + f.Package.Name + "\x00" + stem)
	}
	if store {
		if data, ok := encodeParsed(pns); ok {
			pc.Store(display, inputs, data)
			digest := [sha256.Size]byte(data[:sha256.Size])
			for i, pn := range pns {
				pn.mark = newParseMark(digest, i, pn.n, p.verifyMarks)
			}
		}
	}
	return pns, errs
}

// splitResourcePathBase is the file name of f within its resource folder.
func splitResourcePathBase(f *SourceFile) string {
	rel := splitResourcePath(f)
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		return rel[i+1:]
	}
	return rel
}

// template is the node's parsed template, parsed on first use for a node whose parse was
// reused from the parse state.
func (ns *nodeSource) template(env *jinja.Env) (*jinja.Template, error) {
	ns.once.Do(func() {
		if ns.tmpl == nil && ns.blk == nil {
			ns.tmpl, ns.tmplErr = env.Parse(ns.file, ns.src)
		}
	})
	return ns.tmpl, ns.tmplErr
}

// envRead reports an env_var() read during the load to the ParseCache.
func (rs *renderState) envRead(name string) {
	if rs != nil && rs.mode == modeParse && rs.p.opts.ParseCache != nil {
		rs.p.opts.ParseCache.EnvVar(name)
	}
}

// metadataEnvNames are the DBT_ENV_CUSTOM_ENV_ variables ({{ dbt_metadata_envs }}), sorted.
func metadataEnvNames() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DBT_ENV_CUSTOM_ENV_") {
			out = append(out, kv)
		}
	}
	sort.Strings(out)
	return out
}
