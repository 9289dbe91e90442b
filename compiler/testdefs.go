package compiler

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// TestDef is one generic test attached in property YAML, normalised from every form dbt
// accepts:
//
//   - not_null
//   - accepted_values: {values: [a, b], config: {severity: warn}}
//   - relationships: {arguments: {to: ref('x'), field: id}}      (dbt 1.10)
//   - dbt_utils.expression_is_true: {expression: "a > 0", where: "b"}
//   - name: custom_name
//     test_name: unique
//
// The compiler turns each into a test node calling the macro test_<Name>.
type TestDef struct {
	Name      string // e.g. not_null (without the namespace)
	Namespace string // dbt_utils for dbt_utils.expression_is_true, "" otherwise
	// Kwargs are the test's own arguments (nested arguments: and the flat form merged),
	// values unrendered as written (e.g. "ref('x')").
	Kwargs map[string]any
	// ColumnName is the column for a column-level test; ColumnQuoted when the column has
	// quote: true.
	ColumnName   string
	ColumnQuoted bool
	// Config holds severity, where, limit, warn_if, error_if, store_failures, tags, enabled,
	// alias, meta… from config: and from the legacy flat keys.
	Config map[string]any
	// CustomName is name: when given (it replaces the generated test name).
	CustomName  string
	Description string
	TestedKind  string // "model", "source", "seed", "snapshot"
	TestedName  string // the model/seed/snapshot name, or the source name
	SourceTable string // for source tests: the table name
	// TestedVersion is the model version tested (nil for an unversioned model); a test
	// written on a versioned model is copied once per version.
	TestedVersion any
	File          string // relative to the root project dir
	Line, Col     int
	// IDs are the test's generated names and id hash when they were computed with its
	// property file's parse, for the parse state (nil otherwise; testnodes.go testIDsOf).
	IDs *TestIDs
}

// FullName is the test's macro name as written: "dbt_utils.expression_is_true" or "unique".
func (t *TestDef) FullName() string {
	if t.Namespace != "" {
		return t.Namespace + "." + t.Name
	}
	return t.Name
}

// testConfigArgs are the config keys dbt lifts out of a test's flat arguments.
var testConfigArgs = set("severity", "tags", "enabled", "where", "limit", "warn_if", "error_if", "fail_calc",
	"store_failures", "store_failures_as", "meta", "database", "schema", "alias")

// tests parses a tests:/data_tests: list. kind/owner name what is tested; sourceTable is set
// for source tables; column for column-level tests.
func (p *propParser) tests(v *yaml.Node, kind, owner, sourceTable, column string) []*TestDef {
	var out []*TestDef
	for _, item := range p.list(v, "tests") {
		t := &TestDef{TestedKind: kind, TestedName: owner, SourceTable: sourceTable, ColumnName: column,
			File: p.file, Line: item.Line, Col: item.Column, Kwargs: map[string]any{}, Config: map[string]any{}}
		var args []kv
		switch item.Kind {
		case yaml.ScalarNode:
			t.Name = item.Value
		case yaml.MappingNode:
			pairs := mappingPairs(item)
			var testName *yaml.Node
			for _, e := range pairs {
				if e.Key.Value == "test_name" {
					testName = e.Value
				}
			}
			if testName != nil {
				t.Name = p.str(testName)
				for _, e := range pairs {
					if e.Key.Value != "test_name" {
						args = append(args, e)
					}
				}
			} else {
				if len(pairs) != 1 {
					p.fail(item, "test definition must have exactly one key (the test name), got %d", len(pairs))
					continue
				}
				t.Name = pairs[0].Key.Value
				a := pairs[0].Value
				if !isNull(a) && a.Kind != yaml.MappingNode {
					p.fail(a, "arguments of test %s must be a mapping, got %s", t.Name, kindName(a))
					continue
				}
				args = mappingPairs(a)
			}
		default:
			p.fail(item, "test definition must be a name or a mapping, got %s", kindName(item))
			continue
		}
		if t.Name == "" {
			p.fail(item, "test definition has no test name")
			continue
		}
		if i := strings.LastIndexByte(t.Name, '.'); i >= 0 {
			t.Namespace, t.Name = t.Name[:i], t.Name[i+1:]
			if strings.Contains(t.Namespace, ".") || t.Namespace == "" || t.Name == "" {
				p.fail(item, "test name %q must be name or package.name", t.FullName())
				continue
			}
		}
		for _, e := range args {
			k, v := e.Key.Value, e.Value
			switch {
			case k == "config":
				MergeConfig(t.Config, p.mapping(v))
			case k == "arguments":
				for ak, av := range p.mapping(v) {
					t.Kwargs[ak] = av
				}
			case k == "name":
				t.CustomName = p.str(v)
			case k == "description":
				t.Description = p.str(v)
			case k == "column_name" && column == "":
				t.ColumnName = p.str(v)
			case testConfigArgs[k]:
				MergeConfig(t.Config, map[string]any{k: p.any(v)})
			default:
				t.Kwargs[k] = p.any(v)
			}
		}
		out = append(out, t)
		p.props.Tests = append(p.props.Tests, t)
	}
	return out
}
