package compiler

import (
	"encoding/csv"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
	"gopkg.in/yaml.v3"
)

// Unit tests (dbt 1.8+): `unit_tests:` entries of property YAML become manifest unit tests
// the way dbt-core's parser/unit_tests.py builds them: the tested model resolved (one test
// per version of a versioned model), each given input resolved to the model, seed, snapshot
// or source it replaces, rows normalized from dict, csv or sql, inline or from a fixture file
// under <test-path>/fixtures/. Running them is the unittest package's job.

// UnitTestProps is one unit_tests: entry as written.
type UnitTestProps struct {
	Name        string
	Model       string
	Description string
	Given       []*UnitFixtureProps
	Expect      *UnitFixtureProps
	Overrides   *manifest.UnitTestOverrides
	Config      map[string]any
	Versions    map[string]any
	Line, Col   int
}

// UnitFixtureProps is one given input or the expect block as written.
type UnitFixtureProps struct {
	Input   string
	Format  string // dict (default), csv or sql
	Fixture string
	Rows    any        // []map[string]any (dict), string (csv, sql), nil when absent
	Columns [][]string // key order of each dict row
	// RowsSet records that rows: was written (an empty list is not "absent").
	RowsSet   bool
	Line, Col int
}

var unitTestKeys = set("name", "model", "given", "expect", "description", "overrides", "config", "versions")

// unitTests parses the unit_tests: list of a property file.
func (p *propParser) unitTests(v *yaml.Node) []*UnitTestProps {
	var out []*UnitTestProps
	for _, item := range p.list(v, "unit_tests") {
		pairs, name, ok := p.entry("unit test", item)
		if !ok {
			continue
		}
		u := &UnitTestProps{Name: name, Line: item.Line, Col: item.Column}
		for _, e := range pairs {
			k, v := e.Key.Value, e.Value
			if !unitTestKeys[k] {
				p.warnf(e.Key, "unknown key %q in unit test %s", k, name)
				continue
			}
			switch k {
			case "model":
				u.Model = p.str(v)
			case "description":
				u.Description = p.str(v)
			case "given":
				for _, gi := range p.list(v, "given") {
					if f := p.unitFixture(gi, name, true); f != nil {
						u.Given = append(u.Given, f)
					}
				}
			case "expect":
				u.Expect = p.unitFixture(v, name, false)
			case "overrides":
				u.Overrides = &manifest.UnitTestOverrides{Macros: map[string]any{}, Vars: map[string]any{}, EnvVars: map[string]any{}}
				for _, oe := range mappingPairs(v) {
					switch oe.Key.Value {
					case "macros":
						u.Overrides.Macros = orEmpty(p.mapping(oe.Value))
					case "vars":
						u.Overrides.Vars = orEmpty(p.mapping(oe.Value))
					case "env_vars":
						u.Overrides.EnvVars = orEmpty(p.mapping(oe.Value))
					default:
						p.warnf(oe.Key, "unknown key %q in overrides of unit test %s (macros, vars, env_vars)", oe.Key.Value, name)
					}
				}
			case "config":
				u.Config = p.configMapping(v, "unit test", name)
				for _, ce := range mappingPairs(v) {
					switch NormalizeConfigKey(ce.Key.Value) {
					case "tags", "meta", "enabled":
					default:
						p.warnf(ce.Key, "unknown config %q in unit test %s (tags, meta, enabled; custom keys belong under meta)", ce.Key.Value, name)
					}
				}
			case "versions":
				u.Versions = p.mapping(v)
			}
		}
		if u.Model == "" {
			p.fail(item, "unit test %s has no model", name)
			continue
		}
		if u.Expect == nil {
			p.fail(item, "unit test %s has no expect", name)
			continue
		}
		out = append(out, u)
	}
	return out
}

