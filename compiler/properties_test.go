package compiler

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func parsePropsFile(t *testing.T, name string) (*Properties, []string, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "load", name))
	if err != nil {
		t.Fatal(err)
	}
	return parsePropsString(string(b))
}

func parsePropsString(src string) (*Properties, []string, error) {
	f := &SourceFile{Package: &Package{Name: "shop", Root: true}, Path: "models/schema.yml", ResourceType: FileProperties, Contents: []byte(src)}
	var warns []string
	p, err := ParseProperties(f, func(s string) { warns = append(warns, s) })
	return p, warns, err
}

func TestParsePropertiesFull(t *testing.T) {
	p, warns, err := parsePropsFile(t, "properties_full.yml")
	if err != nil {
		t.Fatal(err)
	}
	wantWarns := []string{
		`models/schema.yml:41:9: unknown key "colour" in column customer_id of model dim_orders`,
		`models/schema.yml:44:5: unknown key "lolwut" in model dim_orders`,
	}
	if !reflect.DeepEqual(warns, wantWarns) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warns, "\n"), strings.Join(wantWarns, "\n"))
	}
	if len(p.Models) != 1 || len(p.Seeds) != 1 || len(p.Sources) != 2 || len(p.Macros) != 1 || len(p.Exposures) != 1 {
		t.Fatalf("counts: %d models %d seeds %d sources %d macros %d exposures", len(p.Models), len(p.Seeds), len(p.Sources), len(p.Macros), len(p.Exposures))
	}
	m := p.Models[0]
	if m.Name != "dim_orders" || m.Description != "one row per order" || m.Config["materialized"] != "table" ||
		m.Meta["owner"] != "ops" || m.Docs["show"] != false || m.Line != 4 || m.Col != 5 {
		t.Errorf("model: %+v", m)
	}
	if len(m.Columns) != 3 || m.Columns[0].DataType != "integer" || m.Columns[0].Quote == nil || !*m.Columns[0].Quote {
		t.Errorf("columns: %+v", m.Columns)
	}

	type tcase struct {
		full, col, kind, owner, table string
		kwargs, config                map[string]any
		custom                        string
		line, colno                   int
	}
	want := []tcase{
		{full: "dbt_utils.expression_is_true", kind: "model", owner: "dim_orders",
			kwargs: map[string]any{"expression": "total >= 0"}, config: map[string]any{"severity": "warn"}, line: 12, colno: 9},
		{full: "relationships", kind: "model", owner: "dim_orders", custom: "orders_have_lines",
			kwargs: map[string]any{"to": "ref('fct_lines')", "field": "order_id"}, config: map[string]any{}, line: 16, colno: 9},
		{full: "not_null", col: "order_id", kind: "model", owner: "dim_orders", kwargs: map[string]any{}, config: map[string]any{}, line: 25, colno: 13},
		{full: "unique", col: "order_id", kind: "model", owner: "dim_orders", kwargs: map[string]any{},
			config: map[string]any{"where": "order_id > 0"}, line: 26, colno: 13},
		{full: "accepted_values", col: "status", kind: "model", owner: "dim_orders",
			kwargs: map[string]any{"values": []any{"placed", "shipped"}}, config: map[string]any{"severity": "warn", "limit": 10}, line: 30, colno: 13},
		{full: "accepted_values", col: "status", kind: "model", owner: "dim_orders",
			kwargs: map[string]any{"values": []any{"a", "b"}, "quote": false}, config: map[string]any{"store_failures": true}, line: 34, colno: 13},
		{full: "relationships", col: "customer_id", kind: "model", owner: "dim_orders",
			kwargs: map[string]any{"to": "ref('dim_customers')", "field": "id"}, config: map[string]any{}, line: 43, colno: 13},
		{full: "unique", col: "code", kind: "seed", owner: "countries", kwargs: map[string]any{}, config: map[string]any{}, line: 54, colno: 17},
		{full: "not_null", col: "id", kind: "source", owner: "raw", table: "orders", kwargs: map[string]any{}, config: map[string]any{}, line: 71, colno: 21},
		{full: "dbt_utils.unique_combination_of_columns", kind: "source", owner: "raw", table: "products",
			kwargs: map[string]any{"combination_of_columns": []any{"a", "b"}}, config: map[string]any{}, line: 76, colno: 13},
	}
	if len(p.Tests) != len(want) {
		t.Fatalf("%d tests, want %d: %+v", len(p.Tests), len(want), p.Tests)
	}
	for i, w := range want {
		g := p.Tests[i]
		got := tcase{full: g.FullName(), col: g.ColumnName, kind: g.TestedKind, owner: g.TestedName, table: g.SourceTable,
			kwargs: g.Kwargs, config: g.Config, custom: g.CustomName, line: g.Line, colno: g.Col}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("test %d:\n got %+v\nwant %+v", i, got, w)
		}
		if g.File != "models/schema.yml" {
			t.Errorf("test %d file %q", i, g.File)
		}
	}
	if !p.Tests[2].ColumnQuoted || p.Tests[4].ColumnQuoted {
		t.Errorf("quote: true must mark the column's tests only")
	}

	seed := p.Seeds[0]
	if seed.Config["delimiter"] != ";" || !reflect.DeepEqual(seed.Config["column_types"], map[string]any{"code": "varchar"}) {
		t.Errorf("seed config %+v", seed.Config)
	}
	raw, erp := p.Sources[0], p.Sources[1]
	if raw.Schema != "raw_data" || raw.Loader != "csv" || raw.LoadedAtField != "_loaded_at" || raw.Freshness == nil {
		t.Errorf("source raw: %+v", raw)
	}
	if erp.Schema != "erp" || erp.Tables[0].Identifier != "customers" {
		t.Errorf("defaults: schema %q identifier %q", erp.Schema, erp.Tables[0].Identifier)
	}
	orders, products := raw.Tables[0], raw.Tables[1]
	if orders.Identifier != "orders_v2" || !orders.FreshnessNull || orders.ExternalLocation != "data/{name}.csv" { // the template: formatted with the source's fields later
		t.Errorf("orders: %+v", orders)
	}
	if products.ExternalLocation != "s3://bucket/{name}.parquet" {
		t.Errorf("products external location %q", products.ExternalLocation)
	}
	mac := p.Macros[0]
	if !reflect.DeepEqual(mac.Arguments, []MacroArg{{Name: "x", Type: "number", Description: "the amount"}}) {
		t.Errorf("macro args %+v", mac.Arguments)
	}
	x := p.Exposures[0]
	if x.Type != "dashboard" || x.Maturity != "high" || x.Owner["email"] != "ops@example.com" ||
		!reflect.DeepEqual(x.DependsOn, []string{"ref('dim_orders')", "source('raw', 'orders')"}) {
		t.Errorf("exposure %+v", x)
	}
}

