package compiler

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/manifest"
	"golang.org/x/tools/txtar"
)

// loadVersioned loads testdata/load/versioned.txtar, collecting warnings.
func loadVersioned(t *testing.T) (*Project, []string) {
	t.Helper()
	dir := extractTxtar(t, "versioned.txtar")
	var warns []string
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Warn: func(s string) { warns = append(warns, s) }})
	if err != nil {
		t.Fatal(err)
	}
	return p, warns
}

func TestVersionedModelNodes(t *testing.T) {
	p, warns := loadVersioned(t)
	wantWarns := []string{
		"models/core/dim_customers_legacy.sql:1:1: model dim_customers.v1 passed its deprecation date (2021-06-30); disable or remove it",
		"models/latest_consumer.sql:1:36: model latest_consumer: ref to vshop.dim_customers.v2, which is slated for deprecation on 2030-01-01",
		"models/pinned_consumer.sql:1:37: model pinned_consumer: ref to vshop.dim_customers.v1, which was deprecated on 2021-06-30; its latest version is 2: {{ ref('dim_customers', v=2) }}",
	}
	if !slices.Equal(warns, wantWarns) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warns, "\n"), strings.Join(wantWarns, "\n"))
	}
	m := p.Manifest
	cases := []struct {
		id, path, alias, fqn, materialized, deprecation string
		version                                         any
		columns                                         []string
		tags                                            []string
	}{
		{"model.vshop.dim_customers.v1", "core/dim_customers_legacy.sql", "dim_customers_v1", "vshop.core.dim_customers.v1", "table", "2021-06-30",
			1, []string{"country", "customer_id", "full_name"}, []string{"legacy"}},
		{"model.vshop.dim_customers.v2", "core/dim_customers_v2.sql", "dim_customers_v2", "vshop.core.dim_customers.v2", "table", "2030-01-01",
			2, []string{"customer_id", "full_name", "region"}, []string{}},
		{"model.vshop.dim_customers.v3", "core/dim_customers_v3.sql", "dim_customers_v3", "vshop.core.dim_customers.v3", "view", "2030-01-01",
			3, []string{"customer_id", "first_name"}, []string{}},
	}
	for _, tc := range cases {
		n := m.Nodes[tc.id]
		if n == nil {
			t.Errorf("%s: missing; nodes: %v", tc.id, keys(m.Nodes))
			continue
		}
		if n.Name != "dim_customers" || n.Path != tc.path || n.Alias != tc.alias || strings.Join(n.FQN, ".") != tc.fqn {
			t.Errorf("%s: name %q path %q alias %q fqn %v", tc.id, n.Name, n.Path, n.Alias, n.FQN)
		}
		if !sameVersion(n.Version, tc.version) || !sameVersion(n.LatestVersion, 2) {
			t.Errorf("%s: version %v latest %v", tc.id, n.Version, n.LatestVersion)
		}
		if n.Materialized() != tc.materialized || n.DeprecationDate != tc.deprecation {
			t.Errorf("%s: materialized %q deprecation %q", tc.id, n.Materialized(), n.DeprecationDate)
		}
		if got := keys(n.Columns); !slices.Equal(got, tc.columns) {
			t.Errorf("%s: columns %v, want %v", tc.id, got, tc.columns)
		}
		if !slices.Equal(n.Tags, tc.tags) {
			t.Errorf("%s: tags %v, want %v", tc.id, n.Tags, tc.tags)
		}
	}
	if d := m.Nodes["model.vshop.dim_customers.v2"].Columns["customer_id"].Description; d != "the customer key, never null" {
		t.Errorf("v2 customer_id description %q (the version's own entry replaces the model's)", d)
	}
	if d := m.Nodes["model.vshop.dim_customers.v3"].Description; d != "customers with split names" {
		t.Errorf("v3 description %q", d)
	}
	if d := m.Nodes["model.vshop.dim_customers.v2"].Description; d != "one row per customer" {
		t.Errorf("v2 description %q (inherited from the model)", d)
	}
	if _, ok := m.Nodes["model.vshop.dim_customers"]; ok {
		t.Error("an unversioned dim_customers node exists")
	}
}

