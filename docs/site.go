package docs

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/runner"
)

//go:embed assets
var assets embed.FS

// Site is everything the documentation site is made from.
type Site struct {
	Manifest *manifest.Manifest
	// Catalog, when not nil, adds column types and relation metadata from the warehouse.
	Catalog *Catalog
	// Results, when not nil, is the last run_results.json: each node's and test's last status.
	Results *runner.RunResults
	// Dashboards are the charts queried at generate time (QueryDashboards).
	Dashboards []*Dashboard
	// Project is the project's name, shown in the title.
	Project     string
	GeneratedAt string
}

// Write generates the site into dir (created; files of an earlier site are overwritten,
// node pages of nodes that no longer exist are removed with the nodes/ folder). Every link
// is relative, every script and style is a file beside the pages: the folder opens from
// file:// or any static server, with no network.
func (s *Site) Write(ctx context.Context, dir string) error {
	w := &siteWriter{s: s, dir: dir, results: map[string]*runner.NodeResult{}, written: map[string]bool{}}
	if s.Results != nil {
		for i := range s.Results.Results {
			r := &s.Results.Results[i]
			w.results[r.UniqueID] = r
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "nodes"), 0o755); err != nil {
		return fmt.Errorf("docs: %w", err)
	}
	if err := w.copyAssets(); err != nil {
		return err
	}
	w.collect()
	steps := []func() error{w.writeSearchIndex, w.writeIndex, w.writeLineage, w.writeDashboards, w.writeNodePages, w.removeStale}
	for _, f := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// siteWriter holds what several pages share.
type siteWriter struct {
	s       *Site
	dir     string
	results map[string]*runner.NodeResult
	items   []*item          // every documented resource, sorted by type then name
	byID    map[string]*item // by unique id
	tests   map[string][]string

	mu      sync.Mutex
	written map[string]bool
}

// removeStale deletes the pages of nodes that are gone since the last generate.
func (w *siteWriter) removeStale() error {
	ents, err := os.ReadDir(filepath.Join(w.dir, "nodes"))
	if err != nil {
		return fmt.Errorf("docs: %w", err)
	}
	for _, e := range ents {
		p := filepath.Join(w.dir, "nodes", e.Name())
		if !w.written[p] {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("docs: %w", err)
			}
		}
	}
	return nil
}

// item is one documented resource, whatever its kind.
type item struct {
	ID, Name, Type, Package, Path, Desc string
	Tags                                []string
	FQN                                 []string
	// Page, when set, is the unique id of the page the item is a section of.
	Page     string
	Node     *manifest.Node
	Source   *manifest.Source
	Macro    *manifest.Macro
	Exposure *manifest.Exposure
}

// URL is the item's page relative to the site root. Tests and macros have no page of their
// own, which keeps a 1,000-model project's site to about a thousand files: a test is a
// section of the page of the node it tests, the macros of a package one page.
func (it *item) URL() string {
	if it.Page != "" {
		return "nodes/" + pageName(it.Page) + "#" + it.Anchor()
	}
	return "nodes/" + pageName(it.ID)
}

// Anchor is the item's element id on its page.
func (it *item) Anchor() string { return strings.TrimSuffix(pageName(it.ID), ".html") }

// pageName is a unique id as a file name (unique ids are dotted words; anything else is
// replaced so the name is safe on every file system).
func pageName(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "~%x", r)
		}
	}
	return b.String() + ".html"
}

// lineageTypes are the resource types drawn in the lineage graph (dbt-docs leaves tests out).
var lineageTypes = map[string]bool{manifest.Model: true, manifest.Seed: true, manifest.Snapshot: true,
	manifest.SourceRT: true, manifest.ExposureRT: true, manifest.Analysis: true}

