// Package docs is `gdbt docs`: the catalog (target/catalog.json, dbt's catalog v1 read from
// the warehouse), and a static documentation site generated from the manifest, the catalog
// and run_results.json: node pages, search, a lineage graph laid out at generate time, and
// dashboards of SVG charts declared in models' meta.chart. The site is plain HTML and SVG
// with one small embedded script, so it opens from file:// with no network, and `gdbt docs
// serve` only serves the folder.
//
// It reads the project through the manifest package and the warehouse through the
// warehouse.Adapter interface only; it knows nothing of the compiler's internals.
package docs
