package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// docsCatalog reads target/catalog.json after validating it against dbt's catalog v1
// schema (the copy in testdata/dbt-schemas, so the check never skips).
func docsCatalog(t *testing.T, dir string) map[string]map[string]any {
	t.Helper()
	b := rtValidate(t, filepath.Join(dir, "target", "catalog.json"), "catalog_v1.json")
	var c map[string]map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestDocsGenerate builds the runner's shop project, then checks `gdbt docs generate`:
// catalog.json valid against dbt's schema with the warehouse's columns and types, the
// site's pages, --select limiting the catalog as dbt 1.9 does, --empty-catalog, and a
// {% docs %} overview rendered as Markdown.
func TestDocsGenerate(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtWrite(t, dir, "models/overview.md", "{% docs __overview__ %}\n# Shop docs\n\nThe **shop** project.\n{% enddocs %}\n")
	rtWrite(t, dir, "models/thing_v1.sql", "select 1 as id")
	rtWrite(t, dir, "models/thing_v2.sql", "select 1 as id, 'x' as name")
	rtWrite(t, dir, "models/thing.yml", "version: 2\nmodels:\n  - name: thing\n    latest_version: 2\n    versions:\n      - v: 1\n        deprecation_date: 2030-01-01\n      - v: 2\n")
	rtMust(t, dir, 0, "build", "--exclude", "big+")
	r := rtMust(t, dir, 0, "docs", "generate")
	if !strings.Contains(r.out, "catalog.json") {
		t.Errorf("no catalog line:\n%s", r)
	}
	c := docsCatalog(t, dir)
	ct, ok := c["nodes"]["model.shop.customer_totals"].(map[string]any)
	if !ok {
		t.Fatalf("catalog nodes %v lack customer_totals", keysOf(c["nodes"]))
	}
	cols := ct["columns"].(map[string]any)
	if got := strings.Join(keysOf(cols), ","); got != "id,n_orders,name,total" {
		t.Errorf("customer_totals columns %s", got)
	}
	if ty := cols["n_orders"].(map[string]any)["type"]; ty != "BIGINT" {
		t.Errorf("n_orders type %v, want BIGINT", ty)
	}
	if md := ct["metadata"].(map[string]any); md["type"] != "BASE TABLE" || md["name"] != "customer_totals" {
		t.Errorf("customer_totals metadata %v", md)
	}
	if md := c["nodes"]["model.shop.stg_customers"].(map[string]any)["metadata"].(map[string]any); md["type"] != "VIEW" {
		t.Errorf("stg_customers metadata %v, want a VIEW", md)
	}
	if _, ok := c["nodes"]["seed.shop.customers"]; !ok {
		t.Errorf("seeds missing from the catalog: %v", keysOf(c["nodes"]))
	}
	if _, ok := c["nodes"]["model.shop.big"]; ok {
		t.Errorf("model big was never built but is in the catalog")
	}
	for _, f := range []string{"index.html", "lineage.html", "dashboard.html", "search-index.js", "app.js", "style.css",
		"nodes/model.shop.customer_totals.html", "nodes/macros.shop.html"} {
		if _, err := os.Stat(filepath.Join(dir, "target", "docs", f)); err != nil {
			t.Errorf("site file %s: %v", f, err)
		}
	}
	index, _ := os.ReadFile(filepath.Join(dir, "target", "docs", "index.html"))
	if !strings.Contains(string(index), "<h1>Shop docs</h1>") || !strings.Contains(string(index), "<strong>shop</strong>") {
		t.Errorf("index.html does not render the __overview__ docs block as Markdown")
	}
	page, _ := os.ReadFile(filepath.Join(dir, "target", "docs", "nodes", "model.shop.customer_totals.html"))
	for _, want := range []string{"n_orders", "BIGINT", `id="compiled-sql"`, "s-pass"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("customer_totals page lacks %q", want)
		}
	}

	// Self-contained: nothing in the site loads from the network.
	filepath.WalkDir(filepath.Join(dir, "target", "docs"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, bad := range []string{`src="http`, `href="http`, `url(http`, `src="//`, `href="//`, "@import"} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s refers to the network (%s)", p, bad)
			}
		}
		return nil
	})

	// A model version's page lists every version, the latest marked.
	v2, _ := os.ReadFile(filepath.Join(dir, "target", "docs", "nodes", "model.shop.thing.v2.html"))
	for _, want := range []string{`href="../nodes/model.shop.thing.v1.html">thing.v1</a> <span class="pill warn">deprecated 2030-01-01`,
		`href="../nodes/model.shop.thing.v2.html">thing.v2</a> <span class="pill">latest</span>`} {
		if !strings.Contains(string(v2), want) {
			t.Errorf("thing.v2 page lacks %s", want)
		}
	}

	// dbt 1.9: --select limits the catalog to the selected nodes.
	rtMust(t, dir, 0, "docs", "generate", "--select", "stg_customers")
	c = docsCatalog(t, dir)
	if got := strings.Join(keysOf(c["nodes"]), ","); got != "model.shop.stg_customers" {
		t.Errorf("--select stg_customers: catalog nodes %s", got)
	}

	rtMust(t, dir, 0, "docs", "generate", "--empty-catalog")
	c = docsCatalog(t, dir)
	if len(c["nodes"]) != 0 || len(c["sources"]) != 0 {
		t.Errorf("--empty-catalog: %d nodes, %d sources", len(c["nodes"]), len(c["sources"]))
	}

	if r := rtGdbt(t, dir, "docs", "publish"); r.code != ExitLoadFailed || !strings.Contains(r.err, "usage: gdbt docs") {
		t.Errorf("gdbt docs publish: %s", r)
	}
}

