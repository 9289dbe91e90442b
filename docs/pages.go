package docs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/runner"
)

// md renders descriptions ({% docs %} blocks are already substituted into them when the
// project is parsed) as GitHub-flavoured Markdown. Raw HTML in a description is escaped,
// not passed through (goldmark's default), so a description cannot inject script.
var md = goldmark.New(goldmark.WithExtensions(extension.GFM))

func markdown(s string) template.HTML {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(s), &buf); err != nil {
		return template.HTML("<pre>" + template.HTMLEscapeString(s) + "</pre>")
	}
	return template.HTML(buf.String())
}

// columnRow is one column of a node page: the YAML properties and the catalog's type.
type columnRow struct {
	Name, Type, Desc string
	Index            int
	Tags             []string
	Tests            []testRow
}

// testRow is a test of the node with its last result.
type testRow struct {
	Item                      *item
	Kind, Column              string
	Status, Message, Failures string
}

// nodePage is the data of one resource's page.
type nodePage struct {
	It        *item
	Root      string
	Relation  string
	Desc      template.HTML
	Details   [][2]string
	Columns   []columnRow
	Tests     []testRow
	Result    *testRow
	Config    string
	Raw       string
	Compiled  string
	Parents   []*item
	Children  []*item
	Versions  []*item
	Latest    string
	Lineage   template.HTML
	Charts    []template.HTML
	TypeLabel string
}

func (w *siteWriter) writeNodePages() error {
	charts := map[string][]template.HTML{}
	for _, d := range w.s.Dashboards {
		for _, t := range d.Tiles {
			charts[t.Model] = append(charts[t.Model], t.SVG)
		}
	}
	// Pages render on every core: a 1,000-model project has about a thousand of them.
	macros := map[string][]*item{}
	work := make(chan *item)
	errc := make(chan error, 1)
	var wg sync.WaitGroup
	for k := 0; k < runtime.GOMAXPROCS(0); k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range work {
				p := w.nodePage(it)
				p.Charts = charts[it.ID]
				body, err := render("node", p)
				if err == nil {
					err = w.page(it.URL(), "../", it.Name, body)
				}
				if err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			}
		}()
	}
	for _, it := range w.items {
		if it.Type == manifest.MacroRT {
			macros[it.Package] = append(macros[it.Package], it)
			continue
		}
		if it.Page != "" {
			continue
		}
		work <- it
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
	}
	for pkg, its := range macros {
		body, err := render("macros", map[string]any{"Package": pkg, "Macros": its, "Root": "../"})
		if err != nil {
			return err
		}
		if err := w.page("nodes/"+pageName("macros."+pkg), "../", "macros of "+pkg, body); err != nil {
			return err
		}
	}
	return nil
}

