package docs

import (
	"encoding/json"
	"fmt"
	"html/template"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
)

// graphNode is what the page script needs of a node to filter the graph with dbt's
// selection syntax and to lay the remaining nodes out again.
type graphNode struct {
	ID     string   `json:"id"`
	Name   string   `json:"n"`
	Type   string   `json:"t"`
	Tags   []string `json:"g,omitempty"`
	Pkg    string   `json:"p"`
	Path   string   `json:"f,omitempty"`
	FQN    []string `json:"q,omitempty"`
	Mat    string   `json:"m,omitempty"`
	Layer  int      `json:"l"`
	X      float64  `json:"x"`
	Y      float64  `json:"y"`
	W      float64  `json:"w"`
	Depth  int      `json:"d"`
	Source string   `json:"s,omitempty"`
}

// lineageNodes lists the graph's nodes for ids.
func (w *siteWriter) lineageNodes(ids []string) []*gnode {
	out := make([]*gnode, 0, len(ids))
	for _, id := range ids {
		it := w.byID[id]
		if it == nil || !lineageTypes[it.Type] {
			continue
		}
		out = append(out, &gnode{ID: id, Label: it.Name, Type: it.Type})
	}
	return out
}

// svgGraph draws a laid-out graph as an SVG with the data the script needs beside it.
// root is the path from the page to the site root; focus is highlighted.
func (w *siteWriter) svgGraph(g *graphLayout, root, focus, domID string) template.HTML {
	var b strings.Builder
	const pad = 10.0
	fmt.Fprintf(&b, `<div class="graph" id="%s"><svg class="lineage" role="img" aria-label="lineage graph" viewBox="%.0f %.0f %.0f %.0f" width="%.0f" height="%.0f"><g class="vp"><g class="edges">`,
		domID, -pad, -pad, g.Width+2*pad, g.Height+2*pad, g.Width+2*pad, g.Height+2*pad)
	for _, e := range g.Edges {
		a, c := g.Nodes[e[0]], g.Nodes[e[1]]
		fmt.Fprintf(&b, `<path data-s="%d" data-t="%d" d="%s"/>`, e[0], e[1], edgePath(a.X+a.W, a.Y+boxH/2, c.X, c.Y+boxH/2))
	}
	b.WriteString(`</g><g class="nodes">`)
	data := make([]graphNode, len(g.Nodes))
	for i, n := range g.Nodes {
		it := w.byID[n.ID]
		cls := "node t-" + n.Type
		if n.ID == focus {
			cls += " focus"
		}
		fmt.Fprintf(&b, `<g class="%s" data-i="%d" transform="translate(%.1f,%.1f)"><a href="%s%s"><title>%s</title><rect width="%.1f" height="%.0f" rx="4"/><text x="%.0f" y="14">%s</text></a></g>`,
			cls, i, n.X, n.Y, root, it.URL(), template.HTMLEscapeString(n.ID), n.W, boxH, boxPadX, template.HTMLEscapeString(n.Label))
		gn := graphNode{ID: n.ID, Name: it.Name, Type: n.Type, Tags: it.Tags, Pkg: it.Package, Path: it.Path, FQN: it.FQN,
			Layer: n.Layer, X: n.X, Y: n.Y, W: n.W, Depth: n.Depth}
		if it.Node != nil {
			gn.Name = it.Node.Name
			gn.Mat = it.Node.Materialized()
		}
		if it.Source != nil {
			gn.Name, gn.Source = it.Source.Name, it.Source.SourceName
		}
		data[i] = gn
	}
	b.WriteString(`</g></g></svg>`)
	js, _ := json.Marshal(map[string]any{"nodes": data, "edges": g.Edges})
	fmt.Fprintf(&b, `<script type="application/json" class="graph-data">%s</script></div>`, scriptSafe(js))
	return template.HTML(b.String())
}

// scriptSafe keeps JSON inside a <script> element from closing it.
func scriptSafe(b []byte) string {
	return strings.ReplaceAll(string(b), "</", `<\/`)
}

// edgePath is a horizontal S-curve from (x1,y1) to (x2,y2).
func edgePath(x1, y1, x2, y2 float64) string {
	mx := (x1 + x2) / 2
	return fmt.Sprintf("M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f", x1, y1, mx, y1, mx, y2, x2, y2)
}

// parentsOf is the manifest's parent map restricted to nodes drawn in the graph.
func (w *siteWriter) parentsOf(id string) []string { return w.s.Manifest.ParentMap[id] }

// neighbourhoodSVG draws id with its ancestors and descendants up to depth hops (the
// script's depth controls hide the outer ones).
func (w *siteWriter) neighbourhoodSVG(id string, depth int) template.HTML {
	m := w.s.Manifest
	dist := map[string]int{id: 0}
	walk := func(next map[string][]string, sign int) {
		frontier := []string{id}
		for d := 1; d <= depth && len(frontier) > 0; d++ {
			var nf []string
			for _, x := range frontier {
				for _, y := range next[x] {
					if _, ok := dist[y]; ok {
						continue
					}
					if it := w.byID[y]; it == nil || !lineageTypes[it.Type] {
						continue
					}
					dist[y] = sign * d
					nf = append(nf, y)
				}
			}
			frontier = nf
		}
	}
	walk(m.ParentMap, -1)
	walk(m.ChildMap, 1)
	ids := make([]string, 0, len(dist))
	for x := range dist {
		ids = append(ids, x)
	}
	sort.Strings(ids)
	nodes := w.lineageNodes(ids)
	for _, n := range nodes {
		n.Depth = dist[n.ID]
	}
	g := layoutDAG(nodes, w.parentsOf)
	return w.svgGraph(g, "../", id, "neighbourhood")
}

// writeLineage writes lineage.html: the whole project's graph with the selection filter.
func (w *siteWriter) writeLineage() error {
	var ids []string
	for _, it := range w.items {
		if lineageTypes[it.Type] {
			ids = append(ids, it.ID)
		}
	}
	g := layoutDAG(w.lineageNodes(ids), w.parentsOf)
	body, err := render("lineage", map[string]any{"Graph": w.svgGraph(g, "", "", "project-graph"), "Count": len(g.Nodes)})
	if err != nil {
		return err
	}
	return w.page("lineage.html", "", "Lineage", body)
}

// countByType counts the documented resources of each type, for the overview.
func (w *siteWriter) countByType() []struct {
	Type  string
	Count int
} {
	c := map[string]int{}
	for _, it := range w.items {
		c[it.Type]++
	}
	var out []struct {
		Type  string
		Count int
	}
	for _, t := range []string{manifest.Model, manifest.SourceRT, manifest.Seed, manifest.Snapshot, manifest.ExposureRT,
		manifest.Analysis, manifest.Test, manifest.MacroRT} {
		if c[t] > 0 {
			out = append(out, struct {
				Type  string
				Count int
			}{t, c[t]})
		}
	}
	return out
}