// unitFixture parses one given entry (input: …) or the expect block.
func (p *propParser) unitFixture(n *yaml.Node, test string, given bool) *UnitFixtureProps {
	if n.Kind != yaml.MappingNode {
		p.fail(n, "unit test %s: a fixture must be a mapping, got %s", test, kindName(n))
		return nil
	}
	f := &UnitFixtureProps{Format: "dict", Line: n.Line, Col: n.Column}
	var rows *yaml.Node
	for _, e := range mappingPairs(n) {
		switch e.Key.Value {
		case "input":
			if !given {
				p.warnf(e.Key, "unknown key %q in expect of unit test %s", e.Key.Value, test)
				continue
			}
			f.Input = p.str(e.Value)
		case "format":
			f.Format = p.str(e.Value)
		case "fixture":
			f.Fixture = p.str(e.Value)
		case "rows":
			rows = e.Value
		default:
			p.warnf(e.Key, "unknown key %q in a fixture of unit test %s (input, rows, format, fixture)", e.Key.Value, test)
		}
	}
	if given && f.Input == "" {
		p.fail(n, "unit test %s: a given entry has no input", test)
		return nil
	}
	switch f.Format {
	case "dict", "csv", "sql":
	default:
		p.fail(n, "unit test %s: format %q is not one of dict, csv, sql", test, f.Format)
		return nil
	}
	if rows != nil && !isNull(rows) {
		f.RowsSet = true
		if f.Format == "dict" {
			if rows.Kind != yaml.SequenceNode {
				p.fail(rows, "unit test %s has rows which do not match format dict (a list of mappings)", test)
				return nil
			}
			list := []any{}
			for _, r := range rows.Content {
				if r.Kind != yaml.MappingNode {
					p.fail(r, "unit test %s: each dict row must be a mapping, got %s", test, kindName(r))
					continue
				}
				row := map[string]any{}
				var cols []string
				for _, c := range mappingPairs(r) {
					row[c.Key.Value] = p.any(c.Value)
					cols = append(cols, c.Key.Value)
				}
				list = append(list, row)
				f.Columns = append(f.Columns, cols)
			}
			f.Rows = list
		} else {
			if rows.Kind != yaml.ScalarNode {
				p.fail(rows, "unit test %s has rows which do not match format %s. Expected string.", test, f.Format)
				return nil
			}
			f.Rows = rows.Value
		}
	}
	return f
}

// fixtureFiles indexes the fixture files of every package: package + "\x00" + name → file.
func fixtureFiles(files []*SourceFile) map[string]*SourceFile {
	out := map[string]*SourceFile{}
	for _, f := range files {
		if f.ResourceType == FileFixture {
			name := strings.TrimSuffix(path.Base(f.Path), path.Ext(f.Path))
			out[f.Package.Name+"\x00"+name] = f
		}
	}
	return out
}

// addUnitTests builds the manifest's unit tests from every property file (dbt's
// UnitTestParser, then process_models_for_unit_test for versions).
func (p *projectImpl) addUnitTests(m *manifest.Manifest, pi *propIndex, fixtures map[string]*SourceFile) Errors {
	var errs Errors
	m.UnitTests = map[string]*manifest.Node{}
	for _, pr := range pi.props {
		pkg := pr.File.Package.Name
		file := pr.File.DisplayPath()
		for _, up := range pr.UnitTests {
			fail := func(format string, args ...any) {
				errs = append(errs, Errorf(file, up.Line, up.Col, "unit test %s: "+format, append([]any{up.Name}, args...)...))
			}
			modelName, version := up.Model, any(nil)
			if parts := strings.Fields(up.Model); len(parts) == 2 {
				modelName, version = parts[0], parts[1]
			}
			tested, err := p.resolveRef(pkg, manifest.RefArgs{Name: modelName, Package: pkg, Version: version})
			if err != nil || tested.ResourceType != manifest.Model {
				fail("unable to find model '%s.%s' for unit test '%s' in %s", pkg, up.Model, up.Name, pr.File.Path)
				continue
			}
			targets := []*manifest.Node{tested}
			if tested.IsVersioned() && version == nil {
				targets = p.unitTestVersions(m, tested, up, fail)
			} else if !tested.IsVersioned() && len(up.Versions) > 0 {
				fail("should not have a versions include or exclude when referencing non-versioned model '%s'", tested.Name)
				continue
			}
			for _, t := range targets {
				if ut := p.unitTestNode(m, pr.File, up, t, targets, fail, fixtures); ut != nil {
					if ut.Enabled() {
						m.UnitTests[ut.UniqueID] = ut
					}
				}
			}
		}
	}
	return errs
}