func (w *siteWriter) collect() {
	m := w.s.Manifest
	w.byID = map[string]*item{}
	w.tests = map[string][]string{}
	add := func(it *item) { w.items = append(w.items, it); w.byID[it.ID] = it }
	for id, n := range m.Nodes {
		if n.ResourceType == manifest.Operation {
			continue
		}
		add(&item{ID: id, Name: n.SearchName(), Type: n.ResourceType, Package: n.PackageName, Path: n.OriginalFilePath,
			Desc: n.Description, Tags: n.Tags, FQN: n.FQN, Node: n})
		if n.ResourceType == manifest.Test {
			for _, p := range n.DependsOn.Nodes {
				w.tests[p] = append(w.tests[p], id)
			}
			page := n.AttachedNode
			if page == "" && len(n.DependsOn.Nodes) > 0 {
				page = n.DependsOn.Nodes[0]
			}
			w.byID[id].Page = page
		}
	}
	for id, s := range m.Sources {
		add(&item{ID: id, Name: s.SourceName + "." + s.Name, Type: manifest.SourceRT, Package: s.PackageName,
			Path: s.OriginalFilePath, Desc: s.Description, Tags: s.Tags, FQN: s.FQN, Source: s})
	}
	for id, x := range m.Exposures {
		add(&item{ID: id, Name: x.Name, Type: manifest.ExposureRT, Package: x.PackageName, Path: x.OriginalFilePath,
			Desc: x.Description, Tags: x.Tags, FQN: x.FQN, Exposure: x})
	}
	for id, mc := range m.Macros {
		add(&item{ID: id, Name: mc.Name, Type: manifest.MacroRT, Package: mc.PackageName, Path: mc.OriginalFilePath,
			Desc: mc.Description, Macro: mc, Page: "macros." + mc.PackageName})
	}
	sort.Slice(w.items, func(i, j int) bool {
		a, b := w.items[i], w.items[j]
		if typeRank(a.Type) != typeRank(b.Type) {
			return typeRank(a.Type) < typeRank(b.Type)
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
	for _, ts := range w.tests {
		sort.Strings(ts)
	}
}

// typeRank orders resource types in search results and lists as dbt-docs' sidebar does.
func typeRank(t string) int {
	for i, x := range []string{manifest.Model, manifest.SourceRT, manifest.Seed, manifest.Snapshot, manifest.ExposureRT,
		manifest.Analysis, manifest.Test, manifest.MacroRT} {
		if x == t {
			return i
		}
	}
	return 99
}

func (w *siteWriter) copyAssets() error {
	for _, name := range []string{"app.js", "style.css"} {
		b, err := assets.ReadFile("assets/" + name)
		if err != nil {
			return fmt.Errorf("docs: %w", err)
		}
		if err := w.write(name, b); err != nil {
			return err
		}
	}
	return nil
}

// write writes one file of the site; pages are overwritten in place (creating files is
// the slow part of writing a big site on some file systems) and the ones no node needs any
// more are removed by removeStale.
func (w *siteWriter) write(rel string, b []byte) error {
	p := filepath.Join(w.dir, filepath.FromSlash(rel))
	w.mu.Lock()
	w.written[p] = true
	w.mu.Unlock()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return fmt.Errorf("docs: %w", err)
	}
	return nil
}

// writeSearchIndex writes search-index.js: every resource's name, type, page and the start
// of its description, as a script (fetch() of a JSON file is refused from file://).
func (w *siteWriter) writeSearchIndex() error {
	type entry struct {
		N string   `json:"n"`
		T string   `json:"t"`
		U string   `json:"u"`
		P string   `json:"p,omitempty"`
		D string   `json:"d,omitempty"`
		G []string `json:"g,omitempty"`
	}
	es := make([]entry, 0, len(w.items))
	for _, it := range w.items {
		es = append(es, entry{N: it.Name, T: it.Type, U: it.URL(), P: it.Package, D: firstLine(it.Desc, 120), G: it.Tags})
	}
	b, err := json.Marshal(es)
	if err != nil {
		return err
	}
	return w.write("search-index.js", append(append([]byte("window.GDBT_SEARCH = "), b...), ";\n"...))
}

// firstLine is the first line of s, cut to n runes.
func firstLine(s string, n int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// page renders one page with the shared layout; root is the path back to the site root
// ("" or "../").
func (w *siteWriter) page(rel, root, title string, body template.HTML) error {
	var buf bytes.Buffer
	err := layoutTmpl.Execute(&buf, map[string]any{"Root": root, "Title": title, "Project": w.s.Project, "Body": body,
		"Generated": w.s.GeneratedAt})
	if err != nil {
		return fmt.Errorf("docs: rendering %s: %w", rel, err)
	}
	return w.write(rel, buf.Bytes())
}

// render executes a named body template into HTML.
func render(name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := bodyTmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("docs: rendering %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil
}

var layoutTmpl = template.Must(template.New("layout").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · {{.Project}} docs</title>
<link rel="stylesheet" href="{{.Root}}style.css">
</head><body data-root="{{.Root}}">
<header class="top"><a class="brand" href="{{.Root}}index.html">{{.Project}}</a>
<nav><a href="{{.Root}}index.html">Overview</a> <a href="{{.Root}}lineage.html">Lineage</a> <a href="{{.Root}}dashboard.html">Dashboards</a></nav>
<div class="search"><label for="q" class="sr">Search</label><input id="q" type="search" placeholder="Search models, sources, macros… ( / )" autocomplete="off" role="combobox" aria-controls="results" aria-expanded="false" aria-autocomplete="list">
<ul id="results" role="listbox" hidden></ul></div>
</header>
<main>{{.Body}}</main>
<footer>Generated by gdbt{{if .Generated}} at {{.Generated}}{{end}}.</footer>
<script src="{{.Root}}search-index.js"></script>
<script src="{{.Root}}app.js"></script>
</body></html>
`))

// Short is the description's first line, for lists.
func (it *item) Short() string { return firstLine(it.Desc, 100) }
