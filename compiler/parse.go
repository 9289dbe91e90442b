package compiler

import (
	"maps"
	"path"
	"regexp"
	"strings"
	"unsafe"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
)

// parsedNode is one node with what parsing captured, before refs are resolved.
type parsedNode struct {
	n       *manifest.Node
	refs    []refCall
	sources []sourceCall
	macros  []string
	file    string
	src     string
	tmpl    *jinja.Template
	blk     *jinja.Block
	// warns are the file's warnings (unknown config keys), emitted in file order after the
	// parallel parse.
	warns []string
	// mark identifies the recorded parse the node is (nil: not recorded), for its manifest
	// fragment key (artifacts_reuse.go).
	mark *parseMark
}

// propIndex finds the property YAML patch of a node.
type propIndex struct {
	nodes map[string]*nodePatch // key: kind + "\x00" + package + "\x00" + name
	// order is nodes' keys in file order; dups are later entries for a key already taken
	// (checkPatches).
	order []string
	dups  []patchDup
	props []*Properties
	// versions are the model versions by the file that defines them (package + "\x00" +
	// file stem), filled by claimVersionFiles.
	versions map[string]*versionPatch
}

type nodePatch struct {
	np       *NodeProps
	file     *SourceFile
	rendered string // the file's Properties.RenderedWith
}

func indexProperties(props []*Properties) *propIndex {
	pi := &propIndex{nodes: map[string]*nodePatch{}}
	for _, pr := range props {
		if pr == nil {
			continue
		}
		pi.props = append(pi.props, pr)
		pkg := pr.File.Package.Name
		for _, group := range [][]*NodeProps{pr.Models, pr.Seeds, pr.Snapshots, pr.Analyses} {
			for _, np := range group {
				key := np.Kind + "\x00" + pkg + "\x00" + np.Name
				pt := &nodePatch{np: np, file: pr.File, rendered: pr.RenderedWith}
				if first := pi.nodes[key]; first != nil {
					pi.dups = append(pi.dups, patchDup{key: key, first: first, next: pt})
					continue // the first entry patches the node, as dbt's
				}
				pi.nodes[key] = pt
				pi.order = append(pi.order, key)
			}
		}
	}
	return pi
}

func (pi *propIndex) patch(kind, pkg, name string) *nodePatch {
	return pi.nodes[kind+"\x00"+pkg+"\x00"+name]
}

// resourcePaths are the folders of a package holding one resource type.
func resourcePaths(pc *ProjectConfig, rt string) []string {
	switch rt {
	case FileModel:
		return pc.ModelPaths
	case FileSeed:
		return pc.SeedPaths
	case FileTest:
		return pc.TestPaths
	case FileSnapshot:
		return pc.SnapshotPaths
	case FileAnalysis:
		return pc.AnalysisPaths
	}
	return nil
}

// splitResourcePath returns the path of a file relative to its resource folder
// ("marts/dim_orders.sql" for "models/marts/dim_orders.sql").
func splitResourcePath(f *SourceFile) string {
	return relToFolders(f.Path, resourcePaths(f.Package.Config, f.ResourceType))
}

// relToFolders is p relative to the first of the folders lists' entries it lies under
// (p itself when none, or when a folder is the package root).
func relToFolders(p string, folders ...[]string) string {
	for _, dirs := range folders {
		for _, rp := range dirs {
			rp = strings.Trim(path.Clean(strings.ReplaceAll(rp, "\\", "/")), "/")
			if rp == "." || rp == "" {
				return p
			}
			if strings.HasPrefix(p, rp+"/") {
				return strings.TrimPrefix(p, rp+"/")
			}
		}
	}
	return p
}

// fqnOf is [package, folders…, name].
func fqnOf(pkg, rel, name string) []string {
	fqn := []string{pkg}
	if dir := path.Dir(rel); dir != "." && dir != "" {
		fqn = append(fqn, strings.Split(dir, "/")...)
	}
	return append(fqn, name)
}