// unitTestVersions picks the versions of model a unit test applies to (its versions:
// include/exclude, else every version).
func (p *projectImpl) unitTestVersions(m *manifest.Manifest, model *manifest.Node, up *UnitTestProps, fail func(string, ...any)) []*manifest.Node {
	inList := func(key string, v any) bool {
		for _, x := range listify(up.Versions[key]) {
			if manifest.VersionString(x) == manifest.VersionString(v) {
				return true
			}
		}
		return false
	}
	var out []*manifest.Node
	for _, n := range m.Nodes {
		if n.ResourceType != manifest.Model || n.PackageName != model.PackageName || n.Name != model.Name || !n.IsVersioned() {
			continue
		}
		switch {
		case up.Versions["exclude"] != nil && inList("exclude", n.Version):
		case up.Versions["include"] != nil && !inList("include", n.Version):
		default:
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return manifest.VersionLess(out[i].Version, out[j].Version) })
	if len(out) == 0 {
		fail("referenced a version of '%s' which was not found", model.Name)
	}
	return out
}

// unitTestNode builds one manifest unit test for tested model t.
func (p *projectImpl) unitTestNode(m *manifest.Manifest, f *SourceFile, up *UnitTestProps, t *manifest.Node, all []*manifest.Node,
	fail func(string, ...any), fixtures map[string]*SourceFile) *manifest.Node {
	pkg := f.Package.Name
	name := up.Name
	if len(all) > 1 || (t.IsVersioned() && len(strings.Fields(up.Model)) == 1) {
		name += "_v" + manifest.VersionString(t.Version)
	}
	// dbt: fqn is [package, folders under the resource path..., model, test].
	rel := f.Path
	if i := strings.IndexByte(rel, '/'); i >= 0 {
		rel = rel[i+1:]
	} else {
		rel = ""
	}
	fqn := []string{pkg}
	if dir := path.Dir(rel); rel != "" && dir != "." {
		fqn = append(fqn, strings.Split(dir, "/")...)
	}
	fqn = append(fqn, t.Name, name)
	cfg := map[string]any{"enabled": true, "tags": []any{}, "meta": map[string]any{}}
	MergeConfig(cfg, ResolveProjectConfig(p.rootPC, p.pkgs[pkg].Config, "unit_test", fqn))
	MergeConfig(cfg, orEmpty(up.Config))
	def := &manifest.UnitTestDef{Model: up.Model, Overrides: up.Overrides, Versions: up.Versions, ThisInput: -1}
	if t.IsVersioned() {
		def.Version = t.Version
	}
	ut := &manifest.Node{
		UniqueID: "unit_test." + pkg + "." + t.Name + "." + name, ResourceType: manifest.UnitTest,
		PackageName: pkg, Name: name, Alias: name, Database: t.Database, Schema: t.Schema, FQN: fqn,
		Path: f.Path, OriginalFilePath: f.Path, Description: up.Description, Config: cfg,
		Tags: stringsOf(cfg["tags"]), Meta: orEmpty(asMap(cfg["meta"])), Columns: map[string]*manifest.Column{},
		Refs: []manifest.RefArgs{}, Sources: [][]string{},
		DependsOn: manifest.DependsOn{Macros: []string{}, Nodes: []string{t.UniqueID}},
		Language:  "sql", RawCode: t.RawCode, UnitTest: def,
	}
	for i, g := range up.Given {
		in, ok := p.unitInput(m, pkg, g, t, fail, fixtures)
		if !ok {
			return nil
		}
		if in.InputID == t.UniqueID {
			def.ThisInput = i
		}
		def.Given = append(def.Given, in)
	}
	exp, ok := p.unitRows(pkg, up.Expect, "expected", fail, fixtures)
	if !ok {
		return nil
	}
	def.Expect = exp
	// dbt (process_models_for_unit_test): an incremental model's test must say whether it
	// runs incrementally, and an incremental run needs a fixture for this.
	if slices.Contains(t.DependsOn.Macros, "macro.dbt.is_incremental") || strings.Contains(t.RawCode, "is_incremental(") {
		var ov any
		if up.Overrides != nil {
			ov = up.Overrides.Macros["is_incremental"]
		}
		b, isBool := ov.(bool)
		if !isBool {
			fail("boolean override for 'is_incremental' must be provided for unit test '%s' in model '%s'", up.Name, t.Name)
			return nil
		}
		if b && def.ThisInput < 0 {
			fail("unit test '%s' for incremental model '%s' must have a 'this' input", up.Name, t.Name)
			return nil
		}
	}
	return ut
}

