package dag

import (
	"path"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
)

// The fixture project "shop" with the installed package "utils":
//
//	source raw.orders ─► stg_orders ─► int_orders ─► fct_orders ─► rpt_daily ◄─ utils.calendar ◄─ source utils.ref_data.holidays
//	source raw.customers ─► stg_customers ─┘   │         ▲  │                      │
//	                              └─► dim_customers       │  └─► exposure weekly_dashboard ◄─ dim_customers
//	seed country_codes ───────────────────────────────────┘                       └─► utils.util_helper
//	source ext.events ─► stg_events
//	customer_orders depends on dim_customers and fct_orders
//
// tests: unique_stg_orders_id (stg_orders), not_null_fct_orders_id (fct_orders, warn),
// relationships_fct_orders_customer_id__dim_customers (fct_orders, dim_customers),
// assert_positive_total (singular, fct_orders), accepted_values_stg_events_kind
// (stg_events), utils.not_null_calendar_day (calendar); disabled_model is disabled.

type nodeOpt func(*manifest.Node)

func tags(t ...string) nodeOpt {
	return func(n *manifest.Node) { n.Tags = t; n.Config["tags"] = t }
}

func cfg(k string, v any) nodeOpt { return func(n *manifest.Node) { n.Config[k] = v } }

func generic(name string) nodeOpt {
	return func(n *manifest.Node) { n.TestMetadata = &manifest.TestMetadata{Name: name} }
}

func patch(p string) nodeOpt { return func(n *manifest.Node) { n.PatchPath = p } }

type fixture struct{ m *manifest.Manifest }

func newFixture() *fixture {
	return &fixture{m: &manifest.Manifest{
		Metadata:  manifest.Metadata{ProjectName: "shop"},
		Nodes:     map[string]*manifest.Node{},
		Sources:   map[string]*manifest.Source{},
		Exposures: map[string]*manifest.Exposure{},
		Macros:    map[string]*manifest.Macro{},
	}}
}

// node adds a model, seed or test; file is relative to the package root, deps are
// unique ids.
func (f *fixture) node(rt, pkg, file string, deps []string, opts ...nodeOpt) *manifest.Node {
	name := strings.TrimSuffix(path.Base(file), path.Ext(file))
	dir := strings.Split(path.Dir(file), "/")[1:] // drop models/ seeds/ tests/
	fqn := append(append([]string{pkg}, dir...), name)
	n := &manifest.Node{
		UniqueID: rt + "." + pkg + "." + name, ResourceType: rt, PackageName: pkg, Name: name,
		FQN: fqn, OriginalFilePath: file, Path: strings.Join(append(dir, path.Base(file)), "/"),
		Checksum: manifest.Checksum{Name: "sha256", Checksum: "c-" + name},
		Config:   map[string]any{"enabled": true}, UnrenderedConfig: map[string]any{},
		DependsOn: manifest.DependsOn{Nodes: deps},
	}
	for _, o := range opts {
		o(n)
	}
	f.m.Nodes[n.UniqueID] = n
	return n
}

// test adds a generic test defined in a YAML file (name given) or a singular one.
func (f *fixture) test(pkg, name, file string, deps []string, opts ...nodeOpt) *manifest.Node {
	n := f.node(manifest.Test, pkg, file, deps, opts...)
	delete(f.m.Nodes, n.UniqueID)
	n.Name = name
	n.UniqueID = "test." + pkg + "." + name
	n.FQN = append(n.FQN[:len(n.FQN)-1:len(n.FQN)-1], name)
	if _, ok := n.Config["severity"]; !ok {
		n.Config["severity"] = "ERROR"
	}
	if n.TestMetadata != nil && len(deps) > 0 {
		n.AttachedNode = deps[0]
	}
	f.m.Nodes[n.UniqueID] = n
	return n
}

func (f *fixture) source(pkg, srcName, table, file string, tagList ...string) {
	dir := strings.Split(path.Dir(file), "/")[1:]
	s := &manifest.Source{
		UniqueID: "source." + pkg + "." + srcName + "." + table, ResourceType: manifest.SourceRT,
		PackageName: pkg, SourceName: srcName, Name: table, Identifier: table,
		FQN:              append(append([]string{pkg}, dir...), srcName, table),
		OriginalFilePath: file, Tags: tagList, Config: map[string]any{"enabled": true},
	}
	f.m.Sources[s.UniqueID] = s
}

