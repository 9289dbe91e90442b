package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gdbt-dev/gdbt/bench/projgen"
	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/docs"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/runner"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// chromiumPath is Debian's chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// screenshotDir is where the browser tests save their screenshots: GDBT_SCREENSHOT_DIR
// (the README's pictures are made with it pointing at docs/img), else a temporary folder.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("GDBT_SCREENSHOT_DIR"); d != "" {
		return d
	}
	return t.TempDir()
}

// generateSite does what `gdbt docs generate` does, through the same exported APIs: load,
// compile every node offline, read the catalog and the charts from the warehouse (when
// withWarehouse), and write the site into out.
func generateSite(t *testing.T, dir, vars, out string, withWarehouse bool) (*compiler.Project, *docs.Catalog, []*docs.Dashboard) {
	t.Helper()
	ctx := context.Background()
	p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: vars, Which: "compile"})
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	for _, n := range p.Manifest.Nodes {
		if !withWarehouse {
			break // the lineage needs no compiled SQL
		}
		switch n.ResourceType {
		case manifest.Model, manifest.Test, manifest.Snapshot, manifest.Analysis:
			if _, err := p.Compile(ctx, nil, n); err != nil {
				t.Fatalf("compile %s: %v", n.UniqueID, err)
			}
		}
	}
	site := &docs.Site{Manifest: p.Manifest, Project: p.Name}
	var cat *docs.Catalog
	if withWarehouse {
		a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, p.Dir)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if cat, err = docs.BuildCatalog(ctx, p.Manifest, a, docs.CatalogOptions{InvocationID: "test"}); err != nil {
			t.Fatal(err)
		}
		if len(cat.Errors) > 0 {
			t.Fatalf("catalog errors: %v", cat.Errors)
		}
		if site.Dashboards, err = docs.QueryDashboards(ctx, p.Manifest, a); err != nil {
			t.Fatal(err)
		}
		if site.Results, err = runner.ReadRunResults(filepath.Join(dir, "target", "run_results.json")); err != nil {
			t.Fatal(err)
		}
	}
	site.Catalog = cat
	start := time.Now()
	if err := site.Write(ctx, out); err != nil {
		t.Fatal(err)
	}
	t.Logf("site of %d nodes written in %s", len(p.Manifest.Nodes), time.Since(start).Round(time.Millisecond))
	return p, cat, site.Dashboards
}

// browser starts headless chromium (skipping the test where there is none) and collects
// every console error, uncaught exception and failed load of the pages it opens.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("chromium not found at %s (apt-get install chromium; .ci/run does): %v", chromiumPath, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath), chromedp.NoSandbox,
		chromedp.Headless, chromedp.DisableGPU, chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	var mu sync.Mutex
	var errs []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				errs = append(errs, "console: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			errs = append(errs, "exception: "+e.ExceptionDetails.Text+" "+fmt.Sprint(e.ExceptionDetails.Exception))
		}
	}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func open(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	// The scripts run at the end of the body: wait for the load event.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.readyState === 'complete'`)); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", p)
}

// lineageCount is how many nodes the lineage graph must draw: every model, seed, snapshot,
// analysis, source and exposure.
func lineageCount(m *manifest.Manifest) int {
	n := len(m.Sources) + len(m.Exposures)
	for _, x := range m.Nodes {
		switch x.ResourceType {
		case manifest.Model, manifest.Seed, manifest.Snapshot, manifest.Analysis:
			n++
		}
	}
	return n
}

// overlapJS returns the pairs of lineage labels whose boxes on screen overlap, at the zoom
// the page opened with.
const overlapJS = `(() => {
  const bs = [...document.querySelectorAll('#project-graph g.node text')].map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, e.textContent]; });
  bs.sort((a, b) => a[0] - b[0]);
  const out = [];
  for (let i = 0; i < bs.length; i++) for (let j = i + 1; j < bs.length && bs[j][0] < bs[i][2]; j++) {
    const a = bs[i], b = bs[j];
    if (a[1] < b[3] && b[1] < a[3] && a[0] < b[2] && b[0] < a[2]) out.push(a[4] + ' / ' + b[4]);
  }
  return out.slice(0, 10);
})()`