func TestParsePropertiesErrors(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"columns not a list", "models:\n  - name: a\n    columns: foo\n", []string{"models/schema.yml:3:14: columns must be a list, got a scalar"}},
		{"models not a list", "models:\n  name: a\n", []string{"models/schema.yml:2:3: models must be a list, got a mapping"}},
		{"entry without name", "models:\n  - description: x\n", []string{"models/schema.yml:2:5: model entry has no name"}},
		{"test with two keys", "models:\n  - name: a\n    tests:\n      - unique: {}\n        not_null: {}\n", []string{"models/schema.yml:4:9: test definition must have exactly one key"}},
		{"test args not mapping", "models:\n  - name: a\n    tests:\n      - unique: [1]\n", []string{"models/schema.yml:4:17: arguments of test unique must be a mapping"}},
		{"tests and data_tests", "models:\n  - name: a\n    tests: [unique]\n    data_tests: [not_null]\n", []string{"models/schema.yml:4:5: model a has both tests and data_tests"}},
		{"bad quote", "models:\n  - name: a\n    columns:\n      - name: b\n        quote: maybe\n", []string{"models/schema.yml:5:16: expected true or false"}},
		{"exposure type", "exposures:\n  - name: e\n    type: tv\n    owner: {name: x}\n", []string{`models/schema.yml:2:5: exposure e: type "tv" is not one of`}},
		{"syntax", "models:\n  - name: a\n    description: \"unterminated\n", []string{"models/schema.yml:", "invalid YAML"}},
		{"several errors at once", "models:\n  - name: a\n    columns: 1\n  - name: b\n    columns: 2\n", []string{"models/schema.yml:3:14:", "models/schema.yml:5:14:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := parsePropsString(c.src)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%s\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestParsePropertiesAnchorsAndEmpty(t *testing.T) {
	src := `
x-common: &common
  description: shared
  config: {tags: [a]}
models:
  - name: m1
    <<: *common
  - name: m2
    <<: *common
    description: own
metrics: []
`
	p, warns, err := parsePropsString(src)
	if err != nil {
		t.Fatal(err)
	}
	if p.Models[0].Description != "shared" || p.Models[1].Description != "own" || p.Models[1].Config["tags"] == nil {
		t.Errorf("merge keys: %+v %+v", p.Models[0], p.Models[1])
	}
	if len(warns) != 1 || !strings.Contains(warns[0], `unknown key "x-common"`) {
		t.Errorf("warnings %q", warns)
	}
	if p, _, err := parsePropsString(""); err != nil || p == nil {
		t.Errorf("empty file: %v", err)
	}
	_ = sort.Strings
}

// FuzzParseProperties checks that no property file, however malformed, panics the parser.
func FuzzParseProperties(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "load", "properties_full.yml")); err == nil {
		f.Add(string(b))
	}
	f.Add("models:\n  - name: a\n    columns: [{name: b, tests: [{unique: {config: 1}}]}]\n")
	f.Add("sources: [{name: s, tables: [{name: t, freshness: null}]}]\n")
	f.Add("x: &a [*a]\n")
	f.Fuzz(func(t *testing.T, src string) {
		parsePropsString(src)
	})
}