func TestVersionedRefs(t *testing.T) {
	p, _ := loadVersioned(t)
	m := p.Manifest
	deps := map[string]string{
		"model.vshop.pinned_consumer": "model.vshop.dim_customers.v1",
		"model.vshop.latest_consumer": "model.vshop.dim_customers.v2",
	}
	for id, want := range deps {
		if got := m.Nodes[id].DependsOn.Nodes; !slices.Equal(got, []string{want}) {
			t.Errorf("%s depends on %v, want %s", id, got, want)
		}
		if !slices.Contains(m.ChildMap[want], id) || !slices.Contains(m.ParentMap[id], want) {
			t.Errorf("maps lack the edge %s -> %s", want, id)
		}
	}
	sqls := map[string]string{"model.vshop.pinned_consumer": `"dim_customers_v1"`, "model.vshop.latest_consumer": `"dim_customers_v2"`}
	for id, want := range sqls {
		sql, err := p.Compile(context.Background(), nil, m.Nodes[id])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sql, want) {
			t.Errorf("%s compiled without %s:\n%s", id, want, sql)
		}
	}
	if r := m.Nodes["model.vshop.pinned_consumer"].Refs; len(r) != 1 || !sameVersion(r[0].Version, 1) {
		t.Errorf("refs %v", r)
	}
}

func TestVersionedTests(t *testing.T) {
	p, _ := loadVersioned(t)
	tests := map[string]*manifest.Node{}
	for _, n := range p.Manifest.Nodes {
		if n.ResourceType == manifest.Test {
			tests[n.Name] = n
		}
	}
	want := []string{
		"not_null_dim_customers_v1_country", "not_null_dim_customers_v1_customer_id", "unique_dim_customers_v1_customer_id",
		// v2 redefines customer_id with only not_null: the model's unique is not inherited.
		"not_null_dim_customers_v2_customer_id",
		"not_null_dim_customers_v3_customer_id", "unique_dim_customers_v3_customer_id",
	}
	sort.Strings(want)
	if got := keys(tests); !slices.Equal(got, want) {
		t.Errorf("tests %v\nwant %v", got, want)
	}
	n := tests["not_null_dim_customers_v2_customer_id"]
	if n == nil {
		return
	}
	if n.AttachedNode != "model.vshop.dim_customers.v2" || !slices.Equal(n.DependsOn.Nodes, []string{"model.vshop.dim_customers.v2"}) {
		t.Errorf("attached %q depends_on %v", n.AttachedNode, n.DependsOn.Nodes)
	}
	if got := n.TestMetadata.Kwargs["model"]; got != "{{ get_where_subquery(ref('dim_customers', version='2')) }}" {
		t.Errorf("model kwarg %v", got)
	}
	sql, err := p.Compile(context.Background(), nil, n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sql, `"dim_customers_v2"`) {
		t.Errorf("test SQL does not read dim_customers_v2:\n%s", sql)
	}
}