// TestDocsSiteInBrowser generates the docs site of the Instacart project built on the
// sample and opens it in headless chromium from file://: no console errors, every lineage
// node drawn, search finds a model with the keyboard, a model page shows its warehouse
// columns and compiled SQL, and the dashboard shows every declared tile with the numbers
// in the marts.
func TestDocsSiteInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole Instacart project; skipped under -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("chromium not found at %s (apt-get install chromium; .ci/run does): %v", chromiumPath, err)
	}
	dir, _, _, _ := instacartBuilt(t)
	out := t.TempDir()
	p, cat, dashes := generateSite(t, dir, shared.vars, out, true)
	validateCatalog(t, cat)
	shots := screenshotDir(t)
	ctx, consoleErrors := browser(t)

	t.Run("lineage", func(t *testing.T) {
		open(t, ctx, filepath.Join(out, "lineage.html"))
		want := lineageCount(p.Manifest)
		got := eval[int](t, ctx, `[...document.querySelectorAll('#project-graph g.node')].filter(g => { const r = g.getBBox(); return r.width > 0 && r.height > 0; }).length`)
		if got != want || want == 0 {
			t.Errorf("lineage draws %d nodes with a size, want %d", got, want)
		}
		if ov := eval[[]string](t, ctx, overlapJS); len(ov) > 0 {
			t.Errorf("overlapping labels: %v", ov)
		}
		screenshot(t, ctx, shots, "lineage.png")
		// The selection filter: +mart_top_users keeps it and its ancestors only.
		// Enter in the field submits the form as a person would.
		err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#select"), "+mart_top_users\r"))
		if err != nil {
			t.Fatal(err)
		}
		shown := eval[[]string](t, ctx, `[...document.querySelectorAll('#project-graph g.node')].filter(g => g.style.display !== 'none').map(g => g.querySelector('text').textContent).sort()`)
		wantShown := ancestorsNames(p.Manifest, "model.instacart.mart_top_users")
		if strings.Join(shown, ",") != strings.Join(wantShown, ",") {
			t.Errorf("+mart_top_users shows %v, want %v", shown, wantShown)
		}
	})

	t.Run("search", func(t *testing.T) {
		open(t, ctx, filepath.Join(out, "index.html"))
		// "/" moves the focus to the search box.
		if err := chromedp.Do(ctx, chromedp.KeyEvent("/")); err != nil {
			t.Fatal(err)
		}
		if f := eval[string](t, ctx, `document.activeElement.id`); f != "q" {
			t.Errorf("after '/', the focus is on %q, want the search box", f)
		}
		// CDP sends the "/" character apart from its keydown, so the page's preventDefault
		// cannot stop it as in a real key press: clear the box before typing.
		eval[bool](t, ctx, `(document.getElementById('q').value = '', true)`)
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q"), "mart_top_us")); err != nil {
			t.Fatal(err)
		}
		first := eval[string](t, ctx, `document.querySelector('#results li a') ? document.querySelector('#results li a').textContent : ''`)
		if !strings.Contains(first, "mart_top_users") {
			t.Fatalf("first search result %q, want mart_top_users", first)
		}
		// Arrow down and Enter open it, without the mouse.
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\u0301"), chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS("#columns"))); err != nil {
			t.Fatal(err)
		}
		loc := eval[string](t, ctx, `location.pathname`)
		if !strings.HasSuffix(loc, "/nodes/model.instacart.mart_top_users.html") {
			t.Errorf("Enter on the first result opened %s", loc)
		}
	})

	t.Run("model page", func(t *testing.T) {
		id := "model.instacart.mart_aisle_risk"
		open(t, ctx, filepath.Join(out, "nodes", id+".html"))
		cols := eval[[]string](t, ctx, `[...document.querySelectorAll('#columns tbody tr')].map(r => r.cells[1].textContent.trim() + ':' + r.cells[2].textContent.trim())`)
		db := openDB(t, dir)
		rows, err := db.Query("select column_name, data_type from information_schema.columns where table_name = 'mart_aisle_risk' order by ordinal_position")
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for rows.Next() {
			var c, ty string
			if err := rows.Scan(&c, &ty); err != nil {
				t.Fatal(err)
			}
			want = append(want, c+":"+ty)
		}
		rows.Close()
		db.Close()
		if strings.Join(cols, ",") != strings.Join(want, ",") || len(want) == 0 {
			t.Errorf("columns shown %v, the warehouse has %v", cols, want)
		}
		compiled := eval[string](t, ctx, `document.querySelector('#compiled-sql') ? document.querySelector('#compiled-sql').textContent : ''`)
		if wantSQL := p.Manifest.Nodes[id].CompiledCode; compiled != wantSQL || !strings.Contains(compiled, "instacart_predictions_output") {
			t.Errorf("compiled SQL shown:\n%s\nwant:\n%s", compiled, wantSQL)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('#neighbourhood g.node').length`); n < 3 {
			t.Errorf("neighbourhood graph has %d nodes", n)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('#tests tbody tr .s-pass').length`); n == 0 {
			t.Errorf("no passing test shown from run_results.json")
		}
		// The depth controls: 0 parents and 0 children leave the node alone.
		left := eval[int](t, ctx, `(() => { const s = document.getElementById('lineage'), up = s.querySelector('input.up'), down = s.querySelector('input.down');
		  up.value = 0; down.value = 0; up.dispatchEvent(new Event('input'));
		  return [...document.querySelectorAll('#neighbourhood g.node')].filter(g => g.style.display !== 'none').length; })()`)
		if left != 1 {
			t.Errorf("with depth 0 the neighbourhood shows %d nodes, want 1", left)
		}
		screenshot(t, ctx, shots, "model.png")
	})

	t.Run("dashboard", func(t *testing.T) {
		open(t, ctx, filepath.Join(out, "dashboard.html"))
		checkDashboard(t, ctx, dir, dashes)
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 1700)); err != nil {
			t.Fatal(err)
		}
		screenshot(t, ctx, shots, "dashboard.png")
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("narrow window", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(380, 800)); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900))
		for _, page := range []string{"index.html", "lineage.html", "dashboard.html", "nodes/model.instacart.mart_aisle_risk.html", "nodes/model.instacart.instacart_model.html"} {
			open(t, ctx, filepath.Join(out, page))
			if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 380 {
				t.Errorf("%s is %dpx wide in a 380px window (it scrolls sideways)", page, w)
			}
		}
	})

	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// ancestorsNames is the names of id and all its ancestors in the lineage, sorted.
