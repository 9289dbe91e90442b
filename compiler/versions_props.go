package compiler

import (
	"github.com/gdbt-dev/gdbt/manifest"
	"gopkg.in/yaml.v3"
)

// Model versions (dbt 1.5+) in property YAML:
//
//	models:
//	  - name: dim_customers
//	    latest_version: 2
//	    columns: [{name: id}, {name: country}]
//	    versions:
//	      - v: 2
//	        columns: [{include: all, exclude: [country]}]
//	      - v: 1
//	        defined_in: dim_customers_legacy
//	        config: {materialized: table}
//
// Each version becomes its own node (model.<pkg>.dim_customers.v2), built from the file
// <name>_v<v>.sql unless defined_in names another one. A version inherits the model's
// description, config (deep-merged under its own), columns (filtered by include/exclude,
// extended by its own) and tests (its own data_tests replace the model's).

// versionKeys are the keys dbt accepts in one entry of versions:.
var versionKeys = set("v", "defined_in", "description", "config", "columns", "tests", "data_tests", "docs",
	"access", "constraints", "deprecation_date", "meta", "tags", "doc_blocks")

// ModelVersion is one entry of a model's versions: list.
type ModelVersion struct {
	V         any    // the version identifier as written: an int, a float or a string
	DefinedIn string // the file stem defining this version ("" means <model>_v<v>)
	Config    map[string]any
	// Description is "" to inherit the model's.
	Description     string
	Docs            map[string]any
	DeprecationDate string
	// Columns are the version's own column entries; HasColumns is whether columns: was
	// written at all (without it every model column is inherited).
	Columns    []*ColumnProps
	HasColumns bool
	// Include is nil for "all"/"*" (the default), else the model columns to keep; Exclude
	// the model columns to drop (only with include all).
	Include []string
	Exclude []string
	// Tests are the version's own data_tests; HasTests is whether they were written (then
	// they replace the model's node-level tests).
	Tests     []*TestDef
	HasTests  bool
	Line, Col int
}

// Name is the version's identifier as dbt spells it in ids ("2", "2.5", "beta").
func (mv *ModelVersion) Name() string { return manifest.VersionString(mv.V) }

// FileStem is the name of the file (without .sql) that defines the version.
func (mv *ModelVersion) FileStem(model string) string {
	if mv.DefinedIn != "" {
		return mv.DefinedIn
	}
	return model + "_v" + mv.Name()
}

// includes reports whether a model-level column is part of this version.
func (mv *ModelVersion) includes(col string) bool {
	if !mv.HasColumns {
		return true
	}
	if mv.Include != nil && !hasString(mv.Include, col) {
		return false
	}
	return !hasString(mv.Exclude, col)
}

// redefines reports whether the version has its own entry for column col (which replaces
// the model's, tests included).
func (mv *ModelVersion) redefines(col string) bool {
	for _, c := range mv.Columns {
		if c.Name == col {
			return true
		}
	}
	return false
}

// versionLess orders version identifiers as dbt does (manifest.VersionLess).
func versionLess(a, b any) bool { return manifest.VersionLess(a, b) }

// sameVersion reports whether two identifiers name the same version (2 and "2" do).
func sameVersion(a, b any) bool {
	return a != nil && b != nil && manifest.VersionString(a) == manifest.VersionString(b)
}

// LatestV is the model's latest version: latest_version when written, else the greatest
// version identifier.
func (np *NodeProps) LatestV() any {
	if np.LatestVersion != nil {
		return np.LatestVersion
	}
	var best any
	for _, mv := range np.Versions {
		if best == nil || versionLess(best, mv.V) {
			best = mv.V
		}
	}
	return best
}

// versions parses a model's versions: list; testsFrom is where the model's tests start in
// the file's test list (versions' own tests are appended after it).
func (p *propParser) versions(v *yaml.Node, model string) []*ModelVersion {
	var out []*ModelVersion
	seen := map[string]bool{}
	for _, vi := range p.list(v, "versions") {
		if vi.Kind != yaml.MappingNode {
			p.fail(vi, "version entry of model %s must be a mapping, got %s", model, kindName(vi))
			continue
		}
		mv := &ModelVersion{Line: vi.Line, Col: vi.Column}
		var testsNode, dataTestsNode *yaml.Node
		for _, e := range mappingPairs(vi) {
			k, val := e.Key.Value, e.Value
			if !versionKeys[k] {
				p.warnf(e.Key, "unknown key %q in version of model %s", k, model)
				continue
			}
			switch k {
			case "v":
				mv.V = p.any(val)
				if _, isList := mv.V.([]any); isList {
					p.fail(val, "version identifier of model %s must be a number or a string", model)
					mv.V = nil
				} else if _, isMap := mv.V.(map[string]any); isMap {
					p.fail(val, "version identifier of model %s must be a number or a string", model)
					mv.V = nil
				}
			case "defined_in":
				mv.DefinedIn = p.str(val)
			case "description":
				mv.Description = p.str(val)
			case "config":
				mv.Config = p.configMapping(val, "model", model)
			case "docs":
				mv.Docs = p.mapping(val)
			case "deprecation_date":
				mv.DeprecationDate = p.str(val)
			case "columns":
				mv.HasColumns = true
				mv.Columns = p.versionColumns(val, model, mv)
			case "tests", "data_tests":
				if k == "tests" {
					testsNode = e.Key
				} else {
					dataTestsNode = e.Key
				}
				mv.HasTests = true
				mv.Tests = append(mv.Tests, p.tests(val, "model", model, "", "")...)
			}
		}
		if testsNode != nil && dataTestsNode != nil {
			p.fail(dataTestsNode, "version of model %s has both tests and data_tests; use data_tests", model)
		}
		if mv.V == nil {
			p.fail(vi, "version entry of model %s has no v", model)
			continue
		}
		if seen[mv.Name()] {
			p.fail(vi, "model %s defines version %s twice", model, mv.Name())
			continue
		}
		seen[mv.Name()] = true
		for _, c := range mv.Columns {
			for _, t := range c.Tests {
				t.TestedVersion = mv.V
			}
		}
		for _, t := range mv.Tests {
			t.TestedVersion = mv.V
		}
		out = append(out, mv)
	}
	return out
}