func shopManifest() *manifest.Manifest {
	f := newFixture()
	f.source("shop", "raw", "orders", "models/staging/sources.yml", "raw")
	f.source("shop", "raw", "customers", "models/staging/sources.yml", "raw")
	f.source("shop", "ext", "events", "models/staging/sources.yml")
	f.source("utils", "ref_data", "holidays", "models/sources.yml")

	f.node("seed", "shop", "seeds/country_codes.csv", nil, cfg("materialized", "seed"))
	f.node("model", "shop", "models/staging/stg_orders.sql", []string{"source.shop.raw.orders"},
		tags("staging", "nightly"), patch("shop://models/staging/schema.yml"))
	f.node("model", "shop", "models/staging/stg_customers.sql", []string{"source.shop.raw.customers"},
		tags("staging"), cfg("materialized", "view"), patch("shop://models/staging/schema.yml"))
	f.node("model", "shop", "models/staging/events/stg_events.sql", []string{"source.shop.ext.events"})
	f.node("model", "shop", "models/intermediate/int_orders.sql",
		[]string{"model.shop.stg_orders", "model.shop.stg_customers"}, cfg("materialized", "ephemeral"))
	f.node("model", "shop", "models/marts/finance/fct_orders.sql",
		[]string{"model.shop.int_orders", "seed.shop.country_codes"},
		tags("finance", "nightly"), cfg("materialized", "table"),
		cfg("meta", map[string]any{"owner": "alice", "tier": 1}), cfg("unique_key", []any{"id", "day"}))
	f.node("model", "shop", "models/marts/core/dim_customers.sql", []string{"model.shop.stg_customers"},
		tags("core"), cfg("materialized", "table"), cfg("persist_docs", map[string]any{"relation": true}),
		cfg("contract", map[string]any{"enforced": false}))
	f.node("model", "shop", "models/marts/finance/rpt_daily.sql",
		[]string{"model.shop.fct_orders", "model.utils.calendar"},
		tags("finance"), cfg("materialized", "incremental"), cfg("full_refresh", false))
	f.node("model", "shop", "models/marts/core/customer_orders.sql",
		[]string{"model.shop.dim_customers", "model.shop.fct_orders"}, cfg("materialized", "table"))
	f.node("model", "shop", "models/marts/disabled_model.sql", []string{"model.shop.fct_orders"},
		cfg("enabled", false))
	f.node("model", "utils", "models/calendar.sql", []string{"source.utils.ref_data.holidays"},
		tags("utils"), cfg("materialized", "table"))
	f.node("model", "utils", "models/helpers/util_helper.py", []string{"model.utils.calendar"})

	f.test("shop", "unique_stg_orders_id", "models/staging/schema.yml",
		[]string{"model.shop.stg_orders"}, generic("unique"))
	f.test("shop", "not_null_fct_orders_id", "models/marts/schema.yml",
		[]string{"model.shop.fct_orders"}, generic("not_null"), cfg("severity", "warn"))
	f.test("shop", "relationships_fct_orders_customer_id__dim_customers", "models/marts/schema.yml",
		[]string{"model.shop.fct_orders", "model.shop.dim_customers"}, generic("relationships"))
	f.test("shop", "assert_positive_total", "tests/assert_positive_total.sql",
		[]string{"model.shop.fct_orders"})
	f.test("shop", "accepted_values_stg_events_kind", "models/staging/schema.yml",
		[]string{"model.shop.stg_events"}, generic("accepted_values"))
	f.test("utils", "not_null_calendar_day", "models/schema.yml",
		[]string{"model.utils.calendar"}, generic("not_null"))

	f.m.Exposures["exposure.shop.weekly_dashboard"] = &manifest.Exposure{
		UniqueID: "exposure.shop.weekly_dashboard", ResourceType: manifest.ExposureRT,
		PackageName: "shop", Name: "weekly_dashboard", Type: "dashboard",
		FQN:              []string{"shop", "marts", "weekly_dashboard"},
		OriginalFilePath: "models/marts/exposures.yml", Tags: []string{"bi"},
		DependsOn: manifest.DependsOn{Nodes: []string{"model.shop.fct_orders", "model.shop.dim_customers"}},
	}
	return f.m
}
