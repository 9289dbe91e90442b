package compiler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
	"gopkg.in/yaml.v3"
)

// Properties is one property YAML file ("schema.yml"): the patches it applies to models,
// seeds, snapshots, analyses and macros, and the sources and exposures it declares. Every
// entry keeps its line and column so later stages can point at it.
type Properties struct {
	File *SourceFile `state:"-"` // (the parse state stores a file's Properties without it: propcache.go)
	// configKeys are the keys of the file's `config:` mappings with their place, checked
	// against the known keys once the macros are known (configkeys.go).
	configKeys []configKeyUse `state:"-"`
	Version    int
	Models     []*NodeProps
	Seeds      []*NodeProps
	Snapshots  []*NodeProps
	Analyses   []*NodeProps
	Sources    []*SourceProps
	Macros     []*MacroProps
	Exposures  []*ExposureProps
	UnitTests  []*UnitTestProps
	// Tests is every generic test defined in the file (on models, columns, sources, source
	// tables, seeds and snapshots), in file order.
	Tests []*TestDef
	// RenderedWith identifies the macros the file's Jinja called, with their text ("" when
	// none, or without a parse state): part of the patch input of the nodes it patches
	// (parsecache.go), so that editing such a macro re-parses them.
	RenderedWith string
}

// NodeProps is the patch for one model, seed, snapshot or analysis.
type NodeProps struct {
	Kind          string // "model", "seed", "snapshot", "analysis"
	Name          string
	Description   string
	Columns       []*ColumnProps
	Config        map[string]any
	Tests         []*TestDef // node-level tests (column tests are on the columns)
	Docs          map[string]any
	Meta          map[string]any
	Tags          []string
	Access        string
	Group         string
	Constraints   []any
	TimeSpine     map[string]any // a model's time_spine (timespine.go)
	Versions      []*ModelVersion
	LatestVersion any
	// DeprecationDate is the model's deprecation_date as written (versions may override it).
	DeprecationDate string
	// Relation is a YAML-defined snapshot's relation: ("ref('orders')" or "source('a', 'b')"),
	// at RelationLine:RelationCol; empty for a patch of a {% snapshot %} block.
	Relation                  string
	RelationLine, RelationCol int
	Line, Col                 int
}

// ColumnProps documents one column.
type ColumnProps struct {
	Name        string
	Description string
	DataType    string
	Quote       *bool
	Meta        map[string]any
	Tags        []string
	Tests       []*TestDef
	Constraints []any
	Config      map[string]any
	Line, Col   int
}

// SourceProps is one source: a set of tables in one schema loaded by something else.
type SourceProps struct {
	Name          string
	Database      string
	Schema        string // defaults to the source name
	Description   string
	Loader        string
	LoadedAtField string
	Meta          map[string]any
	Tags          []string
	Config        map[string]any
	Quoting       map[string]any
	Freshness     map[string]any
	FreshnessNull bool // freshness: null written explicitly
	Overrides     string
	Tables        []*SourceTableProps
	Tests         []*TestDef
	Line, Col     int
}

// SourceTableProps is one table of a source.
type SourceTableProps struct {
	Name          string
	Identifier    string // defaults to Name
	Description   string
	LoadedAtField string
	Columns       []*ColumnProps
	Tests         []*TestDef
	Meta          map[string]any
	Tags          []string
	Config        map[string]any
	Quoting       map[string]any
	Freshness     map[string]any
	FreshnessNull bool
	// ExternalLocation is dbt-duckdb's external_location template (table meta/config first, then the
	// source's), with {name} replaced by the table name; "" when none.
	ExternalLocation string
	Line, Col        int
}

// MacroProps documents a macro.
type MacroProps struct {
	Name        string
	Description string
	Arguments   []MacroArg
	Docs        map[string]any
	Meta        map[string]any
	Line, Col   int
}

// MacroArg is one documented macro argument.
type MacroArg struct {
	Name, Type, Description string
}

// ExposureProps is a downstream use of the project (dashboard, notebook, application).
type ExposureProps struct {
	Name        string
	Label       string
	Type        string
	Owner       map[string]any
	DependsOn   []string // "ref('x')" / "source('s', 't')" strings, unrendered
	URL         string
	Maturity    string
	Description string
	Meta        map[string]any
	Tags        []string
	Config      map[string]any
	Line, Col   int
}

// ParseProperties parses one property YAML file. Unknown keys are reported through warn as
// "file:line:col: unknown key X in model Y"; structural mistakes (wrong types, missing
// names) are returned as Errors, all of them.
func ParseProperties(f *SourceFile, warn func(string)) (*Properties, error) {
	return parseProperties(f, warn, nil)
}

