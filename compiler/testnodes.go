package compiler

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
)

// genericTest is what compiling a generic test node needs: the test macro and its kwargs.
type genericTest struct {
	def    *TestDef
	macro  *macroDef
	tested string // unique id of the tested model/seed/snapshot/source
}

// addSources makes manifest sources from property YAML.
func (p *projectImpl) addSources(m *manifest.Manifest, pi *propIndex) Errors {
	var errs Errors
	for _, pr := range pi.props {
		pkg := pr.File.Package.Name
		for _, sp := range pr.Sources {
			for _, tp := range sp.Tables {
				uid := "source." + pkg + "." + sp.Name + "." + tp.Name
				if _, dup := m.Sources[uid]; dup {
					errs = append(errs, Errorf(pr.File.DisplayPath(), tp.Line, tp.Col, "source %s.%s is defined twice", sp.Name, tp.Name))
					continue
				}
				db := sp.Database
				if db == "" {
					db = p.target.Database
				}
				sch := sp.Schema
				if sch == "" {
					sch = sp.Name
				}
				cfg := map[string]any{"enabled": true}
				MergeConfig(cfg, ResolveProjectConfig(p.rootPC, pr.File.Package.Config, "source", []string{pkg, sp.Name, tp.Name}))
				MergeConfig(cfg, sp.Config)
				MergeConfig(cfg, tp.Config)
				if b, ok := cfg["enabled"].(bool); ok && !b {
					continue
				}
				s := &manifest.Source{
					UniqueID: uid, ResourceType: manifest.SourceRT, PackageName: pkg, SourceName: sp.Name,
					Name: tp.Name, Identifier: tp.Identifier, Database: db, Schema: sch,
					FQN: sourceFQN(pkg, pr.File, sp.Name, tp.Name), Path: pr.File.Path, OriginalFilePath: pr.File.Path,
					Loader: sp.Loader, Description: tp.Description, SourceDescription: sp.Description,
					Columns: map[string]*manifest.Column{}, Meta: orEmpty(tp.Meta), SourceMeta: orEmpty(sp.Meta),
					Tags: append(append([]string{}, sp.Tags...), tp.Tags...), Config: cfg,
					LoadedAtField: firstNonEmpty(tp.LoadedAtField, sp.LoadedAtField),
					Quoting:       mergedQuoting(sp.Quoting, tp.Quoting),
				}
				if tp.ExternalLocation != "" {
					loc, err := formatExternalLocation(tp.ExternalLocation, s, sp.Config, tp.Config)
					if err != nil {
						errs = append(errs, Errorf(pr.File.DisplayPath(), tp.Line, tp.Col, "source %s.%s: %v", sp.Name, tp.Name, err))
					}
					s.ExternalLocation = loc
				}
				if tp.Freshness != nil {
					s.Freshness = tp.Freshness
				} else if sp.Freshness != nil && !tp.FreshnessNull {
					s.Freshness = sp.Freshness
				}
				for _, c := range tp.Columns {
					s.Columns[c.Name] = &manifest.Column{Name: c.Name, Description: c.Description, Meta: orEmpty(c.Meta), DataType: c.DataType, Quote: c.Quote, Tags: orEmptyS(c.Tags)}
				}
				r := newRelation(p.dialect, s.Database, s.Schema, s.Identifier, "table").withQuoting(s.Quoting)
				if s.ExternalLocation != "" {
					r.external = p.dialect.ExternalSQL(p.externalPath(s.ExternalLocation))
				}
				s.RelationName = r.JinjaString()
				m.Sources[uid] = s
			}
		}
	}
	return errs
}

func sourceFQN(pkg string, f *SourceFile, src, tbl string) []string {
	fqn := []string{pkg}
	rel := splitResourcePathFor(f)
	if d := path.Dir(rel); d != "." && d != "" {
		fqn = append(fqn, strings.Split(d, "/")...)
	}
	return append(fqn, src, tbl)
}

