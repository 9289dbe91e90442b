package compiler

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/builtins"
	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
)

// builtinPkg is the namespace of gdbt's built-in macros, dbt's global project.
const builtinPkg = "dbt"

// macroDef is one macro of the registry: a {% macro %}, a {% test %} (named test_<x>) or a
// {% materialization %} (named materialization_<name>_<adapter>).
type macroDef struct {
	pkg, name string
	file      string // display path, for messages
	m         *jinja.Macro
	blk       *jinja.Block // materializations
	src       string
}

func (md *macroDef) uniqueID() string { return "macro." + md.pkg + "." + md.name }

// registry holds every macro by package namespace. It is built once by Load and read-only
// afterwards, so concurrent renders need no locking.
type registry struct {
	byPkg map[string]map[string]*macroDef
	docs  map[string]*manifest.Doc
}

func newRegistry() *registry {
	return &registry{byPkg: map[string]map[string]*macroDef{}, docs: map[string]*manifest.Doc{}}
}

func (r *registry) get(pkg, name string) *macroDef {
	if m, ok := r.byPkg[pkg]; ok {
		return m[name]
	}
	return nil
}

func (r *registry) hasPackage(name string) bool { _, ok := r.byPkg[name]; return ok }

// add registers md; a second definition of one name in one package is an error.
func (r *registry) add(md *macroDef, pos func(int) (int, int), offset int) *Error {
	m := r.byPkg[md.pkg]
	if m == nil {
		m = map[string]*macroDef{}
		r.byPkg[md.pkg] = m
	}
	if old, ok := m[md.name]; ok {
		l, c := pos(offset)
		return Errorf(md.file, l, c, "dbt found two macros named %q in the project %q (the other is in %s)", md.name, md.pkg, old.file)
	}
	m[md.name] = md
	return nil
}

// macroFile is one file of macros to parse: from a package or the built-ins.
type macroFile struct {
	pkg     string
	path    string // relative to the package root
	display string // relative to the root project, for messages
	src     string
}

// parseMacroFiles parses every macro file in parallel and registers the macros in a
// deterministic order (package, path, position). Errors are collected.
func (p *projectImpl) parseMacroFiles(files []macroFile) Errors {
	type parsed struct {
		t   *jinja.Template
		err error
	}
	res := make([]parsed, len(files))
	parallel(len(files), func(i int) {
		t, err := p.env.Parse(files[i].display, files[i].src)
		res[i] = parsed{t, err}
	})
	var errs Errors
	for i, f := range files {
		if res[i].err != nil {
			errs = append(errs, p.jinjaErrors(res[i].err, f.display)...)
			continue
		}
		t := res[i].t
		pos := func(off int) (int, int) { return lineCol(f.src, off) }
		for _, m := range t.Macros() {
			name := m.Name
			if m.Tag == "test" {
				name = "test_" + m.Name
			}
			md := &macroDef{pkg: f.pkg, name: name, file: f.display, m: m, src: sliceMacro(f.src, m.Pos, m.Node)}
			if e := p.reg.add(md, pos, m.Pos); e != nil {
				errs = append(errs, e)
			}
		}
		for _, b := range t.Blocks() {
			switch b.Tag {
			case "materialization":
				name, adapter, err := p.materializationName(b)
				if err != nil {
					l, c := pos(b.Pos)
					errs = append(errs, Errorf(f.display, l, c, "%v", err))
					continue
				}
				md := &macroDef{pkg: f.pkg, name: "materialization_" + name + "_" + adapter, file: f.display, blk: b}
				if e := p.reg.add(md, pos, b.Pos); e != nil {
					errs = append(errs, e)
				}
			case "docs":
				p.addDocBlock(f, b, &errs)
			}
		}
	}
	return errs
}

// sliceMacro returns the macro's source text (for manifest macro_sql) — the whole file when
// the end is unknown.
func sliceMacro(src string, pos int, n *jinja.MacroNode) string {
	if pos < 0 || pos > len(src) {
		return ""
	}
	rest := src[pos:]
	for _, end := range []string{"endmacro", "endtest"} {
		if i := strings.Index(rest, end); i >= 0 {
			if j := strings.Index(rest[i:], "}"); j >= 0 {
				return rest[:i+j+1]
			}
		}
	}
	return rest
}

// materializationName reads {% materialization name, adapter='x' %} / `, default`.
func (p *projectImpl) materializationName(b *jinja.Block) (string, string, error) {
	if len(b.Args) == 0 {
		return "", "", fmt.Errorf("materialization block needs a name")
	}
	nameOf := func(x jinja.Expr) string {
		switch e := x.(type) {
		case *jinja.Name:
			return e.Name
		case *jinja.Const:
			if s, ok := e.Value.(string); ok {
				return s
			}
		}
		return ""
	}
	name := nameOf(b.Args[0])
	adapter := "default"
	for _, a := range b.Args[1:] {
		if n := nameOf(a); n == "default" {
			adapter = "default"
		}
	}
	for _, kw := range b.Kwargs {
		if kw.Name == "adapter" {
			if s := nameOf(kw.Value); s != "" {
				adapter = s
			}
		}
	}
	if name == "" {
		return "", "", fmt.Errorf("materialization block needs a name")
	}
	return name, adapter, nil
}