// versionColumns parses a version's columns: its own column entries and at most one
// {include, exclude} element selecting among the model's columns.
func (p *propParser) versionColumns(v *yaml.Node, model string, mv *ModelVersion) []*ColumnProps {
	var plain []*yaml.Node
	seenIE := false
	for _, item := range p.list(v, "columns") {
		var ie *yaml.Node
		if item.Kind == yaml.MappingNode {
			for _, e := range mappingPairs(item) {
				if e.Key.Value == "include" || e.Key.Value == "exclude" {
					ie = item
				}
			}
		}
		if ie == nil {
			plain = append(plain, item)
			continue
		}
		if seenIE {
			p.fail(item, "version %s of model %s has more than one include/exclude element", manifest.VersionString(mv.V), model)
			continue
		}
		seenIE = true
		includeAll := true
		for _, e := range mappingPairs(item) {
			switch e.Key.Value {
			case "include":
				if e.Value.Kind == yaml.ScalarNode {
					if s := p.str(e.Value); s != "all" && s != "*" {
						p.fail(e.Value, "include must be \"all\", \"*\" or a list of column names, got %q", s)
					}
					continue
				}
				mv.Include = p.strList(e.Value)
				if mv.Include == nil {
					mv.Include = []string{}
				}
				includeAll = false
			case "exclude":
				mv.Exclude = p.strList(e.Value)
			default:
				p.warnf(e.Key, "unknown key %q next to include/exclude in version of model %s", e.Key.Value, model)
			}
		}
		if !includeAll && len(mv.Exclude) > 0 {
			p.fail(item, "exclude can only be used with include: all (or '*'), in version of model %s", model)
		}
	}
	if len(plain) == 0 {
		return nil
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: plain, Line: v.Line, Column: v.Column}
	return p.columns(seq, "model", model, "")
}

// expandVersionTests replaces the tests a versioned model's entry added to the file (from
// index from on) with one copy per version: the model's node-level tests (unless the
// version has its own), the tests of the model columns the version includes, and the
// version's own column and node tests.
func (p *propParser) expandVersionTests(n *NodeProps, from int) {
	added := append([]*TestDef(nil), p.props.Tests[from:]...)
	p.props.Tests = p.props.Tests[:from]
	colTests := map[string][]*TestDef{}
	ofColumn := map[*TestDef]bool{}
	for _, c := range n.Columns {
		colTests[c.Name] = c.Tests
		for _, t := range c.Tests {
			ofColumn[t] = true
		}
	}
	var modelTests []*TestDef
	for _, t := range added {
		if t.TestedVersion == nil && !ofColumn[t] {
			modelTests = append(modelTests, t)
		}
	}
	for _, mv := range n.Versions {
		var ts []*TestDef
		if !mv.HasTests {
			ts = append(ts, modelTests...)
		}
		for _, c := range n.Columns {
			if mv.includes(c.Name) && !mv.redefines(c.Name) {
				ts = append(ts, colTests[c.Name]...)
			}
		}
		for _, t := range ts {
			c := *t
			c.TestedVersion = mv.V
			p.props.Tests = append(p.props.Tests, &c)
		}
		for _, t := range added {
			if sameVersion(t.TestedVersion, mv.V) {
				p.props.Tests = append(p.props.Tests, t)
			}
		}
	}
}

// versionColumnsFor is the column list of one version: the model's included columns, then
// the version's own (which replace a model column of the same name).
func versionColumnsFor(np *NodeProps, mv *ModelVersion) []*ColumnProps {
	var out []*ColumnProps
	for _, c := range np.Columns {
		if mv.includes(c.Name) && !mv.redefines(c.Name) {
			out = append(out, c)
		}
	}
	return append(out, mv.Columns...)
}
