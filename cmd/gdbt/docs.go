package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/docs"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/runner"
	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// siteFolder is where `docs generate` writes the site, under the target path.
const siteFolder = "docs"

// cmdDocs is `gdbt docs generate` and `gdbt docs serve`.
func cmdDocs(g *Globals, args []string) int {
	fl, err := cmdArgs("docs", args)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	if len(fl.Args) != 1 || (fl.Args[0] != "generate" && fl.Args[0] != "serve") {
		g.Errorf("usage: gdbt docs generate [--select …] [--empty-catalog] [--no-compile] | gdbt docs serve [--port 8080] [--host 127.0.0.1] [--browser]")
		return ExitLoadFailed
	}
	if fl.Args[0] == "serve" {
		return docsServe(g)
	}
	return docsGenerate(g)
}

// docsGenerate follows dbt's GenerateTask (dbt/task/docs/generate.py): compile every node
// (unless --no-compile), write the manifest, read the catalog of the selected relations
// from the warehouse (none with --empty-catalog) into target/catalog.json, then write the
// site, with the charts queried from the warehouse, into target/docs/.
func docsGenerate(g *Globals) int {
	start := time.Now()
	if lp := g.projectLogPath(); lp != "" {
		defer g.OpenLogFile(lp)()
	}
	dir := g.projectTargetDir()
	// The last run's results, read before anything is written (tests' last status).
	var results *runner.RunResults
	if rr, err := runner.ReadRunResults(filepath.Join(dir, "run_results.json")); err == nil {
		results = rr
	} else if !errors.Is(err, os.ErrNotExist) {
		g.Warn(fmt.Sprintf("run_results.json not read: %v", err))
	}
	p, err := loadProject(g)
	if err != nil {
		return g.ReportLoadError(err)
	}
	ctx, stop := g.Context()
	defer stop()
	if g.FlagBool("compile", true) {
		var nodes []*manifest.Node
		for _, n := range p.Manifest.Nodes {
			for _, t := range compiledTypes {
				if n.ResourceType == t && n.Enabled() {
					nodes = append(nodes, n)
				}
			}
		}
		if errs := compileNodes(ctx, g, p, nodes, dir); len(errs) > 0 {
			for _, e := range errs {
				g.Errorf("%s", e.Error())
			}
			g.Errorf("compilation failed, cannot generate docs")
			return ExitLoadFailed
		}
	}
	if err := writeManifest(g, p, dir); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	opts := docs.CatalogOptions{Empty: g.FlagBool("empty-catalog", false), InvocationID: invocationID, DbtVersion: compiler.DbtVersion}
	if len(g.Select) > 0 || len(g.Exclude) > 0 || g.Selector != "" {
		// dbt 1.9: the catalog holds the selected nodes and the selected sources only.
		_, ids, err := selectNodes(g, p, []string{manifest.Model, manifest.Seed, manifest.Snapshot, manifest.Test, manifest.Analysis, manifest.SourceRT})
		if err != nil {
			return g.ReportLoadError(err)
		}
		opts.Selected = map[string]bool{}
		for _, id := range ids {
			opts.Selected[id] = true
		}
	}
	var a warehouse.Adapter
	if !opts.Empty {
		a, err = adapters.Open(ctx, p.Target.Type, p.Target.Fields, p.Dir)
		if err != nil {
			g.Errorf("could not connect to target %q (%s): %v", p.Target.Name, p.Target.Type, err)
			return ExitLoadFailed
		}
		defer a.Close()
		g.Infof("Building catalog")
	}
	cat, err := docs.BuildCatalog(ctx, p.Manifest, a, opts)
	if err != nil {
		g.Errorf("%v", err)
		return ExitNodeFailed
	}
	catPath := filepath.Join(dir, "catalog.json")
	if err := docs.WriteCatalog(catPath, cat); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	var dashes []*docs.Dashboard
	if a != nil {
		if dashes, err = docs.QueryDashboards(ctx, p.Manifest, a); err != nil {
			g.Errorf("%v", err)
			return ExitNodeFailed
		}
	} else if specs, _, _ := docs.ChartSpecs(p.Manifest); len(specs) > 0 {
		g.Warn("--empty-catalog: the charts of meta.chart are not queried, the dashboard page is empty")
	}
	site := &docs.Site{Manifest: p.Manifest, Catalog: cat, Results: results, Dashboards: dashes, Project: p.Name,
		GeneratedAt: time.Now().UTC().Format("2006-01-02 15:04 UTC")}
	siteDir := filepath.Join(dir, siteFolder)
	if err := site.Write(ctx, siteDir); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	for _, e := range cat.Errors {
		g.Errorf("catalog: %s", e)
	}
	g.Infof("Catalog written to %s", absPath(catPath))
	g.Infof("Site written to %s (open index.html, or run gdbt docs serve) in %.2fs", absPath(siteDir), time.Since(start).Seconds())
	if len(cat.Errors) > 0 {
		return ExitNodeFailed
	}
	return ExitOK
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// docsServe serves target/docs on 127.0.0.1 (dbt-docs' default port 8080) until Ctrl-C;
// it opens a browser only with --browser.
func docsServe(g *Globals) int {
	dir := filepath.Join(g.projectTargetDir(), siteFolder)
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		g.Errorf("no documentation site at %s: run gdbt docs generate first", dir)
		return ExitLoadFailed
	}
	port := g.FlagInt("port", 8080)
	if port < 0 || port > 65535 {
		g.Errorf("--port %d is not a port number", port)
		return ExitLoadFailed
	}
	ctx, stop := g.Context()
	defer stop()
	addr := net.JoinHostPort(g.FlagStr("host", "127.0.0.1"), strconv.Itoa(port))
	err := docs.Serve(ctx, dir, addr, func(url string) {
		g.Infof("Serving docs at %s (Ctrl-C to stop)", url)
		if g.FlagBool("browser", false) {
			if err := docs.OpenBrowser(url); err != nil {
				g.Warn(err.Error())
			}
		}
	})
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	return ExitOK
}