// parseNodes parses every model, seed, snapshot, analysis and singular test in parallel.
func (p *projectImpl) parseNodes(files []*SourceFile, pi *propIndex) ([]*parsedNode, Errors) {
	var tasks []*SourceFile
	for _, f := range files {
		switch f.ResourceType {
		case FileModel, FileSeed, FileTest, FileSnapshot, FileAnalysis:
			if f.ResourceType != FileSeed && !strings.HasSuffix(f.Path, ".sql") && !(f.ResourceType == FileModel && strings.HasSuffix(f.Path, ".py")) {
				continue
			}
			tasks = append(tasks, f)
		}
	}
	errs := p.claimVersionFiles(files, pi)
	outs := make([][]*parsedNode, len(tasks))
	errss := make([]Errors, len(tasks))
	parallel(len(tasks), func(i int) {
		outs[i], errss[i] = p.parseFileCached(tasks[i], pi)
	})
	var all []*parsedNode
	for i, f := range tasks {
		for _, pn := range outs[i] {
			for _, w := range pn.warns {
				p.warn(w)
			}
		}
		all = append(all, outs[i]...)
		errs = append(errs, errss[i]...)
		if len(outs[i]) == 0 && len(errss[i]) > 0 && (f.ResourceType == FileModel || f.ResourceType == FileSeed) {
			name := path.Base(f.Path)
			p.unparsed[f.Package.Name+"."+strings.TrimSuffix(name, path.Ext(name))] = errss[i][0]
		}
	}
	ys, yerrs := p.parseYAMLSnapshots(pi)
	return append(all, ys...), append(errs, yerrs...)
}

// resourceTypeOf maps a file kind to the manifest resource type.
func resourceTypeOf(ft string) string {
	switch ft {
	case FileModel:
		return manifest.Model
	case FileSeed:
		return manifest.Seed
	case FileTest:
		return manifest.Test
	case FileSnapshot:
		return manifest.Snapshot
	case FileAnalysis:
		return manifest.Analysis
	}
	return ft
}

func (p *projectImpl) parseFile(f *SourceFile, pi *propIndex) (out []*parsedNode, errs Errors) {
	defer func() {
		if r := recover(); r != nil {
			errs = append(errs, Errorf(f.DisplayPath(), 0, 0, "internal error while parsing: %v", r))
		}
	}()
	// The file's bytes are never written after they are read (SourceFile.Contents), so the
	// node's code shares them instead of holding a second copy of every model's SQL.
	src := unsafe.String(unsafe.SliceData(f.Contents), len(f.Contents))
	rel := splitResourcePath(f)
	display := f.DisplayPath()
	rt := resourceTypeOf(f.ResourceType)
	if f.ResourceType == FileSeed {
		name := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
		n := p.newNode(f, rt, name, rel, "")
		n.RootPath = path.Join(f.Package.RelDir, f.Path)
		p.applyPatch(n, pi, f)
		if err := p.finishNode(n, nil); err != nil {
			return nil, Errors{err}
		}
		return []*parsedNode{{n: n, file: display, src: src}}, nil
	}
	if f.ResourceType == FileModel && strings.HasSuffix(f.Path, ".py") {
		return p.parsePythonModel(f, pi, rel, display, src)
	}
	tmpl, err := p.env.Parse(display, src)
	if err != nil {
		return nil, p.jinjaErrors(err, display)
	}
	if f.ResourceType == FileSnapshot {
		return p.parseSnapshots(f, tmpl, rel, display, src, pi)
	}
	name := strings.TrimSuffix(path.Base(rel), ".sql")
	var vp *versionPatch
	if rt == manifest.Model {
		vp = pi.version(f.Package.Name, name)
	}
	if vp != nil {
		name = vp.np.Name
	}
	n := p.newNode(f, rt, name, rel, src)
	if vp != nil {
		p.applyVersion(n, vp)
	} else {
		p.applyPatch(n, pi, f)
	}
	pn := &parsedNode{n: n, file: display, src: src}
	var cfgIssues []configIssue
	if refs, srcs, cfg, issues, ok := staticExtract(tmpl, display); ok {
		pn.refs, pn.sources = refs, srcs
		cfgIssues = issues
		if cfg != nil {
			n.ConfigCallDict = cfg
		}
	} else {
		rs := p.newState(background, n, modeParse, nil)
		if _, err := tmpl.Render(p.env, rs.rootContext()); err != nil {
			if _, isRet := jinja.ReturnValue(err); !isRet {
				return nil, p.jinjaErrors(err, display)
			}
		}
		pn.refs, pn.sources, pn.macros = rs.refs, rs.sources, rs.macroDeps()
		cfgIssues = rs.cfgIssues
		if rs.cfgCall != nil {
			n.ConfigCallDict = rs.cfgCall
		}
	}
	pn.tmpl = tmpl
	cerrs := p.configErrors(cfgIssues, n.ResourceType, n.Name, display, src)
	pn.warns = p.configWarnings(cfgIssues, n, display, src)
	if err := p.finishNode(n, n.ConfigCallDict); err != nil {
		return nil, append(cerrs, err)
	}
	if errs := p.prepareContract(pn); len(errs) > 0 {
		return nil, append(cerrs, errs...)
	}
	p.captureHookDeps(pn)
	return []*parsedNode{pn}, cerrs
}