func ancestorsNames(m *manifest.Manifest, id string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(x string) {
		if seen[x] {
			return
		}
		seen[x] = true
		for _, p := range m.ParentMap[x] {
			walk(p)
		}
	}
	walk(id)
	var out []string
	for x := range seen {
		if n := m.Nodes[x]; n != nil {
			out = append(out, n.SearchName())
		} else if s := m.Sources[x]; s != nil {
			out = append(out, s.SourceName+"."+s.Name)
		}
	}
	sort.Strings(out)
	return out
}

// checkDashboard compares each tile on the page with the marts read back from DuckDB.
func checkDashboard(t *testing.T, ctx context.Context, dir string, dashes []*docs.Dashboard) {
	type tile struct {
		Model, Title, Kind string
		Value              string
		Text               string
		Bars               [][2]string
		Points             int
		Cells              int
	}
	tiles := eval[[]tile](t, ctx, `[...document.querySelectorAll('figure.tile')].map(f => ({
	  Model: f.dataset.model, Title: f.dataset.title, Kind: f.className.replace(/.*k-/, ''),
	  Value: (f.querySelector('.kpi-value') || {dataset: {}}).dataset.value || '',
	  Text: (f.querySelector('.kpi-value') || {}).textContent || '',
	  Bars: [...f.querySelectorAll('rect.bar')].map(r => [r.dataset.x, r.dataset.y]),
	  Points: f.querySelectorAll('circle.pt').length,
	  Cells: f.querySelectorAll('td').length }))`)
	want := 0
	for _, d := range dashes {
		want += len(d.Tiles)
	}
	// The Instacart marts declare the original dashboard's tiles and the model-quality ones.
	if want < 15 || len(tiles) != want {
		t.Fatalf("dashboard shows %d tiles, the project declares %d (want at least 15)", len(tiles), want)
	}
	db := openDB(t, dir)
	defer db.Close()
	byTitle := map[string]tile{}
	for _, x := range tiles {
		byTitle[x.Title] = x
		if x.Kind != "kpi" && len(x.Bars) == 0 && x.Points == 0 && x.Cells == 0 {
			t.Errorf("tile %q (%s) draws nothing", x.Title, x.Kind)
		}
	}
	kpis := map[string][2]string{ // title → query, format
		"Total predictions":         {"select total_predictions from mart_model_summary", ",d"},
		"Average score":             {"select average_score from mart_model_summary", ".3f"},
		"Share above 0.5":           {"select share_above_50 from mart_model_summary", ".1%"},
		"AUC (held-out users)":      {"select auc from eval_metrics", ".4f"},
		"Log loss":                  {"select log_loss from eval_metrics", ".4f"},
		"Log loss of the base rate": {"select base_rate_log_loss from eval_metrics", ".4f"},
	}
	for title, q := range kpis {
		x, ok := byTitle[title]
		if !ok {
			t.Errorf("no tile %q", title)
			continue
		}
		v := queryFloat(t, db, q[0])
		if wantText := docs.FormatNumber(v, q[1]); x.Text != wantText {
			t.Errorf("tile %q shows %q, the mart has %v (%s)", title, x.Text, v, wantText)
		}
	}
	// Bars: the top users with their expected reorders, in order.
	rows := rowsFloat(t, db, "select user_id, expected_reorders from mart_top_users order by expected_reorders desc, user_id limit 15")
	bars := byTitle["Top users by expected reorders"].Bars
	if len(bars) != len(rows) {
		t.Fatalf("top users: %d bars, %d rows", len(bars), len(rows))
	}
	for i, r := range rows {
		if bars[i][0] != fmt.Sprint(int64(r[0])) || !closeTo(bars[i][1], r[1]) {
			t.Errorf("top users bar %d: %v, the mart has %v", i, bars[i], r)
		}
	}
	// Lines: one point per training scan, per hour of day, and two per calibration decile.
	for title, q := range map[string]string{
		"Training loss per scan":                              "select count(*) from instacart_model__history",
		"Reorder rate by hour of day":                         "select count(*) from mart_reorder_rate_by_hour",
		"Calibration by score decile (predicted vs observed)": "select 2 * count(*) from eval_calibration",
	} {
		if n := queryInt(t, db, q); int64(byTitle[title].Points) != n || n == 0 {
			t.Errorf("%s: %d points, want %d", title, byTitle[title].Points, n)
		}
	}
	// Histogram: one bar per score bucket with its count.
	hist := byTitle["Distribution of predicted scores"].Bars
	total := 0.0
	for _, b := range hist {
		var f float64
		fmt.Sscan(b[1], &f)
		total += f
	}
	if tp := queryFloat(t, db, "select total_predictions from mart_model_summary"); total != tp {
		t.Errorf("histogram bars add up to %v, total predictions %v", total, tp)
	}
}