// parseProperties is ParseProperties with every entry's Jinja rendered by render first, as
// dbt does (propertyrender.go); nil keeps the values as written.
func parseProperties(f *SourceFile, warn func(string), render propRender) (*Properties, error) {
	file := f.DisplayPath()
	props := &Properties{File: f}
	root, err := parseYAMLDoc(file, f.Contents)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return props, nil
	}
	if warn == nil {
		warn = func(string) {}
	}
	p := &propParser{decoder: decoder{file: file}, warn: warn, props: props}
	for _, k := range duplicateKeys(root) {
		p.warnf(k, "duplicate key %q; the last one wins", k.Value)
	}
	if root.Kind != yaml.MappingNode {
		return nil, nodeErr(file, root, "property file must be a mapping, got %s", kindName(root))
	}
	if render != nil {
		if errs := renderProperties(file, root, render); len(errs) > 0 {
			return nil, errs.Err()
		}
	}
	for _, e := range mappingPairs(root) {
		k, v := e.Key.Value, e.Value
		switch k {
		case "version":
			props.Version = p.integer(v)
		case "models", "seeds", "snapshots", "analyses":
			kind := map[string]string{"models": "model", "seeds": "seed", "snapshots": "snapshot", "analyses": "analysis"}[k]
			for _, item := range p.list(v, k) {
				if n := p.node(kind, item); n != nil {
					switch kind {
					case "model":
						props.Models = append(props.Models, n)
					case "seed":
						props.Seeds = append(props.Seeds, n)
					case "snapshot":
						props.Snapshots = append(props.Snapshots, n)
					case "analysis":
						props.Analyses = append(props.Analyses, n)
					}
				}
			}
		case "sources":
			for _, item := range p.list(v, k) {
				if s := p.source(item); s != nil {
					props.Sources = append(props.Sources, s)
				}
			}
		case "macros":
			for _, item := range p.list(v, k) {
				if m := p.macro(item); m != nil {
					props.Macros = append(props.Macros, m)
				}
			}
		case "exposures":
			for _, item := range p.list(v, k) {
				if x := p.exposure(item); x != nil {
					props.Exposures = append(props.Exposures, x)
				}
			}
		case "unit_tests":
			props.UnitTests = append(props.UnitTests, p.unitTests(v)...)
		case "metrics", "semantic_models", "saved_queries", "groups", "data_tests", "functions":
			// Accepted and not (yet) used by gdbt.
		default:
			p.warnf(e.Key, "unknown key %q in property file", k)
		}
	}
	sort.SliceStable(props.Tests, func(i, j int) bool {
		a, b := props.Tests[i], props.Tests[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	if err := p.errs.Err(); err != nil {
		return nil, err
	}
	return props, nil
}

// propParser carries the file's state through the per-entry parsers.
type propParser struct {
	decoder
	warn  func(string)
	props *Properties
}

// hasJinja reports whether s holds a Jinja expression or statement.
func hasJinja(s string) bool { return strings.Contains(s, "{{") || strings.Contains(s, "{%") }

func (p *propParser) warnf(n *yaml.Node, format string, args ...any) {
	p.warn(nodeErr(p.file, n, format, args...).Error())
}

// entry checks that item is a mapping with a name and returns its pairs and name.
func (p *propParser) entry(kind string, item *yaml.Node) ([]kv, string, bool) {
	if item.Kind != yaml.MappingNode {
		p.fail(item, "%s entry must be a mapping, got %s", kind, kindName(item))
		return nil, "", false
	}
	pairs := mappingPairs(item)
	name := ""
	for _, e := range pairs {
		if e.Key.Value == "name" {
			name = p.str(e.Value)
		}
	}
	if name == "" {
		p.fail(item, "%s entry has no name", kind)
		return nil, "", false
	}
	return pairs, name, true
}

var nodeKeys = map[string]map[string]bool{
	"model": set("name", "description", "columns", "config", "tests", "data_tests", "docs", "meta", "tags",
		"versions", "latest_version", "access", "group", "constraints", "deprecation_date", "time_spine", "doc_blocks"),
	"seed":     set("name", "description", "columns", "config", "tests", "data_tests", "docs", "meta", "tags", "group"),
	"snapshot": set("name", "description", "columns", "config", "tests", "data_tests", "docs", "meta", "tags", "group", "relation"),
	"analysis": set("name", "description", "columns", "config", "docs", "meta", "tags", "group"),
}

var columnKeys = set("name", "description", "data_type", "quote", "tests", "data_tests", "meta", "tags",
	"constraints", "config", "policy_tags", "granularity", "dimension", "entity", "doc_blocks")

func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// node parses a model, seed, snapshot or analysis patch.
func (p *propParser) node(kind string, item *yaml.Node) *NodeProps {
	pairs, name, ok := p.entry(kind, item)
	if !ok {
		return nil
	}
	n := &NodeProps{Kind: kind, Name: name, Line: item.Line, Col: item.Column}
	var testsNode, dataTestsNode, latestNode, accessNode, groupNode *yaml.Node
	testsFrom := len(p.props.Tests)
	for _, e := range pairs {
		k, v := e.Key.Value, e.Value
		if !nodeKeys[kind][k] {
			p.warnf(e.Key, "unknown key %q in %s %s", k, kind, name)
			continue
		}
		switch k {
		case "description":
			n.Description = p.str(v)
		case "columns":
			n.Columns = p.columns(v, kind, name, "")
		case "config":
			n.Config = p.configMapping(v, kind, name)
		case "tests":
			testsNode = e.Key
			n.Tests = append(n.Tests, p.tests(v, kind, name, "", "")...)
		case "data_tests":
			dataTestsNode = e.Key
			n.Tests = append(n.Tests, p.tests(v, kind, name, "", "")...)
		case "docs":
			n.Docs = p.mapping(v)
		case "meta":
			n.Meta = p.mapping(v)
		case "tags":
			n.Tags = p.strList(v)
		case "access":
			n.Access, accessNode = p.str(v), e.Key
		case "group":
			n.Group, groupNode = p.str(v), e.Key
		case "constraints":
			n.Constraints, _ = p.any(v).([]any)
		case "time_spine":
			n.TimeSpine = p.timeSpine(v, name)
		case "latest_version":
			n.LatestVersion, latestNode = p.any(v), v
		case "deprecation_date":
			n.DeprecationDate = p.str(v)
		case "versions":
			n.Versions = p.versions(v, name)
		case "relation":
			// dbt 1.9 snapshots defined in YAML (yamlsnapshots.go makes their nodes).
			n.Relation, n.RelationLine, n.RelationCol = p.str(v), v.Line, v.Column
		}
	}
	// dbt-core parser/schemas.py normalize_attribute: a top-level access or group moves into
	// config, and one set in both places is an error.
	for _, a := range []struct {
		k  string
		kn *yaml.Node
	}{{"access", accessNode}, {"group", groupNode}} {
		if _, both := n.Config[a.k]; a.kn != nil && both {
			p.fail(a.kn, "%s %s: found %s in 'config' and as a top-level key; remove the top-level key and define it under 'config' only", kind, name, a.k)
		}
	}
	if testsNode != nil && dataTestsNode != nil {
		p.fail(dataTestsNode, "%s %s has both tests and data_tests; use data_tests", kind, name)
	}
	if latestNode != nil && n.LatestVersion != nil {
		found := false
		var names []string
		for _, mv := range n.Versions {
			found = found || sameVersion(mv.V, n.LatestVersion)
			names = append(names, mv.Name())
		}
		if !found {
			p.fail(latestNode, "latest_version %s of model %s is not one of its versions (%s)",
				manifest.VersionString(n.LatestVersion), name, strings.Join(names, ", "))
		}
	}
	if len(n.Versions) > 0 {
		p.expandVersionTests(n, testsFrom)
	}
	return n
}

// columns parses a columns: list.
func (p *propParser) columns(v *yaml.Node, kind, owner, sourceTable string) []*ColumnProps {
	var out []*ColumnProps
	for _, item := range p.list(v, "columns") {
		pairs, name, ok := p.entry("column", item)
		if !ok {
			continue
		}
		c := &ColumnProps{Name: name, Line: item.Line, Col: item.Column}
		var testsNode, dataTestsNode *yaml.Node
		for _, e := range pairs {
			k, v := e.Key.Value, e.Value
			if !columnKeys[k] {
				p.warnf(e.Key, "unknown key %q in column %s of %s %s", k, name, kind, owner)
				continue
			}
			switch k {
			case "description":
				c.Description = p.str(v)
			case "data_type":
				c.DataType = p.str(v)
			case "quote":
				c.Quote = p.boolean(v)
			case "meta":
				c.Meta = p.mapping(v)
			case "tags":
				c.Tags = p.strList(v)
			case "config":
				c.Config = p.mapping(v)
			case "constraints":
				c.Constraints, _ = p.any(v).([]any)
			case "tests":
				testsNode = e.Key
				c.Tests = append(c.Tests, p.tests(v, kind, owner, sourceTable, name)...)
			case "data_tests":
				dataTestsNode = e.Key
				c.Tests = append(c.Tests, p.tests(v, kind, owner, sourceTable, name)...)
			}
		}
		if testsNode != nil && dataTestsNode != nil {
			p.fail(dataTestsNode, "column %s of %s %s has both tests and data_tests; use data_tests", name, kind, owner)
		}
		if c.Quote != nil && *c.Quote {
			for _, t := range c.Tests {
				t.ColumnQuoted = true
			}
		}
		out = append(out, c)
	}
	return out
}

var sourceKeys = set("name", "description", "database", "schema", "loader", "loaded_at_field", "loaded_at_query",
	"meta", "tags", "config", "freshness", "quoting", "tables", "overrides", "docs", "tests", "data_tests", "event_time")

var tableKeys = set("name", "identifier", "description", "columns", "tests", "data_tests", "meta", "tags", "config",
	"freshness", "loaded_at_field", "loaded_at_query", "quoting", "external", "docs", "doc_blocks", "event_time")

// source parses one source and its tables.
func (p *propParser) source(item *yaml.Node) *SourceProps {
	pairs, name, ok := p.entry("source", item)
	if !ok {
		return nil
	}
	s := &SourceProps{Name: name, Line: item.Line, Col: item.Column}
	var tables *yaml.Node
	for _, e := range pairs {
		k, v := e.Key.Value, e.Value
		if !sourceKeys[k] {
			p.warnf(e.Key, "unknown key %q in source %s", k, name)
			continue
		}
		switch k {
		case "description":
			s.Description = p.str(v)
		case "database":
			s.Database = p.str(v)
		case "schema":
			s.Schema = p.str(v)
		case "loader":
			s.Loader = p.str(v)
		case "loaded_at_field":
			s.LoadedAtField = p.str(v)
		case "meta":
			s.Meta = p.mapping(v)
		case "tags":
			s.Tags = p.strList(v)
		case "config":
			s.Config = p.mapping(v)
			p.noteConfigKeys(v, "source", name)
		case "quoting":
			s.Quoting = p.quoting(v)
		case "overrides":
			s.Overrides = p.str(v)
		case "freshness":
			s.Freshness, s.FreshnessNull = p.freshness(v)
		case "tables":
			tables = v
		case "tests", "data_tests":
			p.warnf(e.Key, "tests on a source apply to its tables; put them under tables in source %s", name)
		}
	}
	if s.Schema == "" {
		s.Schema = s.Name
	}
	// dbt 1.10 also accepts freshness and loaded_at_field under config:.
	s.Freshness, s.FreshnessNull = configFreshness(s.Config, s.Freshness, s.FreshnessNull)
	if lf, ok := s.Config["loaded_at_field"].(string); ok && s.LoadedAtField == "" {
		s.LoadedAtField = lf
	}
	for _, ti := range p.list(tables, "tables") {
		if t := p.sourceTable(s, ti); t != nil {
			s.Tables = append(s.Tables, t)
		}
	}
	return s
}

func (p *propParser) sourceTable(s *SourceProps, item *yaml.Node) *SourceTableProps {
	pairs, name, ok := p.entry("source table", item)
	if !ok {
		return nil
	}
	t := &SourceTableProps{Name: name, Line: item.Line, Col: item.Column}
	var testsNode, dataTestsNode *yaml.Node
	for _, e := range pairs {
		k, v := e.Key.Value, e.Value
		if !tableKeys[k] {
			p.warnf(e.Key, "unknown key %q in table %s of source %s", k, name, s.Name)
			continue
		}
		switch k {
		case "identifier":
			t.Identifier = p.str(v)
		case "description":
			t.Description = p.str(v)
		case "loaded_at_field":
			t.LoadedAtField = p.str(v)
		case "columns":
			t.Columns = p.columns(v, "source", s.Name, name)
		case "tests":
			testsNode = e.Key
			t.Tests = append(t.Tests, p.tests(v, "source", s.Name, name, "")...)
		case "data_tests":
			dataTestsNode = e.Key
			t.Tests = append(t.Tests, p.tests(v, "source", s.Name, name, "")...)
		case "meta":
			t.Meta = p.mapping(v)
		case "tags":
			t.Tags = p.strList(v)
		case "config":
			t.Config = p.mapping(v)
			p.noteConfigKeys(v, "source", s.Name+"."+name)
		case "quoting":
			t.Quoting = p.quoting(v)
		case "freshness":
			t.Freshness, t.FreshnessNull = p.freshness(v)
		}
	}
	if testsNode != nil && dataTestsNode != nil {
		p.fail(dataTestsNode, "table %s of source %s has both tests and data_tests; use data_tests", name, s.Name)
	}
	if t.Identifier == "" {
		t.Identifier = t.Name
	}
	t.Freshness, t.FreshnessNull = configFreshness(t.Config, t.Freshness, t.FreshnessNull)
	if lf, ok := t.Config["loaded_at_field"].(string); ok && t.LoadedAtField == "" {
		t.LoadedAtField = lf
	}
	// The first external_location written decides; one rendered empty means none (a
	// project can write {{ … if target.type == 'duckdb' else '' }}).
	for _, m := range []map[string]any{t.Config, t.Meta, s.Config, s.Meta} {
		if loc, ok := m["external_location"].(string); ok {
			if strings.TrimSpace(loc) != "" {
				t.ExternalLocation = loc // formatted once the source's schema and database are known
			}
			break
		}
	}
	return t
}

// configFreshness takes freshness from config: when the entry itself has none.
func configFreshness(cfg, f map[string]any, null bool) (map[string]any, bool) {
	if f != nil || null {
		return f, null
	}
	v, ok := cfg["freshness"]
	if !ok {
		return nil, false
	}
	if v == nil {
		return nil, true
	}
	m, _ := v.(map[string]any)
	return m, false
}

// freshness decodes a freshness block; an explicit null disables freshness.
func (p *propParser) freshness(v *yaml.Node) (map[string]any, bool) {
	if isNull(v) {
		return nil, true
	}
	return p.mapping(v), false
}

var macroKeys = set("name", "description", "arguments", "docs", "meta", "config")

func (p *propParser) macro(item *yaml.Node) *MacroProps {
	pairs, name, ok := p.entry("macro", item)
	if !ok {
		return nil
	}
	m := &MacroProps{Name: name, Line: item.Line, Col: item.Column}
	for _, e := range pairs {
		k, v := e.Key.Value, e.Value
		if !macroKeys[k] {
			p.warnf(e.Key, "unknown key %q in macro %s", k, name)
			continue
		}
		switch k {
		case "description":
			m.Description = p.str(v)
		case "docs":
			m.Docs = p.mapping(v)
		case "meta":
			m.Meta = p.mapping(v)
		case "arguments":
			for _, ai := range p.list(v, "arguments") {
				var a MacroArg
				for _, ae := range mappingPairs(ai) {
					switch ae.Key.Value {
					case "name":
						a.Name = p.str(ae.Value)
					case "type":
						a.Type = p.str(ae.Value)
					case "description":
						a.Description = p.str(ae.Value)
					default:
						p.warnf(ae.Key, "unknown key %q in argument of macro %s", ae.Key.Value, name)
					}
				}
				m.Arguments = append(m.Arguments, a)
			}
		}
	}
	return m
}

var exposureKeys = set("name", "label", "type", "owner", "depends_on", "url", "maturity", "description", "meta", "tags", "config")

func (p *propParser) exposure(item *yaml.Node) *ExposureProps {
	pairs, name, ok := p.entry("exposure", item)
	if !ok {
		return nil
	}
	x := &ExposureProps{Name: name, Line: item.Line, Col: item.Column}
	for _, e := range pairs {
		k, v := e.Key.Value, e.Value
		if !exposureKeys[k] {
			p.warnf(e.Key, "unknown key %q in exposure %s", k, name)
			continue
		}
		switch k {
		case "label":
			x.Label = p.str(v)
		case "type":
			x.Type = p.str(v)
		case "owner":
			x.Owner = p.mapping(v)
		case "depends_on":
			x.DependsOn = p.strList(v)
		case "url":
			x.URL = p.str(v)
		case "maturity":
			x.Maturity = p.str(v)
		case "description":
			x.Description = p.str(v)
		case "meta":
			x.Meta = p.mapping(v)
		case "tags":
			x.Tags = p.strList(v)
		case "config":
			x.Config = p.mapping(v)
			p.noteConfigKeys(v, "exposure", name)
		}
	}
	switch x.Type {
	case "dashboard", "notebook", "analysis", "ml", "application":
	case "":
		p.fail(item, "exposure %s has no type (dashboard, notebook, analysis, ml or application)", name)
	default:
		p.fail(item, "exposure %s: type %q is not one of dashboard, notebook, analysis, ml, application", name, x.Type)
	}
	if x.Owner == nil {
		p.fail(item, "exposure %s has no owner", name)
	}
	return x
}

var _ = fmt.Sprint