var snapshotEnd = regexp.MustCompile(`\{%-?\s*endsnapshot\s*-?%\}`)

// parseSnapshots makes one node per {% snapshot name %} block of a file.
func (p *projectImpl) parseSnapshots(f *SourceFile, tmpl *jinja.Template, rel, display, src string, pi *propIndex) ([]*parsedNode, Errors) {
	var out []*parsedNode
	var errs Errors
	for _, b := range tmpl.Blocks() {
		if b.Tag != "snapshot" || len(b.Args) == 0 {
			continue
		}
		name := ""
		switch e := b.Args[0].(type) {
		case *jinja.Name:
			name = e.Name
		case *jinja.Const:
			name, _ = e.Value.(string)
		}
		body := src[b.Pos:]
		if i := strings.Index(body, "%}"); i >= 0 {
			body = body[i+2:]
		}
		if loc := snapshotEnd.FindStringIndex(body); loc != nil {
			body = body[:loc[0]]
		}
		fqnRel := path.Join(path.Dir(rel), name+".sql")
		n := p.newNode(f, manifest.Snapshot, name, fqnRel, strings.TrimSpace(body))
		n.Path = rel
		p.applyPatch(n, pi, f)
		rs := p.newState(background, n, modeParse, nil)
		if _, err := b.Render(p.env, rs.rootContext()); err != nil {
			if _, isRet := jinja.ReturnValue(err); !isRet {
				errs = append(errs, p.jinjaErrors(err, display)...)
				continue
			}
		}
		if rs.cfgCall != nil {
			n.ConfigCallDict = rs.cfgCall
		}
		errs = append(errs, p.configErrors(rs.cfgIssues, n.ResourceType, n.Name, display, src)...)
		if err := p.finishNode(n, n.ConfigCallDict); err != nil {
			errs = append(errs, err)
			continue
		}
		pn := &parsedNode{n: n, refs: rs.refs, sources: rs.sources, macros: rs.macroDeps(), file: display, src: src, blk: b,
			warns: p.configWarnings(rs.cfgIssues, n, display, src)}
		p.captureHookDeps(pn)
		out = append(out, pn)
	}
	return out, errs
}

// newNode builds a node with its identity and the config from the project files.
func (p *projectImpl) newNode(f *SourceFile, rt, name, rel, raw string) *manifest.Node {
	pkg := f.Package.Name
	fqn := fqnOf(pkg, rel, name)
	n := &manifest.Node{
		UniqueID: rt + "." + pkg + "." + name, ResourceType: rt, PackageName: pkg, Name: name, Alias: name,
		FQN: fqn, Path: rel, OriginalFilePath: f.Path,
		Checksum: manifest.Checksum{Name: "sha256", Checksum: f.Checksum}, Language: "sql", RawCode: raw,
		Columns: map[string]*manifest.Column{}, Meta: map[string]any{}, Docs: map[string]any{"show": true},
		Refs: []manifest.RefArgs{}, Sources: [][]string{}, Tags: []string{},
		DependsOn:      manifest.DependsOn{Macros: []string{}, Nodes: []string{}},
		ConfigCallDict: map[string]any{}, UnrenderedConfig: map[string]any{},
		Database: p.target.Database, Schema: p.target.Schema,
	}
	if rt == manifest.Seed {
		n.Language = ""
		n.Checksum.Checksum = f.Checksum
	}
	cfgRT := rt
	if rt == manifest.Analysis {
		cfgRT = "analysis"
	}
	if cacheable(f) {
		p.startTrack(n)
	}
	cfg := p.defaultConfig(cfgRT)
	proj := ResolveProjectConfig(p.rootPC, f.Package.Config, cfgRT, fqn)
	MergeConfig(cfg, proj)
	for k, v := range proj {
		n.UnrenderedConfig[NormalizeConfigKey(k)] = v
	}
	n.Config = cfg
	return n
}