// TestDocsChartErrors checks that a bad meta.chart fails generate with the property file
// and what is wrong, and that a chart of a missing column names the columns there are.
func TestDocsChartErrors(t *testing.T) {
	dir := rtProject(t, "shop.txtar")
	rtMust(t, dir, 0, "seed")
	rtMust(t, dir, 0, "run", "--select", "stg_customers")
	rtWrite(t, dir, "models/charts.yml", "version: 2\nmodels:\n  - name: stg_customers\n    config:\n      meta:\n        chart: {type: pie, x: name, y: id}\n")
	r := rtGdbt(t, dir, "docs", "generate")
	if r.code == 0 || !strings.Contains(r.err, "models/charts.yml") || !strings.Contains(r.err, `type "pie"`) {
		t.Errorf("a pie chart: %s", r)
	}
	// A valid chart, with --no-compile (the relation comes from the manifest, not from
	// the compiled relation_name).
	rtWrite(t, dir, "models/charts.yml", "version: 2\nmodels:\n  - name: stg_customers\n    config:\n      meta:\n        dashboard: Customers\n        chart: {type: bar, title: Ids, x: name, y: id, sort: -id}\n")
	rtMust(t, dir, 0, "docs", "generate", "--no-compile")
	dash, _ := os.ReadFile(filepath.Join(dir, "target", "docs", "dashboard.html"))
	for _, want := range []string{"<h2>Customers</h2>", `data-title="Ids"`, `data-x="CAROL" data-y="3"`} {
		if !strings.Contains(string(dash), want) {
			t.Errorf("dashboard.html lacks %s", want)
		}
	}
	rtWrite(t, dir, "models/charts.yml", "version: 2\nmodels:\n  - name: stg_customers\n    config:\n      meta:\n        chart: {type: bar, x: name, y: amount}\n")
	r = rtGdbt(t, dir, "docs", "generate")
	if r.code == 0 || !strings.Contains(r.err, `no column "amount"`) || !strings.Contains(r.err, "id, name") {
		t.Errorf("a chart of a missing column: %s", r)
	}
}
