package docs

import (
	"html/template"
	"strings"
)

// bodyTmpl holds the page bodies; the shared header, search box and scripts are layoutTmpl.
var bodyTmpl = template.Must(template.New("body").Funcs(template.FuncMap{
	"join":  strings.Join,
	"md":    markdown,
	"lower": strings.ToLower,
}).Parse(`
{{define "itemlink"}}<a href="{{.Root}}{{.It.URL}}" class="t-{{.It.Type}}">{{.It.Name}}</a>{{end}}

{{define "node"}}{{$root := .Root}}
<article class="node-page">
<h1><span class="badge t-{{.It.Type}}">{{.TypeLabel}}</span> {{.It.Name}}</h1>
{{if .Relation}}<p class="relation"><code>{{.Relation}}</code></p>{{end}}
{{if .Desc}}<section class="desc" id="description">{{.Desc}}</section>{{else}}<p class="muted">No description.</p>{{end}}
{{if .Versions}}<section id="versions"><h2>Versions</h2><ul>{{range .Versions}}<li><a href="{{$root}}{{.URL}}">{{.Name}}</a>{{if eq (printf "%v" .Node.Version) $.Latest}} <span class="pill">latest</span>{{end}}{{if .Node.DeprecationDate}} <span class="pill warn">deprecated {{.Node.DeprecationDate}}</span>{{end}}</li>{{end}}</ul></section>{{end}}
{{if .Charts}}<section id="charts"><h2>Charts</h2><div class="tiles">{{range .Charts}}{{.}}{{end}}</div></section>{{end}}
<section id="details"><h2>Details</h2><table class="kv">{{range .Details}}<tr><th>{{index . 0}}</th><td>{{index . 1}}</td></tr>{{end}}
{{if .Result}}<tr><th>last run</th><td><span class="status s-{{.Result.Status}}">{{.Result.Status}}</span> {{.Result.Message}}</td></tr>{{end}}</table></section>
{{if .Columns}}<section id="columns"><h2>Columns</h2><div class="scroll"><table class="cols"><thead><tr><th>#</th><th>column</th><th>type</th><th>description</th><th>tests</th></tr></thead><tbody>
{{range .Columns}}<tr><td>{{if .Index}}{{.Index}}{{end}}</td><td class="colname"><code>{{.Name}}</code>{{range .Tags}} <span class="pill">{{.}}</span>{{end}}</td><td class="coltype">{{.Type}}</td><td>{{md .Desc}}</td><td>{{range .Tests}}<a href="{{$root}}{{.Item.URL}}" class="status s-{{.Status}}" title="{{.Status}} {{.Message}}">{{.Kind}}</a> {{end}}</td></tr>
{{end}}</tbody></table></div></section>{{end}}
{{if .Tests}}<section id="tests"><h2>Tests</h2><div class="scroll"><table class="cols"><thead><tr><th>test</th><th>column</th><th>last result</th><th>failures</th></tr></thead><tbody>
{{range .Tests}}<tr id="{{.Item.Anchor}}"><td><details><summary>{{.Kind}}</summary><p class="muted">{{.Item.Name}}</p>{{if .Item.Node.CompiledCode}}<pre class="sql"><code>{{.Item.Node.CompiledCode}}</code></pre>{{else}}<pre class="sql"><code>{{.Item.Node.RawCode}}</code></pre>{{end}}</details></td><td>{{.Column}}</td><td>{{if .Status}}<span class="status s-{{.Status}}">{{.Status}}</span> {{.Message}}{{else}}<span class="muted">not run</span>{{end}}</td><td>{{.Failures}}</td></tr>
{{end}}</tbody></table></div></section>{{end}}
{{if or .Parents .Children}}<section id="relations" class="two"><div><h2>Parents</h2><ul>{{range .Parents}}<li><a href="{{$root}}{{.URL}}" class="t-{{.Type}}">{{.Name}}</a> <span class="muted">{{.Type}}</span></li>{{else}}<li class="muted">none</li>{{end}}</ul></div>
<div><h2>Children</h2><ul>{{range .Children}}<li><a href="{{$root}}{{.URL}}" class="t-{{.Type}}">{{.Name}}</a> <span class="muted">{{.Type}}</span></li>{{else}}<li class="muted">none</li>{{end}}</ul></div></section>{{end}}
{{if .Lineage}}<section id="lineage"><h2>Lineage</h2>
<div class="controls"><label>parents depth <input type="number" class="up" min="0" max="2" value="2"></label>
<label>children depth <input type="number" class="down" min="0" max="2" value="2"></label>
<a href="{{$root}}lineage.html#select=%2B{{.It.Name}}%2B">whole +{{.It.Name}}+ in the project graph</a></div>
{{.Lineage}}</section>{{end}}
{{if .Raw}}<section id="code"><h2>Code</h2><details open><summary>Source</summary><pre class="sql" id="raw-sql"><code>{{.Raw}}</code></pre></details>
{{if .Compiled}}<details open><summary>Compiled</summary><pre class="sql" id="compiled-sql"><code>{{.Compiled}}</code></pre></details>{{end}}</section>{{end}}
{{if .Config}}{{if ne .Config "{}"}}{{if ne .Config "null"}}<section id="config"><h2>Config</h2><details><summary>config</summary><pre><code>{{.Config}}</code></pre></details></section>{{end}}{{end}}{{end}}
</article>{{end}}

{{define "macros"}}<article><h1><span class="badge t-macro">macros</span> {{.Package}}</h1>
<ul class="list">{{range .Macros}}<li><a href="#{{.Anchor}}">{{.Name}}</a></li>{{end}}</ul>
{{range .Macros}}<section id="{{.Anchor}}" class="macro"><h2>{{.Name}}</h2>{{if .Desc}}<div class="desc">{{md .Desc}}</div>{{end}}<p class="muted">{{.Path}}</p>
<details><summary>source</summary><pre class="sql"><code>{{.Macro.MacroSQL}}</code></pre></details></section>{{end}}
</article>{{end}}

{{define "index"}}
<article>
<section class="desc">{{.Overview}}</section>
<section><h2>Project</h2><ul class="counts">{{range .Counts}}<li><b>{{.Count}}</b> {{.Type}}s</li>{{end}}</ul>
<p><a href="lineage.html">Lineage graph</a>{{if .Dashboards}} · <a href="dashboard.html">Dashboards</a>{{end}}</p></section>
{{range .Groups}}<section><h2>{{.Title}}</h2><ul class="list">{{range .Items}}<li><a href="{{.URL}}" class="t-{{.Type}}">{{.Name}}</a>{{if .Desc}} <span class="muted">{{.Short}}</span>{{end}}</li>{{end}}</ul></section>{{end}}
</article>{{end}}

{{define "lineage"}}
<article class="lineage-page"><h1>Lineage <span class="muted">{{.Count}} nodes</span></h1>
<form class="controls" id="graph-filter" autocomplete="off"><label>--select <input name="select" id="select" placeholder="e.g. +mart_top_users, tag:dashboard, 2+fct_orders+1"></label>
<label>--exclude <input name="exclude" id="exclude"></label> <button type="submit">Update graph</button> <button type="button" id="reset">Show all</button> <span id="shown" class="muted"></span></form>
<p class="muted">Drag to pan, wheel to zoom, click a node to open it.</p>
{{.Graph}}</article>{{end}}

{{define "dashboard"}}
<article class="dashboard"><h1>Dashboards</h1>
{{range .Dashboards}}<section class="dash" id="dash-{{.Slug}}"><h2>{{.Name}}</h2><div class="tiles">{{range .Tiles}}{{.SVG}}{{end}}</div></section>
{{else}}<p class="muted">No model declares <code>meta.chart</code>. See the README's "Docs and dashboards" section.</p>{{end}}
</article>{{end}}
`))