// defaultConfig is DefaultConfig(rt) built once per load and copied per node (the copy is
// shallow: MergeConfig replaces, never mutates, the default lists and maps it merges into).
func (p *projectImpl) defaultConfig(rt string) map[string]any {
	p.defaultsMu.Lock()
	proto, ok := p.defaults[rt]
	if !ok {
		if p.defaults == nil {
			p.defaults = map[string]map[string]any{}
		}
		proto = DefaultConfig(rt)
		p.defaults[rt] = proto
	}
	p.defaultsMu.Unlock()
	return maps.Clone(proto) // copies the table wholesale, cheaper than re-inserting
}

// applyPatch applies the node's property YAML entry: description, columns, config, docs.
func (p *projectImpl) applyPatch(n *manifest.Node, pi *propIndex, f *SourceFile) {
	kind := n.ResourceType
	pt := pi.patch(kind, n.PackageName, n.Name)
	if pt == nil {
		return
	}
	p.patchNode(n, pt.np, pt.file)
}

// patchNode applies one property YAML entry, np from file, to n.
func (p *projectImpl) patchNode(n *manifest.Node, np *NodeProps, file *SourceFile) {
	n.PatchPath = n.PackageName + "://" + file.Path
	n.Description = p.renderDescription(n, np.Description)
	if np.Config != nil {
		MergeConfig(n.Config, np.Config)
		for k, v := range np.Config {
			n.UnrenderedConfig[NormalizeConfigKey(k)] = v
		}
	}
	if len(np.Tags) > 0 {
		tags := make([]any, len(np.Tags))
		for i, t := range np.Tags {
			tags[i] = t
		}
		MergeConfig(n.Config, map[string]any{"tags": tags})
	}
	if np.Meta != nil {
		MergeConfig(n.Config, map[string]any{"meta": np.Meta})
	}
	// A top-level access or group moves into config (dbt-core parser/schemas.py
	// normalize_attribute; the parser refuses one set in both places).
	if np.Access != "" {
		n.Config["access"] = np.Access
	}
	if np.Group != "" {
		n.Config["group"] = np.Group
	}
	if np.Docs != nil {
		n.Docs = np.Docs
	}
	if np.Constraints != nil {
		n.Constraints = np.Constraints
	}
	if np.TimeSpine != nil && n.ResourceType == manifest.Model {
		n.TimeSpine = np.TimeSpine
	}
	for _, c := range np.Columns {
		col := &manifest.Column{Name: c.Name, Description: p.renderDescription(n, c.Description), Meta: c.Meta, DataType: c.DataType, Quote: c.Quote, Tags: c.Tags,
			Constraints: c.Constraints, Index: len(n.Columns)}
		if col.Meta == nil {
			col.Meta = map[string]any{}
		}
		if col.Tags == nil {
			col.Tags = []string{}
		}
		n.Columns[c.Name] = col
	}
}

// renderDescription renders {{ doc('x') }} and other Jinja in a YAML description, as dbt
// does at parse time; a description that fails to render is kept as written.
func (p *projectImpl) renderDescription(n *manifest.Node, desc string) string {
	if !strings.Contains(desc, "{{") && !strings.Contains(desc, "{%") {
		return desc
	}
	t, err := p.env.Parse(n.OriginalFilePath, desc)
	if err != nil {
		return desc
	}
	rs := p.newState(background, n, modeParse, nil)
	out, err := t.Render(p.env, rs.rootContext())
	if err != nil {
		return desc
	}
	return out
}

// finishNode merges the config() call, then derives tags, meta and the node's database,
// schema and alias through the generate_*_name macros.
func (p *projectImpl) finishNode(n *manifest.Node, call map[string]any) *Error {
	if call != nil {
		MergeConfig(n.Config, call)
		for k, v := range call {
			n.UnrenderedConfig[NormalizeConfigKey(k)] = v
		}
	}
	n.Tags = strList(n.Config["tags"])
	if meta, ok := n.Config["meta"].(map[string]any); ok {
		for k, v := range meta {
			n.Meta[k] = v
		}
	}
	if d, ok := n.Config["docs"].(map[string]any); ok && len(d) > 0 {
		n.Docs = d
	}
	if err := p.nameNode(n); err != nil {
		return err
	}
	return nil
}