// unitInput resolves one given input and normalizes its rows.
func (p *projectImpl) unitInput(m *manifest.Manifest, pkg string, g *UnitFixtureProps, tested *manifest.Node,
	fail func(string, ...any), fixtures map[string]*SourceFile) (manifest.UnitTestInput, bool) {
	in, ok := p.unitRows(pkg, g, "input", fail, fixtures)
	if !ok {
		return in, false
	}
	in.Input = g.Input
	if strings.TrimSpace(g.Input) == "this" {
		in.InputID = tested.UniqueID
		return in, true
	}
	rs := p.newState(background, nil, modeParse, nil)
	rs.pkg = pkg
	t, err := p.env.Parse("<unit test input>", "{{ "+g.Input+" }}")
	if err == nil {
		_, err = t.Render(p.env, rs.rootContext())
	}
	switch {
	case err != nil || len(rs.refs)+len(rs.sources) != 1:
		fail("invalid input %q: write ref('model'), source('source', 'table') or this", g.Input)
		return in, false
	case len(rs.refs) == 1:
		n, err := p.resolveRef(pkg, rs.refs[0].args)
		if err != nil {
			fail("had an input (%s) which was not found in the manifest: %v", g.Input, err)
			return in, false
		}
		in.InputID = n.UniqueID
		if g.Format == "dict" && !g.RowsSet && g.Fixture == "" {
			// dbt: a seed given without rows reads the seed's own CSV file.
			if n.ResourceType != manifest.Seed {
				fail("input %s has no rows", g.Input)
				return in, false
			}
			rows, cols, err := readCSVRows(filepath.Join(p.dir, filepath.FromSlash(n.OriginalFilePath)), false)
			if err != nil {
				fail("reading seed %s: %v", n.Name, err)
				return in, false
			}
			in.Rows, in.Columns = rows, cols
		}
	default:
		s, err := p.resolveSource(pkg, rs.sources[0].source, rs.sources[0].table)
		if err != nil {
			fail("had an input (%s) which was not found in the manifest: %v", g.Input, err)
			return in, false
		}
		in.InputID = s.UniqueID
	}
	if in.Rows == nil {
		fail("input %s has no rows", g.Input)
		return in, false
	}
	return in, true
}

// unitRows normalizes a fixture's rows (dbt's _validate_and_normalize_rows): csv becomes
// dict rows with empty cells as null; a fixture file supplies csv or sql text.
func (p *projectImpl) unitRows(pkg string, f *UnitFixtureProps, what string, fail func(string, ...any), fixtures map[string]*SourceFile) (manifest.UnitTestInput, bool) {
	in := manifest.UnitTestInput{Format: f.Format, Fixture: f.Fixture, Rows: f.Rows, Columns: f.Columns}
	text, _ := f.Rows.(string)
	if f.Fixture != "" {
		if f.Format == "dict" {
			fail("%s fixture %q needs format csv or sql", what, f.Fixture)
			return in, false
		}
		ff := fixtures[pkg+"\x00"+f.Fixture]
		if ff == nil {
			fail("file not found for fixture '%s' in unit tests (looked under the fixtures folder of the test paths)", f.Fixture)
			return in, false
		}
		text = string(ff.Contents)
	}
	switch f.Format {
	case "dict":
		if f.RowsSet {
			if _, ok := f.Rows.([]any); !ok {
				fail("has %s rows which do not match format dict", what)
				return in, false
			}
		}
	case "csv":
		if !f.RowsSet && f.Fixture == "" {
			fail("has %s rows or fixtures which do not match format csv. Expected string.", what)
			return in, false
		}
		rows, cols, err := parseCSVRows(text, true)
		if err != nil {
			fail("%s rows: %v", what, err)
			return in, false
		}
		in.Rows, in.Columns = rows, cols
	case "sql":
		if !f.RowsSet && f.Fixture == "" {
			fail("has %s rows or fixtures which do not match format sql. Expected string.", what)
			return in, false
		}
		in.Rows = text
	}
	if l, ok := in.Rows.([]any); ok {
		promoteNonNullRow(l, in.Columns)
	}
	return in, true
}

