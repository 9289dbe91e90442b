// gdbt docs: search, and the lineage graphs' pan, zoom and selection filter. No framework,
// no network: the data are in the page (graph-data) and in search-index.js.
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";

  // ---- search: type, arrows to move, Enter to open, Escape to close, "/" to focus ----
  var q = document.getElementById("q"), list = document.getElementById("results");
  var index = window.GDBT_SEARCH || [], hits = [], cur = -1;
  function rank(e, s) {
    var n = e.n.toLowerCase();
    if (n === s) return 0;
    if (n.indexOf(s) === 0) return 1;
    if (n.indexOf(s) >= 0) return 2;
    if ((e.g || []).join(" ").toLowerCase().indexOf(s) >= 0) return 3;
    if ((e.d || "").toLowerCase().indexOf(s) >= 0) return 4;
    return -1;
  }
  function show() {
    var s = q.value.trim().toLowerCase();
    list.innerHTML = ""; hits = []; cur = -1;
    if (!s) { list.hidden = true; q.setAttribute("aria-expanded", "false"); return; }
    for (var i = 0; i < index.length; i++) {
      var r = rank(index[i], s);
      if (r >= 0) hits.push([r, i]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    hits = hits.slice(0, 30).map(function (h) { return index[h[1]]; });
    hits.forEach(function (e, i) {
      var li = document.createElement("li");
      li.id = "r" + i; li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = root + e.u; a.tabIndex = -1;
      a.innerHTML = '<span class="badge t-' + e.t + '"></span>';
      a.firstChild.textContent = e.t;
      a.appendChild(document.createTextNode(" " + e.n));
      if (e.d) { var d = document.createElement("small"); d.textContent = " " + e.d; a.appendChild(d); }
      li.appendChild(a); list.appendChild(li);
    });
    if (!hits.length) { var li = document.createElement("li"); li.className = "muted"; li.textContent = "no match"; list.appendChild(li); }
    list.hidden = false; q.setAttribute("aria-expanded", "true");
  }
  function move(d) {
    if (!hits.length) return;
    if (cur >= 0) list.children[cur].removeAttribute("aria-selected");
    cur = (cur + d + hits.length) % hits.length;
    list.children[cur].setAttribute("aria-selected", "true");
    q.setAttribute("aria-activedescendant", "r" + cur);
    list.children[cur].scrollIntoView({ block: "nearest" });
  }
  if (q) {
    q.addEventListener("input", show);
    q.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { move(1); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { move(-1); ev.preventDefault(); }
      else if (ev.key === "Enter") { var e = hits[cur < 0 ? 0 : cur]; if (e) location.href = root + e.u; ev.preventDefault(); }
      else if (ev.key === "Escape") { q.value = ""; show(); }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "/" && document.activeElement !== q && !/INPUT|TEXTAREA/.test(document.activeElement.tagName)) { q.focus(); ev.preventDefault(); }
    });
  }

  // ---- graphs ----
  var ROW = 28, BOXH = 20, COLGAP = 70, PAD = 10;
  function Graph(div) {
    var self = this;
    this.div = div;
    this.svg = div.querySelector("svg");
    this.data = JSON.parse(div.querySelector(".graph-data").textContent);
    this.els = div.querySelectorAll("g.node");
    this.paths = div.querySelectorAll(".edges path");
    var n = this.data.nodes.length;
    this.parents = []; this.children = [];
    for (var i = 0; i < n; i++) { this.parents.push([]); this.children.push([]); }
    this.data.edges.forEach(function (e) { self.parents[e[1]].push(e[0]); self.children[e[0]].push(e[1]); });
    this.pos = this.data.nodes.map(function (d) { return { x: d.x, y: d.y }; });
    this.visible = this.data.nodes.map(function () { return true; });
    this.svg.removeAttribute("width"); this.svg.removeAttribute("height");
    this.bounds = { w: 0, h: 0 };
    this.measure();
    this.fit();
    this.panZoom();
  }
  Graph.prototype.measure = function () {
    var w = 0, h = 0, d = this.data.nodes;
    for (var i = 0; i < d.length; i++) if (this.visible[i]) { w = Math.max(w, this.pos[i].x + d[i].w); h = Math.max(h, this.pos[i].y + BOXH); }
    this.bounds = { w: w, h: h };
  };
  // fit shows the whole graph, but never smaller than 60 % (labels stay readable; pan for the rest).
  Graph.prototype.fit = function () {
    var W = this.div.clientWidth || 800, H = this.div.clientHeight || 500;
    var k = Math.min(W / (this.bounds.w + 2 * PAD), H / (this.bounds.h + 2 * PAD), 1.2);
    this.k = Math.max(k, 0.6);
    this.x = -PAD; this.y = -PAD;
    if (this.bounds.h * this.k < H) this.y = -(H / this.k - this.bounds.h) / 2;
    this.apply();
  };
  Graph.prototype.apply = function () {
    var W = this.div.clientWidth || 800, H = this.div.clientHeight || 500;
    this.svg.setAttribute("viewBox", [this.x, this.y, W / this.k, H / this.k].map(function (v) { return v.toFixed(1); }).join(" "));
  };
  Graph.prototype.panZoom = function () {
    var self = this, drag = null, moved = false;
    this.svg.addEventListener("mousedown", function (ev) { drag = [ev.clientX, ev.clientY, self.x, self.y]; moved = false; });
    window.addEventListener("mousemove", function (ev) {
      if (!drag) return;
      var dx = ev.clientX - drag[0], dy = ev.clientY - drag[1];
      if (Math.abs(dx) + Math.abs(dy) > 3) moved = true;
      self.x = drag[2] - dx / self.k; self.y = drag[3] - dy / self.k; self.apply();
    });
    window.addEventListener("mouseup", function () { drag = null; });
    this.svg.addEventListener("click", function (ev) { if (moved) { ev.preventDefault(); moved = false; } }, true);
    this.svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var r = self.svg.getBoundingClientRect(), mx = self.x + (ev.clientX - r.left) / self.k, my = self.y + (ev.clientY - r.top) / self.k;
      var k = Math.min(4, Math.max(0.05, self.k * (ev.deltaY < 0 ? 1.15 : 1 / 1.15)));
      self.x = mx - (ev.clientX - r.left) / k; self.y = my - (ev.clientY - r.top) / k; self.k = k; self.apply();
    }, { passive: false });
  };
  // show keeps only the nodes in vis and lays them out again: the generate-time layers stay,
  // empty layers close up, and each column is restacked in its generate-time order.
  Graph.prototype.show = function (vis) {
    var d = this.data.nodes, self = this, layers = {};
    this.visible = vis;
    for (var i = 0; i < d.length; i++) if (vis[i]) (layers[d[i].l] = layers[d[i].l] || []).push(i);
    var keys = Object.keys(layers).map(Number).sort(function (a, b) { return a - b; });
    var x = 0, tallest = 0;
    keys.forEach(function (l) { tallest = Math.max(tallest, layers[l].length); });
    keys.forEach(function (l) {
      var col = layers[l].sort(function (a, b) { return d[a].y - d[b].y; }), w = 0;
      var off = (tallest - col.length) * ROW / 2;
      col.forEach(function (i, k) { self.pos[i] = { x: x, y: off + k * ROW }; w = Math.max(w, d[i].w); });
      x += w + COLGAP;
    });
    for (i = 0; i < d.length; i++) {
      this.els[i].style.display = vis[i] ? "" : "none";
      if (vis[i]) this.els[i].setAttribute("transform", "translate(" + this.pos[i].x.toFixed(1) + "," + this.pos[i].y.toFixed(1) + ")");
    }
    for (var j = 0; j < this.paths.length; j++) {
      var p = this.paths[j], s = +p.getAttribute("data-s"), t = +p.getAttribute("data-t");
      if (!(vis[s] && vis[t])) { p.style.display = "none"; continue; }
      p.style.display = "";
      var x1 = this.pos[s].x + d[s].w, y1 = this.pos[s].y + BOXH / 2, x2 = this.pos[t].x, y2 = this.pos[t].y + BOXH / 2, mx = (x1 + x2) / 2;
      p.setAttribute("d", "M" + x1 + " " + y1 + "C" + mx + " " + y1 + " " + mx + " " + y2 + " " + x2 + " " + y2);
    }
    this.measure(); this.fit();
  };
  Graph.prototype.walk = function (start, next, depth) {
    var seen = {}, frontier = start.slice(), out = [];
    start.forEach(function (i) { seen[i] = true; });
    for (var k = 0; frontier.length && (depth === null || k < depth); k++) {
      var nf = [];
      frontier.forEach(function (i) { next[i].forEach(function (j) { if (!seen[j]) { seen[j] = true; nf.push(j); out.push(j); } }); });
      frontier = nf;
    }
    return out;
  };

  // ---- dbt's selection syntax (dbt/graph/selector_spec.py, selector_methods.py) ----
  function glob(p) { return new RegExp("^" + p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$"); }
  function matchFQN(n, value) {
    var parts = value.split("."), fq = n.q || [n.n];
    var rs = parts.map(glob);
    function at(o) { for (var i = 0; i < rs.length; i++) if (o + i >= fq.length || !rs[i].test(fq[o + i])) return false; return true; }
    if (parts.length === 1 && rs[0].test(n.n)) return true;
    return at(0) || (fq.length > 1 && at(1));
  }
  var methods = {
    fqn: matchFQN,
    tag: function (n, v) { var r = glob(v); return (n.g || []).some(function (t) { return r.test(t); }); },
    source: function (n, v) { if (n.t !== "source") return false; var p = v.split("."); return glob(p[0]).test(n.s) && (p.length < 2 || glob(p[1]).test(n.n)); },
    resource_type: function (n, v) { return n.t === v; },
    package: function (n, v) { return glob(v).test(n.p); },
    path: function (n, v) { v = v.replace(/\/$/, ""); return !!n.f && (n.f === v || n.f.indexOf(v + "/") === 0 || glob(v).test(n.f)); },
    file: function (n, v) { return !!n.f && glob(v).test(n.f.split("/").pop()); },
    "config.materialized": function (n, v) { return n.m === v; },
    exposure: function (n, v) { return n.t === "exposure" && glob(v).test(n.n); }
  };
  Graph.prototype.select = function (expr) {
    var self = this, d = this.data.nodes, all = null;
    expr.trim().split(/\s+/).filter(Boolean).forEach(function (union) {
      var inter = null;
      union.split(",").forEach(function (atom) {
        var m = /^(@)?(\d*\+)?(.+?)(\+\d*)?$/.exec(atom);
        if (!m) throw new Error("cannot parse selector " + atom);
        var body = m[3], method = "fqn", value = body, c = body.indexOf(":");
        if (c > 0) { method = body.slice(0, c); value = body.slice(c + 1); }
        else if (body.indexOf("/") >= 0 || /\.(sql|csv|yml)$/.test(body)) method = "path";
        var f = methods[method];
        if (!f) throw new Error("selector method '" + method + "' is not supported in the graph filter (use fqn, tag, source, resource_type, package, path, file, config.materialized, exposure)");
        var base = [];
        for (var i = 0; i < d.length; i++) if (f(d[i], value)) base.push(i);
        var set = {};
        base.forEach(function (i) { set[i] = true; });
        var depth = function (s) { return s.replace("+", "") === "" ? null : +s.replace("+", ""); };
        if (m[2]) self.walk(base, self.parents, depth(m[2])).forEach(function (i) { set[i] = true; });
        if (m[4] || m[1]) {
          var down = self.walk(base, self.children, m[4] ? depth(m[4]) : null);
          down.forEach(function (i) { set[i] = true; });
          if (m[1]) self.walk(base.concat(down), self.parents, null).forEach(function (i) { set[i] = true; });
        }
        if (inter === null) inter = set;
        else { var x = {}; Object.keys(set).forEach(function (k) { if (inter[k]) x[k] = true; }); inter = x; }
      });
      all = all || {};
      Object.keys(inter || {}).forEach(function (k) { all[k] = true; });
    });
    return all;
  };

  var graphs = document.querySelectorAll("div.graph");
  for (var gi = 0; gi < graphs.length; gi++) {
    var g = new Graph(graphs[gi]);
    graphs[gi].gdbtGraph = g;
    if (graphs[gi].id === "neighbourhood") depthControls(g);
    if (graphs[gi].id === "project-graph") filterControls(g);
  }
  function depthControls(g) {
    var sec = g.div.parentNode, up = sec.querySelector("input.up"), down = sec.querySelector("input.down");
    function upd() {
      var u = +up.value, w = +down.value;
      g.show(g.data.nodes.map(function (n) { return n.d <= 0 ? -n.d <= u : n.d <= w; }));
    }
    up.addEventListener("input", upd); down.addEventListener("input", upd);
  }
  function filterControls(g) {
    var form = document.getElementById("graph-filter"), sel = document.getElementById("select"), exc = document.getElementById("exclude");
    var shown = document.getElementById("shown");
    function run() {
      var n = g.data.nodes.length, vis;
      try {
        var s = sel.value.trim() ? g.select(sel.value) : null, x = exc.value.trim() ? g.select(exc.value) : {};
        vis = g.data.nodes.map(function (_, i) { return (s === null || !!s[i]) && !x[i]; });
      } catch (e) { shown.textContent = e.message; shown.className = "error"; return; }
      var c = vis.filter(Boolean).length;
      shown.className = "muted"; shown.textContent = c + " of " + n + " nodes";
      g.show(vis);
    }
    form.addEventListener("submit", function (ev) { ev.preventDefault(); history.replaceState(null, "", "#select=" + encodeURIComponent(sel.value)); run(); });
    document.getElementById("reset").addEventListener("click", function () { sel.value = ""; exc.value = ""; run(); });
    var h = /#select=([^&]*)/.exec(location.hash);
    if (h) { sel.value = decodeURIComponent(h[1]); run(); }
  }
})();