func closeTo(s string, v float64) bool {
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil {
		return false
	}
	return f-v < 1e-9 && v-f < 1e-9
}

// validateCatalog checks catalog.json against dbt's catalog v1 schema (a copy in
// testdata/dbt-schemas, so the check never skips).
func validateCatalog(t *testing.T, cat *docs.Catalog) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "catalog.json")
	if err := docs.WriteCatalog(path, cat); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	sch, err := jsonschema.NewCompiler().Compile(filepath.Join("..", "testdata", "dbt-schemas", "catalog_v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("catalog.json does not validate against dbt's catalog v1 schema: %v", err)
	}
	var doc map[string]map[string]any
	_ = json.Unmarshal(b, &doc)
	if len(doc["nodes"]) == 0 || len(doc["sources"]) == 0 {
		t.Errorf("catalog has %d nodes and %d sources", len(doc["nodes"]), len(doc["sources"]))
	}
}

// TestDocsLineageThousandModels generates the site of a 1,000-model project (bench's
// generator) and checks the lineage in chromium: every node drawn, no two labels
// overlapping at the zoom the page opens with. It logs how long the page took to load.
func TestDocsLineageThousandModels(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("chromium not found at %s (apt-get install chromium; .ci/run does): %v", chromiumPath, err)
	}
	dir := filepath.Join(t.TempDir(), "proj")
	if _, err := projgen.Generate(projgen.Options{Dir: dir, Models: 1000, Kind: projgen.Layered, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	p, _, _ := generateSite(t, dir, "", out, false)
	ctx, consoleErrors := browser(t)
	start := time.Now()
	open(t, ctx, filepath.Join(out, "lineage.html"))
	nav := eval[float64](t, ctx, `performance.getEntriesByType('navigation')[0].duration`)
	t.Logf("lineage.html of %d nodes loaded in %s (the page's own navigation timing: %.0f ms)", lineageCount(p.Manifest), time.Since(start).Round(time.Millisecond), nav)
	want := lineageCount(p.Manifest)
	got := eval[int](t, ctx, `[...document.querySelectorAll('#project-graph g.node')].filter(g => { const r = g.getBBox(); return r.width > 0 && r.height > 0; }).length`)
	if got != want || want < 1000 {
		t.Errorf("lineage draws %d nodes, want %d", got, want)
	}
	if ov := eval[[]string](t, ctx, overlapJS); len(ov) > 0 {
		t.Errorf("overlapping labels at the default zoom: %v", ov)
	}
	screenshot(t, ctx, screenshotDir(t), "lineage-1000.png")
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