// promoteNonNullRow moves the first row without nulls to the top, as dbt does so that
// engines typing a union by its first row see a real value (dbt's
// _promote_first_non_none_row).
func promoteNonNullRow(rows []any, cols [][]string) {
	for i, r := range rows {
		m, _ := r.(map[string]any)
		full := true
		for _, v := range m {
			if v == nil {
				full = false
				break
			}
		}
		if full {
			rows[0], rows[i] = rows[i], rows[0]
			if len(cols) == len(rows) {
				cols[0], cols[i] = cols[i], cols[0]
			}
			return
		}
	}
}

// readCSVRows reads a CSV file as dict rows (every cell a string).
func readCSVRows(file string, emptyIsNull bool) ([]any, [][]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	return parseCSVRows(string(b), emptyIsNull)
}

// parseCSVRows parses CSV text with a header into dict rows.
func parseCSVRows(text string, emptyIsNull bool) ([]any, [][]string, error) {
	r := csv.NewReader(strings.NewReader(strings.TrimSpace(text)))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, nil, err
	}
	rows, cols := []any{}, [][]string{}
	if len(recs) == 0 {
		return rows, cols, nil
	}
	header := make([]string, len(recs[0]))
	for i, h := range recs[0] {
		header[i] = strings.TrimSpace(h)
	}
	for ln, rec := range recs[1:] {
		if len(rec) != len(header) {
			return nil, nil, fmt.Errorf("line %d has %d values for %d columns", ln+2, len(rec), len(header))
		}
		row := map[string]any{}
		for i, h := range header {
			var v any = rec[i]
			if emptyIsNull && rec[i] == "" {
				v = nil
			}
			row[h] = v
		}
		rows = append(rows, row)
		cols = append(cols, header)
	}
	return rows, cols, nil
}

func stringsOf(v any) []string {
	out := []string{}
	for _, x := range listify(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// unitTestObj is a unit test as manifest v12 writes it (dbt's UnitTestDefinition).
func unitTestObj(n *manifest.Node, createdAt float64) obj {
	d := n.UnitTest
	fixture := func(f manifest.UnitTestInput, given bool) obj {
		o := obj{}
		if given {
			o = append(o, field{"input", f.Input})
		}
		return append(o, field{"rows", f.Rows}, field{"format", f.Format}, field{"fixture", nullIfEmpty(f.Fixture)})
	}
	given := []any{}
	var expect obj
	var overrides any
	var versions any
	if d != nil {
		for _, g := range d.Given {
			given = append(given, fixture(g, true))
		}
		expect = fixture(d.Expect, false)
		if d.Overrides != nil {
			overrides = obj{{"macros", anyMap(d.Overrides.Macros)}, {"vars", anyMap(d.Overrides.Vars)}, {"env_vars", anyMap(d.Overrides.EnvVars)}}
		}
		if d.Versions != nil {
			versions = d.Versions
		}
	}
	model, version := "", any(nil)
	if d != nil {
		model, version = strings.Fields(d.Model + " ")[0], d.Version
	}
	return obj{
		{"model", model}, {"given", given}, {"expect", expect}, {"name", n.Name}, {"resource_type", n.ResourceType},
		{"package_name", n.PackageName}, {"path", n.Path}, {"original_file_path", n.OriginalFilePath},
		{"unique_id", n.UniqueID}, {"fqn", strs(n.FQN)}, {"description", n.Description}, {"overrides", overrides},
		{"depends_on", dependsOnObj(n.DependsOn, true)},
		{"config", obj{{"tags", stringList(n.Config["tags"])}, {"meta", anyMap(asMap(n.Config["meta"]))}, {"enabled", n.Enabled()}}},
		{"checksum", nil}, {"schema", n.Schema}, {"created_at", createdAt}, {"versions", versions}, {"version", version},
	}
}