func strList(v any) []string {
	out := []string{}
	for _, x := range asList(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// ---- dbt's static fast path ----

// staticExtract reads ref/source/config calls from a template whose only Jinja is
// {{ ref('x') }}, {{ source('s', 't') }} and {{ config(k=literal, …) }} with literal
// arguments, without rendering. ok is false when the template needs rendering.
func staticExtract(t *jinja.Template, file string) (refs []refCall, srcs []sourceCall, cfg map[string]any, issues []configIssue, ok bool) {
	root := t.Root()
	if root == nil {
		return nil, nil, nil, nil, false
	}
	for _, node := range root.Body {
		switch x := node.(type) {
		case *jinja.TemplateData:
			continue
		case *jinja.Output:
			call, isCall := x.X.(*jinja.CallExpr)
			if !isCall || call.DynArgs != nil || call.DynKw != nil {
				return nil, nil, nil, nil, false
			}
			fn, isName := call.Func.(*jinja.Name)
			if !isName {
				return nil, nil, nil, nil, false
			}
			args := make([]any, len(call.Args))
			for i, a := range call.Args {
				v, lit := literal(a)
				if !lit {
					return nil, nil, nil, nil, false
				}
				args[i] = v
			}
			kw := map[string]any{}
			for _, k := range call.Kwargs {
				v, lit := literal(k.Value)
				if !lit {
					return nil, nil, nil, nil, false
				}
				kw[k.Name] = v
			}
			switch fn.Name {
			case "ref":
				ra := manifest.RefArgs{}
				ss := make([]string, len(args))
				for i, a := range args {
					s, isStr := a.(string)
					if !isStr {
						return nil, nil, nil, nil, false
					}
					ss[i] = s
				}
				switch len(ss) {
				case 1:
					ra.Name = ss[0]
				case 2:
					ra.Package, ra.Name = ss[0], ss[1]
				default:
					return nil, nil, nil, nil, false
				}
				for k, v := range kw {
					if k != "version" && k != "v" {
						return nil, nil, nil, nil, false
					}
					ra.Version = v
				}
				refs = append(refs, refCall{args: ra, file: file, pos: call.Pos})
			case "source":
				if len(args) != 2 || len(kw) != 0 {
					return nil, nil, nil, nil, false
				}
				s, ok1 := args[0].(string)
				tb, ok2 := args[1].(string)
				if !ok1 || !ok2 {
					return nil, nil, nil, nil, false
				}
				srcs = append(srcs, sourceCall{source: s, table: tb, file: file, pos: call.Pos})
			case "config":
				if len(args) != 0 {
					return nil, nil, nil, nil, false
				}
				if cfg == nil {
					cfg = map[string]any{}
				}
				keys := make([]string, len(call.Kwargs))
				for i, k := range call.Kwargs {
					keys[i] = k.Name
					mergeCallConfig(cfg, k.Name, kw[k.Name])
				}
				issues = append(issues, checkConfigCall(file, call.Pos, kw, keys)...)
			default:
				return nil, nil, nil, nil, false
			}
		default:
			return nil, nil, nil, nil, false
		}
	}
	return refs, srcs, cfg, issues, true
}

// literal evaluates a constant expression (str, number, bool, None, list, tuple, dict).
func literal(x jinja.Expr) (any, bool) {
	switch e := x.(type) {
	case *jinja.Const:
		v := e.Value
		if i, ok := v.(int); ok {
			v = int64(i)
		}
		return v, true
	case *jinja.ListExpr:
		out := make([]any, 0, len(e.Items))
		for _, it := range e.Items {
			v, ok := literal(it)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	case *jinja.TupleExpr:
		return literal(&jinja.ListExpr{Items: e.Items})
	case *jinja.DictExpr:
		out := map[string]any{}
		for i := range e.Keys {
			k, ok := literal(e.Keys[i])
			ks, isStr := k.(string)
			if !ok || !isStr {
				return nil, false
			}
			v, ok := literal(e.Values[i])
			if !ok {
				return nil, false
			}
			out[ks] = v
		}
		return out, true
	}
	return nil, false
}