// TestVersionedManifestValidates writes the versioned project's manifest and checks it
// against dbt's manifest v12 schema and the version fields dbt writes.
func TestVersionedManifestValidates(t *testing.T) {
	dir := schemasDir(t)
	p, _ := loadVersioned(t)
	out := filepath.Join(t.TempDir(), "manifest.json")
	if err := WriteManifest(out, p.Manifest, p.Manifest.Metadata); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	validateAgainst(t, filepath.Join(dir, "manifest_v12.json"), b)
	var doc struct {
		Nodes map[string]map[string]any `json:"nodes"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	v1 := doc.Nodes["model.vshop.dim_customers.v1"]
	if v1["version"] != 1.0 || v1["latest_version"] != 2.0 || v1["deprecation_date"] != "2021-06-30T00:00:00" || v1["name"] != "dim_customers" {
		t.Errorf("v1: version %v latest %v deprecation %v name %v", v1["version"], v1["latest_version"], v1["deprecation_date"], v1["name"])
	}
	plain := doc.Nodes["model.vshop.latest_consumer"]
	if plain["version"] != nil || plain["latest_version"] != nil {
		t.Errorf("unversioned model has version %v latest %v", plain["version"], plain["latest_version"])
	}
	refs := doc.Nodes["model.vshop.pinned_consumer"]["refs"].([]any)
	if r := refs[0].(map[string]any); r["name"] != "dim_customers" || r["version"] != 1.0 {
		t.Errorf("refs %v", refs)
	}
}

// TestVersionedErrors checks the positioned errors of versioned models.
func TestVersionedErrors(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("testdata", "load", "versioned.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]string{}
	for _, f := range ar.Files {
		base[f.Name] = string(f.Data)
	}
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"unknown version", map[string]string{"models/bad.sql": "select * from {{ ref('dim_customers', v=4) }}\n"},
			"models/bad.sql:1:18: model bad: ref('dim_customers', v=4): model 'dim_customers' has no version 4; available versions: 1, 2, 3"},
		{"version of an unversioned model", map[string]string{"models/bad.sql": "select * from {{ ref('latest_consumer', version=1) }}\n"},
			"models/bad.sql:1:18: model bad: ref('latest_consumer', v=1): model 'latest_consumer' has no versions (remove v=1)"},
		{"latest_version not declared", map[string]string{"models/core/dim_customers.yml": strings.Replace(base["models/core/dim_customers.yml"], "latest_version: 2", "latest_version: 7", 1)},
			"models/core/dim_customers.yml:5:21: latest_version 7 of model dim_customers is not one of its versions (1, 2, 3)"},
		{"unversioned file next to versions", map[string]string{"models/core/dim_customers.sql": "select 1 as customer_id\n"},
			`models/core/dim_customers.sql:1:1: dbt found versioned and unversioned models with the name "dim_customers"`},
		{"version twice", map[string]string{"models/core/dim_customers.yml": strings.Replace(base["models/core/dim_customers.yml"], "- v: 3", "- v: 2", 1)},
			"models/core/dim_customers.yml:30:9: model dim_customers defines version 2 twice"},
		{"version without v", map[string]string{"models/core/dim_customers.yml": strings.Replace(base["models/core/dim_customers.yml"], "- v: 3", "- description: x", 1)},
			"models/core/dim_customers.yml:30:9: version entry of model dim_customers has no v"},
		{"bad include", map[string]string{"models/core/dim_customers.yml": strings.Replace(base["models/core/dim_customers.yml"], "include: all", "include: some", 1)},
			`models/core/dim_customers.yml:23:22: include must be "all", "*" or a list of column names, got "some"`},
		{"two versions in one file", map[string]string{"models/core/dim_customers.yml": strings.Replace(base["models/core/dim_customers.yml"], "- v: 2\n", "- v: 2\n        defined_in: dim_customers_legacy\n", 1)},
			"models/core/dim_customers.yml:21:9: model dim_customers versions 1 and 2 are both defined in dim_customers_legacy.sql"},
		{"exclude without include all", map[string]string{"models/core/dim_customers.yml": strings.Replace(base["models/core/dim_customers.yml"], "include: all", "include: [customer_id]", 1)},
			"models/core/dim_customers.yml:23:13: exclude can only be used with include: all"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range base {
				files[k] = v
			}
			for k, v := range tc.files {
				files[k] = v
			}
			dir := writeProject(t, files)
			_, err := Load(Options{ProjectDir: dir, ProfilesDir: dir})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v\nwant %s", err, tc.want)
			}
		})
	}
}

// TestVersionFileMissingWarns checks that a declared version without a file is a warning
// naming the file dbt looks for, and that the other versions still load.
func TestVersionFileMissingWarns(t *testing.T) {
	dir := extractTxtar(t, "versioned.txtar")
	if err := os.Remove(filepath.Join(dir, "models", "core", "dim_customers_v3.sql")); err != nil {
		t.Fatal(err)
	}
	var warns []string
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Warn: func(s string) { warns = append(warns, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) == 0 || !strings.Contains(warns[0], "models/core/dim_customers.yml:30:9: model dim_customers version 3: no model file dim_customers_v3.sql") {
		t.Errorf("warnings %q", warns)
	}
	if _, ok := p.Manifest.Nodes["model.vshop.dim_customers.v2"]; !ok {
		t.Error("v2 is missing")
	}
	for _, n := range p.Manifest.Nodes {
		if strings.Contains(n.Name, "_v3_") {
			t.Errorf("test %s on the missing version was built", n.Name)
		}
	}
}

// TestVersionLatestInBareFile checks dbt's rule that the latest version may live in
// <model>.sql, and that project config by model name reaches every version.
func TestVersionLatestInBareFile(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"dbt_project.yml":      "name: vs\nprofile: vs\nmodels:\n  vs:\n    orders:\n      +materialized: table\n",
		"models/orders.yml":    "version: 2\nmodels:\n  - name: orders\n    versions:\n      - v: 1\n      - v: 2\n",
		"models/orders.sql":    "select 2 as v\n",
		"models/orders_v1.sql": "select 1 as v\n",
		"models/report.sql":    "select * from {{ ref('orders') }}\n",
	})
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Manifest
	for id, file := range map[string]string{"model.vs.orders.v1": "models/orders_v1.sql", "model.vs.orders.v2": "models/orders.sql"} {
		n := m.Nodes[id]
		if n == nil {
			t.Fatalf("%s missing; nodes %v", id, keys(m.Nodes))
		}
		if n.OriginalFilePath != file || n.Materialized() != "table" {
			t.Errorf("%s: file %s materialized %s", id, n.OriginalFilePath, n.Materialized())
		}
	}
	if got := m.Nodes["model.vs.report"].DependsOn.Nodes; !slices.Equal(got, []string{"model.vs.orders.v2"}) {
		t.Errorf("report depends on %v", got)
	}
}

func TestLatestVersionDefault(t *testing.T) {
	cases := []struct {
		versions []any
		want     string
	}{
		{[]any{1, 2, 10}, "10"},
		{[]any{1.5, 2, 0}, "2"},
		{[]any{"alpha", "beta", 3}, "beta"},
	}
	for _, tc := range cases {
		np := &NodeProps{}
		for _, v := range tc.versions {
			np.Versions = append(np.Versions, &ModelVersion{V: v})
		}
		if got := manifest.VersionString(np.LatestV()); got != tc.want {
			t.Errorf("LatestV(%v) = %s, want %s", tc.versions, got, tc.want)
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestVersionedCustomAliasMacro checks that a project's own generate_alias_name sees the
// version as written (2, not 2.0) and that model.version / graph.nodes carry it, as in dbt.
func TestVersionedCustomAliasMacro(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"dbt_project.yml":      "name: vs\nprofile: vs\n",
		"macros/alias.sql":     "{% macro generate_alias_name(custom_alias_name=none, node=none) %}{{ return('x_' ~ default__generate_alias_name(custom_alias_name, node)) }}{% endmacro %}\n",
		"models/orders.yml":    "version: 2\nmodels:\n  - name: orders\n    versions:\n      - v: 1\n      - v: 2\n",
		"models/orders_v1.sql": "select {{ model.version }} as v, '{{ model.latest_version }}' as latest\n",
		"models/orders_v2.sql": "select 2 as v\n",
		"models/report.sql": "-- depends_on: {{ ref('orders') }}\n" +
			"select '{% for n in graph.nodes.values() | sort(attribute='unique_id') if n.name == 'orders' %}{{ n.version }}{% endfor %}' as vs, '{{ model.version }}' as mine\n",
	})
	p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Manifest
	if a := m.Nodes["model.vs.orders.v1"].Alias; a != "x_orders_v1" {
		t.Errorf("alias %q, want x_orders_v1", a)
	}
	for id, want := range map[string]string{"model.vs.orders.v1": "select 1 as v, '2' as latest", "model.vs.report": "'12' as vs, 'None' as mine"} {
		sql, err := p.Compile(context.Background(), nil, m.Nodes[id])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sql, want) {
			t.Errorf("%s compiled to %q, want %q in it", id, sql, want)
		}
	}
}