// FuzzParseProjectConfig does the same for project files.
func FuzzParseProjectConfig(f *testing.F) {
	f.Add("name: a\nmodels: {a: {+tags: x}}\nvars: {a: 1}\n")
	f.Add("name: [a]\non-run-start: {a: 1}\ndispatch: [{macro_namespace: x, search_order: y}]\n")
	f.Fuzz(func(t *testing.T, src string) {
		ParseProjectConfig("p", "p/dbt_project.yml", []byte(src), nil)
	})
}

func TestParsePropertiesRecursiveAlias(t *testing.T) {
	for _, src := range []string{"a: &x\n  <<: *x\n", "models: &m\n  - name: a\n    columns: *m\n", "x: &a [*a]\n", "models:\n  - &n\n    name: a\n    <<: *n\n"} {
		_, _, err := parsePropsString(src)
		if err == nil || !strings.Contains(err.Error(), "refers to a node that contains it") {
			t.Errorf("%q: err = %v", src, err)
		}
	}
}

func TestSourceFreshnessInConfig(t *testing.T) {
	src := `
sources:
  - name: s
    config:
      freshness: {error_after: {count: 1, period: day}}
      loaded_at_field: ts
    tables:
      - name: a
      - name: b
        config:
          freshness: null
      - name: c
        config:
          freshness: {warn_after: {count: 2, period: hour}}
          loaded_at_field: updated
`
	p, _, err := parsePropsString(src)
	if err != nil {
		t.Fatal(err)
	}
	s := p.Sources[0]
	if s.Freshness == nil || s.LoadedAtField != "ts" {
		t.Errorf("source: %+v", s)
	}
	a, b, c := s.Tables[0], s.Tables[1], s.Tables[2]
	if a.Freshness != nil || a.FreshnessNull || !b.FreshnessNull || c.Freshness["warn_after"] == nil || c.LoadedAtField != "updated" {
		t.Errorf("tables: %+v %+v %+v", a, b, c)
	}
}

func TestParsePropertiesDuplicateKeys(t *testing.T) {
	src := "models:\n  - name: a\n    description: first\n    data_tests: [unique]\n    description: second\n    data_tests: [not_null]\n"
	p, warns, err := parsePropsString(src)
	if err != nil {
		t.Fatal(err)
	}
	m := p.Models[0]
	if m.Description != "second" || len(m.Tests) != 1 || m.Tests[0].Name != "not_null" {
		t.Errorf("the last duplicate must win: %+v tests %+v", m, m.Tests)
	}
	want := []string{`models/schema.yml:5:5: duplicate key "description"; the last one wins`,
		`models/schema.yml:6:5: duplicate key "data_tests"; the last one wins`}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings %q", warns)
	}
}