// addDocBlock registers a {% docs name %} block.
func (p *projectImpl) addDocBlock(f macroFile, b *jinja.Block, errs *Errors) {
	if len(b.Args) == 0 {
		return
	}
	var name string
	switch e := b.Args[0].(type) {
	case *jinja.Name:
		name = e.Name
	case *jinja.Const:
		name, _ = e.Value.(string)
	}
	body, err := b.Render(p.env, &jinja.Context{})
	if err != nil {
		*errs = append(*errs, p.jinjaErrors(err, f.display)...)
		return
	}
	uid := "doc." + f.pkg + "." + name
	p.reg.docs[uid] = &manifest.Doc{UniqueID: uid, ResourceType: "doc", PackageName: f.pkg, Name: name,
		Path: f.path, OriginalFilePath: f.path, BlockContents: strings.TrimSpace(body)}
}

// builtinMacroFiles lists the embedded macro library as the "dbt" package.
func builtinMacroFiles() []macroFile {
	files := builtins.Files()
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]macroFile, 0, len(keys))
	for _, k := range keys {
		out = append(out, macroFile{pkg: builtinPkg, path: k, display: path.Join("<builtin>", k), src: files[k]})
	}
	return out
}

// manifestMacros lists the registry for the manifest.
func (p *projectImpl) manifestMacros() map[string]*manifest.Macro {
	out := map[string]*manifest.Macro{}
	for pkg, m := range p.reg.byPkg {
		for name, md := range m {
			if md.m == nil {
				continue
			}
			fp := strings.TrimPrefix(md.file, "<builtin>/")
			if pr := p.pkgRelDir[pkg]; pr != "" {
				fp = strings.TrimPrefix(fp, pr+"/")
			}
			mm := &manifest.Macro{UniqueID: md.uniqueID(), ResourceType: manifest.MacroRT, PackageName: pkg,
				Name: name, Path: fp, OriginalFilePath: fp, MacroSQL: md.src,
				DependsOn: manifest.DependsOn{Macros: []string{}, Nodes: []string{}}, Meta: map[string]any{}, Arguments: []any{}}
			out[mm.UniqueID] = mm
		}
	}
	return out
}

// nameNode sets database, schema and alias. When the generate_*_name macros are gdbt's
// built-ins, their documented result is computed directly (it is the hot path of parsing
// ten thousand models); a project's or package's own macro is rendered.
func (p *projectImpl) nameNode(n *manifest.Node) *Error {
	custom := func(k string) jinja.Value {
		if s, ok := n.Config[k].(string); ok && s != "" {
			return s
		}
		return nil
	}
	if n.ResourceType == manifest.Snapshot {
		if s, ok := n.Config["target_schema"].(string); ok && s != "" && custom("schema") == nil {
			n.Schema = s
			if d, ok := n.Config["target_database"].(string); ok && d != "" {
				n.Database = d
			}
		}
	}
	db, err := p.generateName("generate_database_name", custom("database"), n, func() string {
		if c := custom("database"); c != nil {
			return strings.TrimSpace(c.(string))
		}
		return p.target.Database
	})
	if err != nil {
		return err
	}
	sch := n.Schema
	if !(n.ResourceType == manifest.Snapshot && n.Config["target_schema"] != nil && custom("schema") == nil) {
		sch, err = p.generateName("generate_schema_name", custom("schema"), n, func() string {
			if c := custom("schema"); c != nil {
				return p.target.Schema + "_" + strings.TrimSpace(c.(string))
			}
			return p.target.Schema
		})
		if err != nil {
			return err
		}
	} else {
		db = n.Database
	}
	alias, err := p.generateName("generate_alias_name", custom("alias"), n, func() string {
		if c := custom("alias"); c != nil {
			return strings.TrimSpace(c.(string))
		}
		return defaultAlias(n)
	})
	if err != nil {
		return err
	}
	n.Database, n.Schema, n.Alias = db, sch, alias
	return nil
}

// generateName calls a naming macro (root project, then the node's package, then the
// built-ins), or computes the built-in's result in Go.
func (p *projectImpl) generateName(macro string, customName jinja.Value, n *manifest.Node, builtin func() string) (string, *Error) {
	md := p.reg.get(p.root, macro)
	if md == nil {
		md = p.reg.get(n.PackageName, macro)
	}
	if md == nil || md.m == nil {
		return builtin(), nil
	}
	rs := p.newState(background, n, modeParse, nil)
	rs.pkg = md.pkg
	v, err := rs.bind(md).CallJinja(&jinja.Call{Ctx: rs.rootContext(), File: n.OriginalFilePath}, []jinja.Value{customName, nodeDict(n)}, nil)
	if err != nil {
		if rv, ok := jinja.ReturnValue(err); ok {
			v = rv
		} else {
			e := p.jinjaErrors(err, n.OriginalFilePath)[0]
			e.Msg = fmt.Sprintf("%s for %s: %s", macro, n.UniqueID, e.Msg)
			return "", e
		}
	}
	return strings.TrimSpace(str(v)), nil
}