// splitResourcePathFor strips the model path from a property file's path.
func splitResourcePathFor(f *SourceFile) string {
	for _, rp := range f.Package.Config.ModelPaths {
		rp = strings.Trim(path.Clean(rp), "/")
		if strings.HasPrefix(f.Path, rp+"/") {
			return strings.TrimPrefix(f.Path, rp+"/")
		}
	}
	return f.Path
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func orEmptyS(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// addExposures makes manifest exposures; their depends_on strings are rendered in parse mode.
func (p *projectImpl) addExposures(m *manifest.Manifest, pi *propIndex) Errors {
	var errs Errors
	for _, pr := range pi.props {
		pkg := pr.File.Package.Name
		for _, ep := range pr.Exposures {
			uid := "exposure." + pkg + "." + ep.Name
			e := &manifest.Exposure{UniqueID: uid, ResourceType: manifest.ExposureRT, PackageName: pkg, Name: ep.Name,
				Type: ep.Type, Owner: orEmpty(ep.Owner), Description: ep.Description, FQN: []string{pkg, ep.Name},
				Path: pr.File.Path, OriginalFilePath: pr.File.Path, Tags: orEmptyS(ep.Tags), Meta: orEmpty(ep.Meta),
				Config: map[string]any{"enabled": true}, Refs: []manifest.RefArgs{}, Sources: [][]string{},
				DependsOn: manifest.DependsOn{Macros: []string{}, Nodes: []string{}}, URL: ep.URL, Maturity: ep.Maturity}
			deps := map[string]bool{}
			for _, d := range ep.DependsOn {
				rs := p.newState(background, nil, modeParse, nil)
				rs.pkg = pkg
				t, err := p.env.Parse(pr.File.DisplayPath(), "{{ "+d+" }}")
				if err == nil {
					_, err = t.Render(p.env, rs.rootContext())
				}
				if err != nil {
					errs = append(errs, Errorf(pr.File.DisplayPath(), ep.Line, ep.Col, "exposure %s: depends_on %q: %v", ep.Name, d, err))
					continue
				}
				for _, rc := range rs.refs {
					e.Refs = append(e.Refs, rc.args)
					n, err := p.resolveRef(pkg, rc.args)
					if err != nil {
						errs = append(errs, Errorf(pr.File.DisplayPath(), ep.Line, ep.Col, "exposure %s: %v", ep.Name, err))
						continue
					}
					deps[n.UniqueID] = true
				}
				for _, sc := range rs.sources {
					e.Sources = append(e.Sources, []string{sc.source, sc.table})
					s, err := p.resolveSource(pkg, sc.source, sc.table)
					if err != nil {
						errs = append(errs, Errorf(pr.File.DisplayPath(), ep.Line, ep.Col, "exposure %s: %v", ep.Name, err))
						continue
					}
					deps[s.UniqueID] = true
				}
			}
			e.DependsOn.Nodes = sortedSet(deps)
			m.Exposures[uid] = e
		}
	}
	return errs
}

var nonIdent = regexp.MustCompile(`[^0-9a-zA-Z_]+`)

// testNames is dbt's generic test naming: <type>_<target>_<args flattened>, with names of 64
// characters or more shortened to the first 30 characters and an md5 of the full name.
func testNames(testType, target string, args map[string]any) (short, full string) {
	keys := make([]string, 0, len(args))
	for k := range args {
		if k != "model" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var flat []string
	for _, k := range keys {
		switch v := args[k].(type) {
		case map[string]any:
			vk := make([]string, 0, len(v))
			for kk := range v {
				vk = append(vk, kk)
			}
			sort.Strings(vk)
			for _, kk := range vk {
				flat = append(flat, pyStr(v[kk]))
			}
		case []any:
			for _, x := range v {
				flat = append(flat, pyStr(x))
			}
		default:
			flat = append(flat, pyStr(v))
		}
	}
	for i, f := range flat {
		flat[i] = nonIdent.ReplaceAllString(f, "_")
	}
	ident := testType + "_" + target
	full = ident + "_" + strings.Join(flat, "__")
	if len(full) >= 64 {
		h := md5.Sum([]byte(full))
		id := ident
		if len(id) > 30 {
			id = id[:30]
		}
		return id + "_" + hex.EncodeToString(h[:]), full
	}
	return full, full
}

// pyStr is Python's str() of a YAML value.
func pyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return x
	}
	return jinja.ToString(jinja.FromGo(v))
}

// errTestedMissing marks a generic test whose model, seed or snapshot does not exist: dbt
// warns and drops such a test rather than failing the parse (dbt-utils' own integration
// project has one), and so does gdbt.
var errTestedMissing = errors.New("which was not found")

// addGenericTests makes one test node per TestDef.
func (p *projectImpl) addGenericTests(m *manifest.Manifest, pi *propIndex) Errors {
	// Tests are built per property file in parallel (they only read the manifest), then
	// added in file order, so duplicates and errors come out the same on every run.
	type built struct {
		n   *manifest.Node
		err error
	}
	out := make([][]built, len(pi.props))
	parallel(len(pi.props), func(i int) {
		pr := pi.props[i]
		bs := make([]built, len(pr.Tests))
		for j, td := range pr.Tests {
			bs[j].n, bs[j].err = p.genericTestNode(m, pr.File, pr.File.Package.Name, td)
		}
		out[i] = bs
	})
	var errs Errors
	for i, pr := range pi.props {
		display := pr.File.DisplayPath()
		for j, td := range pr.Tests {
			n, err := out[i][j].n, out[i][j].err
			if errors.Is(err, errTestedMissing) {
				p.warn(Errorf(display, td.Line, td.Col, "%v; the test is skipped (create it, or remove the test from this file)", err).Error())
				continue
			}
			if err != nil {
				errs = append(errs, Errorf(display, td.Line, td.Col, "%v", err))
				continue
			}
			if n == nil {
				continue
			}
			if _, dup := m.Nodes[n.UniqueID]; dup {
				errs = append(errs, Errorf(display, td.Line, td.Col, "dbt found two tests with the name %q", n.Name))
				continue
			}
			m.Nodes[n.UniqueID] = n
		}
	}
	return errs
}

// looksLikeFunc is dbt's rule for test arguments rendered as expressions (to: ref('x')).
var looksLikeFunc = regexp.MustCompile(`^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$`)

// testNodeDocs is every generic test node's docs until its config sets its own: one map
// shared by all of them (26,000 one-entry maps were 9 MB of a 10,000-model project's live
// heap). It is never written: a node's docs are replaced, never edited in place
// (finishNode, property patches).
var testNodeDocs = map[string]any{"show": true}

func (p *projectImpl) genericTestNode(m *manifest.Manifest, f *SourceFile, pkg string, td *TestDef) (*manifest.Node, error) {
	// The tested resource.
	var tested, targetName, fileKey string
	var testedNode *manifest.Node
	switch td.TestedKind {
	case "source":
		uid := "source." + pkg + "." + td.TestedName + "." + td.SourceTable
		if _, ok := m.Sources[uid]; !ok {
			return nil, nil // disabled source
		}
		tested, targetName, fileKey = uid, td.TestedName+"_"+td.SourceTable, "sources."+td.TestedName
	default:
		rt := td.TestedKind
		if rt == "" {
			rt = manifest.Model
		}
		uid := rt + "." + pkg + "." + td.TestedName
		if td.TestedVersion != nil {
			uid += ".v" + manifest.VersionString(td.TestedVersion)
		}
		n, ok := m.Nodes[uid]
		if !ok {
			// A version whose file is missing was warned about by claimVersionFiles.
			if td.TestedVersion != nil || p.disabledOrMissing(rt, pkg, td.TestedName) {
				return nil, nil
			}
			return nil, fmt.Errorf("test %s is defined on %s %q, %w", td.FullName(), rt, td.TestedName, errTestedMissing)
		}
		testedNode = n
		tested, targetName, fileKey = uid, td.TestedName, rt+"s."+td.TestedName
		if td.TestedVersion != nil {
			targetName = defaultAlias(n)
		}
	}
	// The test macro.
	macroName := "test_" + td.Name
	var md *macroDef
	if td.Namespace != "" {
		md = p.reg.get(td.Namespace, macroName)
	} else {
		for _, pk := range []string{pkg, p.root, builtinPkg} {
			if md = p.reg.get(pk, macroName); md != nil {
				break
			}
		}
	}
	if md == nil {
		return nil, fmt.Errorf("test %s on %s: no test macro named %s found (define it with {%% test %s(model, column_name) %%})", td.FullName(), td.TestedName, strings.TrimPrefix(td.FullName(), td.Namespace+"."), td.Name)
	}
	// dbt renders the test at parse, where Jinja2 refuses an argument the macro does not
	// take ("macro 'x' takes no keyword argument 'y'"); gdbt reports it at the YAML line.
	if md.m != nil {
		var bad []string
		for k := range td.Kwargs {
			if !md.m.AcceptsKeyword(k) {
				bad = append(bad, k)
			}
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			return nil, fmt.Errorf("test %s on %s: the test macro %s takes no argument %s (its arguments: %s)", td.FullName(), td.TestedName, md.name, strings.Join(bad, ", "), strings.Join(md.m.Params, ", "))
		}
	}
	kwargs := testKwargs(td)
	ids := td.IDs
	if ids == nil || ids.Target != targetName {
		ids = testIDsOf(td, targetName, kwargs)
	}
	name := ids.Short
	if td.CustomName != "" {
		name = td.CustomName
	}
	uid := "test." + pkg + "." + name + "." + ids.Hash
	macroCall := "test_" + td.Name
	if td.Namespace != "" {
		macroCall = td.Namespace + "." + macroCall
	}
	rel := splitResourcePathFor(f)
	fqn := []string{pkg}
	if d := path.Dir(rel); d != "." && d != "" {
		fqn = append(fqn, strings.Split(d, "/")...)
	}
	fqn = append(fqn, name)
	n := &manifest.Node{
		UniqueID: uid, ResourceType: manifest.Test, PackageName: pkg, Name: name, Alias: name,
		FQN: fqn, Path: name + ".sql", OriginalFilePath: f.Path,
		Checksum: manifest.Checksum{Name: "none", Checksum: ""}, Language: "sql",
		RawCode: "{{ " + macroCall + "(**_dbt_generic_test_kwargs) }}",
		Columns: map[string]*manifest.Column{}, Meta: map[string]any{}, Docs: testNodeDocs,
		Refs: []manifest.RefArgs{}, Sources: [][]string{}, Tags: []string{},
		DependsOn:      manifest.DependsOn{Macros: []string{md.uniqueID()}, Nodes: []string{}},
		ConfigCallDict: map[string]any{}, UnrenderedConfig: map[string]any{}, Description: td.Description,
		TestMetadata: &manifest.TestMetadata{Name: td.Name, Kwargs: kwargs, Namespace: td.Namespace},
		ColumnName:   td.ColumnName, FileKeyName: fileKey,
		Database: p.target.Database, Schema: p.target.Schema,
	}
	if testedNode != nil {
		n.AttachedNode = testedNode.UniqueID
	}
	tcfg, err := p.renderTestConfig(f, td.Config)
	if err != nil {
		return nil, fmt.Errorf("test %s on %s: %v", td.FullName(), td.TestedName, err)
	}
	n.Config = p.testConfig(ResolveProjectConfig(p.rootPC, f.Package.Config, "test", fqn), tcfg) // may be shared: testconfig_shared.go
	for k, v := range td.Config {
		n.UnrenderedConfig[NormalizeConfigKey(k)] = v
	}
	if !n.Enabled() {
		return nil, nil
	}
	if err := p.finishNode(n, nil); err != nil {
		return nil, err
	}
	// Dependencies: the tested resource, plus refs/sources written in the arguments.
	deps := map[string]bool{tested: true}
	if td.TestedKind == "source" {
		n.Sources = append(n.Sources, []string{td.TestedName, td.SourceTable})
	} else {
		n.Refs = append(n.Refs, manifest.RefArgs{Name: td.TestedName, Version: testedVersionArg(td)})
	}
	for _, v := range td.Kwargs {
		s, ok := v.(string)
		if !ok || !looksLikeFunc.MatchString(s) {
			continue
		}
		rs := p.newState(background, n, modeParse, nil)
		t, err := p.env.Parse(f.DisplayPath(), "{{ "+s+" }}")
		if err == nil {
			_, err = t.Render(p.env, rs.rootContext())
		}
		if err != nil {
			return nil, fmt.Errorf("test %s on %s: argument %q: %v", td.FullName(), td.TestedName, s, err)
		}
		for _, rc := range rs.refs {
			n.Refs = append(n.Refs, rc.args)
			t, err := p.resolveRef(pkg, rc.args)
			if err != nil {
				return nil, fmt.Errorf("test %s on %s: %v", td.FullName(), td.TestedName, err)
			}
			deps[t.UniqueID] = true
		}
		for _, sc := range rs.sources {
			n.Sources = append(n.Sources, []string{sc.source, sc.table})
			s, err := p.resolveSource(pkg, sc.source, sc.table)
			if err != nil {
				return nil, fmt.Errorf("test %s on %s: %v", td.FullName(), td.TestedName, err)
			}
			deps[s.UniqueID] = true
		}
	}
	n.DependsOn.Nodes = sortedSet(deps)
	// The tests of one file calling one macro share a template: parse once, render many.
	key := f.DisplayPath() + "\x00" + n.RawCode
	p.testMu.Lock()
	tmpl := p.testTmpls[key]
	p.testMu.Unlock()
	if tmpl == nil {
		var err error
		if tmpl, err = p.env.Parse(f.DisplayPath(), n.RawCode); err != nil {
			return nil, err
		}
	}
	p.testMu.Lock()
	defer p.testMu.Unlock()
	if p.testTmpls == nil {
		p.testTmpls = map[string]*jinja.Template{}
	}
	p.testTmpls[key] = tmpl
	p.srcs[uid] = &nodeSource{tmpl: tmpl, file: f.DisplayPath(), src: n.RawCode, generic: &genericTest{def: td, macro: md, tested: tested}}
	return n, nil
}

// testKwargs are a generic test's kwargs as its node records them: its arguments, the
// column name, and the tested model as the test macro's model argument.
func testKwargs(td *TestDef) map[string]any {
	modelArg := "{{ get_where_subquery(ref('" + td.TestedName + "')) }}"
	if td.TestedVersion != nil {
		modelArg = "{{ get_where_subquery(ref('" + td.TestedName + "', version='" + manifest.VersionString(td.TestedVersion) + "')) }}"
	}
	if td.TestedKind == "source" {
		modelArg = "{{ get_where_subquery(source('" + td.TestedName + "', '" + td.SourceTable + "')) }}"
	}
	kwargs := make(map[string]any, len(td.Kwargs)+2)
	kwargs["model"] = modelArg // (an argument named model replaces it)
	for k, v := range td.Kwargs {
		kwargs[k] = v
	}
	if td.ColumnName != "" {
		kwargs["column_name"] = td.ColumnName
	}
	return kwargs
}

// TestIDs are a generic test's generated names and the hash ending its unique id, for the
// target name they were computed with (a pure function of its TestDef and that name: the
// parse state keeps them with the property file's parse, as the md5 of its metadata was a
// quarter of building a test node).
type TestIDs struct {
	Target, Short, Full, Hash string
}

// testIDsOf computes td's TestIDs (kwargs: testKwargs(td)).
func testIDsOf(td *TestDef, targetName string, kwargs map[string]any) *TestIDs {
	testType := td.Name
	if td.Namespace != "" {
		testType = td.Namespace + "_" + td.Name
	}
	if td.TestedKind == "source" {
		testType = "source_" + testType
	}
	short, full := testNames(testType, targetName, kwargs) // (testNames skips "model")
	fqnName := full
	if td.CustomName != "" {
		fqnName = td.CustomName
	}
	return &TestIDs{Target: targetName, Short: short, Full: full, Hash: testHash(fqnName, td.Namespace, td.Name, kwargs)}
}

// fileTestTarget is the target name of a test whose tested resource its TestDef alone
// names (not a model version, whose target is the version's alias); ok false otherwise.
func fileTestTarget(td *TestDef) (string, bool) {
	switch {
	case td.TestedKind == "source":
		return td.TestedName + "_" + td.SourceTable, true
	case td.TestedVersion != nil:
		return "", false
	}
	return td.TestedName, true
}

// disabledOrMissing reports whether a tested node is absent because it is disabled (tests
// on disabled nodes are dropped silently, as dbt does).
func (p *projectImpl) disabledOrMissing(rt, pkg, name string) bool {
	return p.disabled[rt+"."+pkg+"."+name]
}

// testHash is the last part of a generic test's unique id, as dbt computes it
// (SchemaGenericTestParser.create_test_node in dbt/parser/schema_generic_tests.py): the last
// 10 hex digits of md5(name + repr(metadata)), where name is the test's full (or custom)
// name and metadata {"kwargs", "name", "namespace"} with every dict's keys sorted and every
// scalar turned into its str() (get_hashable_md). Two tests whose names sanitise alike but
// whose arguments differ get different ids, as in dbt.
func testHash(name, namespace, testName string, kwargs map[string]any) string {
	var ns any
	if namespace != "" {
		ns = namespace
	}
	// The metadata dict {"kwargs", "name", "namespace"}, its keys already in order.
	b := make([]byte, 0, 256)
	b = append(b, name...)
	b = append(b, "{'kwargs': "...)
	b = appendHashableMD(b, kwargs)
	b = append(b, ", 'name': "...)
	b = appendHashableMD(b, testName)
	b = append(b, ", 'namespace': "...)
	b = appendHashableMD(b, ns)
	b = append(b, '}')
	sum := md5.Sum(b)
	h := hex.EncodeToString(sum[:])
	return h[len(h)-10:]
}

// appendHashableMD appends the Python repr of dbt's get_hashable_md(v) (dbt/parser/
// schema_generic_tests.py): dicts with sorted keys, lists kept, scalars as their str(). It
// writes the repr directly instead of building Jinja values to print (a third of a generic
// test's cost at parse).
func appendHashableMD(b []byte, v any) []byte {
	switch x := v.(type) {
	case map[string]any:
		b = append(b, '{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendStrRepr(b, k)
			b = append(b, ": "...)
			b = appendHashableMD(b, x[k])
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, it := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendHashableMD(b, it)
		}
		return append(b, ']')
	case string:
		return appendStrRepr(b, x)
	}
	return appendStrRepr(b, jinja.ToString(jinja.FromGo(v)))
}

// appendStrRepr appends Python's repr of s: quoted as written when s is printable ASCII
// without a backslash, in single quotes or, when it holds a single quote and no double
// one, in double quotes (every identifier, and the model argument of every generic test:
// "{{ get_where_subquery(ref('x')) }}"); anything else through jinja.Repr.
func appendStrRepr(b []byte, s string) []byte {
	q := byte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e || c == '\\':
			return append(b, jinja.Repr(s)...)
		case c == '\'':
			if strings.IndexByte(s, '"') >= 0 {
				return append(b, jinja.Repr(s)...)
			}
			q = '"'
		}
	}
	b = append(b, q)
	b = append(b, s...)
	return append(b, q)
}

// renderTestConfig renders a generic test's config values that are strings holding Jinja,
// natively, as dbt's TestBuilder._render_values does when the test is parsed
// (dbt/parser/generic_test_builders.py): enabled: "{{ not var('x', false) }}" is a boolean.
// cfg itself is left as written (it is the test's unrendered config).
func (p *projectImpl) renderTestConfig(f *SourceFile, cfg map[string]any) (map[string]any, error) {
	var out map[string]any
	for k, v := range cfg {
		s, ok := v.(string)
		if !ok || !hasJinja(s) {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(cfg))
			for k2, v2 := range cfg {
				out[k2] = v2
			}
		}
		t, err := p.env.Parse(f.DisplayPath(), s)
		if err != nil {
			return nil, fmt.Errorf("config %s: %v", k, jinjaMsg(err))
		}
		rs := p.newState(background, nil, modeParse, nil)
		rs.pkg = f.Package.Name
		rv, err := renderNative(p.env, t, rs.rootContext())
		if err != nil {
			return nil, fmt.Errorf("config %s: %v", k, jinjaMsg(err))
		}
		out[k] = jinja.ToGo(rv)
	}
	if out == nil {
		return cfg, nil
	}
	return out, nil
}