func (w *siteWriter) nodePage(it *item) *nodePage {
	p := &nodePage{It: it, Root: "../", Desc: markdown(it.Desc), TypeLabel: it.Type}
	m := w.s.Manifest
	var cat *CatalogTable
	if w.s.Catalog != nil {
		if t := w.s.Catalog.Nodes[it.ID]; t != nil {
			cat = t
		} else if t := w.s.Catalog.Sources[it.ID]; t != nil {
			cat = t
		}
	}
	det := func(k, v string) {
		if v != "" {
			p.Details = append(p.Details, [2]string{k, v})
		}
	}
	var yamlCols map[string]*manifest.Column
	switch {
	case it.Node != nil:
		n := it.Node
		p.Relation = n.RelationName
		if n.ResourceType != manifest.Test && n.ResourceType != manifest.Analysis {
			det("materialized", n.Materialized())
		}
		det("language", n.Language)
		if n.IsVersioned() {
			det("version", manifest.VersionString(n.Version))
			det("latest version", manifest.VersionString(n.LatestVersion))
			det("deprecation date", n.DeprecationDate)
			p.Latest = manifest.VersionString(n.LatestVersion)
			for _, o := range w.items {
				if o.Node != nil && o.Node.ResourceType == manifest.Model && o.Node.Name == n.Name && o.Package == n.PackageName && o.Node.IsVersioned() {
					p.Versions = append(p.Versions, o)
				}
			}
			sort.Slice(p.Versions, func(i, j int) bool {
				return manifest.VersionLess(p.Versions[i].Node.Version, p.Versions[j].Node.Version)
			})
		}
		if a, ok := n.Config["access"].(string); ok {
			det("access", a)
		}
		yamlCols = n.Columns
		p.Config = prettyJSON(n.Config)
		p.Raw = n.RawCode
		p.Compiled = n.CompiledCode
		if r := w.results[it.ID]; r != nil {
			p.Result = resultRow(it, r)
		}
	case it.Source != nil:
		s := it.Source
		p.Relation = s.RelationName
		det("source", s.SourceName)
		det("loader", s.Loader)
		det("loaded_at_field", s.LoadedAtField)
		det("external location", s.ExternalLocation)
		if s.SourceDescription != "" {
			p.Desc = markdown(s.SourceDescription + "\n\n" + s.Description)
		}
		yamlCols = s.Columns
		p.Config = prettyJSON(s.Config)
	case it.Exposure != nil:
		x := it.Exposure
		det("type", x.Type)
		det("maturity", x.Maturity)
		det("url", x.URL)
		if len(x.Owner) > 0 {
			det("owner", prettyJSON(x.Owner))
		}
		p.Config = prettyJSON(x.Config)
	case it.Macro != nil:
		p.Raw = it.Macro.MacroSQL
		for _, d := range it.Macro.DependsOn.Macros {
			if o := w.byID[d]; o != nil {
				p.Parents = append(p.Parents, o)
			}
		}
	}
	det("package", it.Package)
	det("path", it.Path)
	if len(it.Tags) > 0 {
		det("tags", strings.Join(it.Tags, ", "))
	}
	if cat != nil {
		det("relation type", cat.Metadata.Type)
		if cat.Metadata.Owner != nil {
			det("owner", *cat.Metadata.Owner)
		}
		for k, st := range cat.Stats {
			if st.Include {
				det(st.Label, fmt.Sprint(st.Value))
			} else if k == "has_stats" {
				continue
			}
		}
	}
	// Tests of this node, with their column and last result.
	byCol := map[string][]testRow{}
	for _, tid := range w.tests[it.ID] {
		t := w.byID[tid]
		if t == nil {
			continue
		}
		row := testRow{Item: t, Kind: t.Name, Column: t.Node.ColumnName}
		if t.Node.TestMetadata != nil {
			row.Kind = t.Node.TestMetadata.Name
		}
		if r := w.results[tid]; r != nil {
			rr := resultRow(t, r)
			row.Status, row.Message, row.Failures = rr.Status, rr.Message, rr.Failures
		}
		p.Tests = append(p.Tests, row)
		if row.Column != "" {
			byCol[strings.ToLower(row.Column)] = append(byCol[strings.ToLower(row.Column)], row)
		}
	}
	p.Columns = mergeColumns(yamlCols, cat, byCol)
	if it.Node != nil || it.Source != nil || it.Exposure != nil {
		for _, pid := range m.ParentMap[it.ID] {
			if o := w.byID[pid]; o != nil {
				p.Parents = append(p.Parents, o)
			}
		}
		for _, cid := range m.ChildMap[it.ID] {
			if o := w.byID[cid]; o != nil && o.Type != manifest.Test {
				p.Children = append(p.Children, o)
			}
		}
		if lineageTypes[it.Type] {
			p.Lineage = w.neighbourhoodSVG(it.ID, 2)
		}
	}
	return p
}

// mergeColumns lists the catalog's columns in warehouse order with their YAML properties,
// then the YAML columns the warehouse does not have (not built yet, or documented wrongly).
func mergeColumns(yaml map[string]*manifest.Column, cat *CatalogTable, tests map[string][]testRow) []columnRow {
	var out []columnRow
	seen := map[string]bool{}
	yl := map[string]*manifest.Column{}
	for k, c := range yaml {
		yl[strings.ToLower(k)] = c
	}
	if cat != nil {
		cols := make([]*CatalogColumn, 0, len(cat.Columns))
		for _, c := range cat.Columns {
			cols = append(cols, c)
		}
		sort.Slice(cols, func(i, j int) bool { return cols[i].Index < cols[j].Index })
		for _, c := range cols {
			k := strings.ToLower(c.Name)
			seen[k] = true
			row := columnRow{Name: c.Name, Type: c.Type, Index: c.Index, Tests: tests[k]}
			if y := yl[k]; y != nil {
				row.Desc, row.Tags = y.Description, y.Tags
			}
			out = append(out, row)
		}
	}
	var rest []string
	for k := range yl {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		y := yl[k]
		out = append(out, columnRow{Name: y.Name, Type: y.DataType, Desc: y.Description, Tags: y.Tags, Tests: tests[k]})
	}
	return out
}

// resultRow is a node's last result from run_results.json.
func resultRow(it *item, r *runner.NodeResult) *testRow {
	row := &testRow{Item: it, Status: r.Status}
	if r.Message != nil {
		row.Message = *r.Message
	}
	if r.Failures != nil {
		row.Failures = fmt.Sprint(*r.Failures)
	}
	return row
}

func prettyJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
