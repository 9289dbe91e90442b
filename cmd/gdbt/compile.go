package main

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
)

// compiledTypes are the node types gdbt compile renders.
var compiledTypes = []string{manifest.Model, manifest.Test, manifest.Analysis, manifest.Snapshot}

// cmdCompile renders the selected models, tests, analyses and snapshots offline into
// target/compiled/<package>/<path>.sql and writes the manifest with their compiled code.
// With --inline "<sql>" it compiles that snippet in the project's context and prints it.
func cmdCompile(g *Globals, args []string) int {
	fl, err := cmdArgs("compile", args)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	if len(fl.Args) > 0 {
		g.Errorf("gdbt compile: unexpected argument %q", fl.Args[0])
		return ExitLoadFailed
	}
	if lp := g.projectLogPath(); lp != "" {
		defer g.OpenLogFile(lp)()
	}
	start := time.Now()
	p, err := loadProject(g)
	if err != nil {
		return g.ReportLoadError(err)
	}
	ctx, stop := g.Context()
	defer stop()
	if inline := g.FlagStr("inline", ""); inline != "" {
		sql, err := p.CompileInline(ctx, nil, inline)
		if err != nil {
			return g.ReportLoadError(err)
		}
		if g.FlagStr("output", "text") == "json" {
			g.Printf("%s\n", jsonLine(map[string]any{"compiled": sql}))
		} else {
			g.Printf("%s\n", sql)
		}
		return ExitOK
	}
	_, ids, err := selectNodes(g, p, compiledTypes)
	if err != nil {
		return g.ReportLoadError(err)
	}
	dir := g.projectTargetDir()
	nodes := make([]*manifest.Node, 0, len(ids))
	for _, id := range ids {
		if n := p.Manifest.Nodes[id]; n != nil {
			nodes = append(nodes, n)
		}
	}
	if errs := compileNodes(ctx, g, p, nodes, dir); len(errs) > 0 {
		for _, e := range errs {
			g.Errorf("%s", e.Error())
		}
		return ExitLoadFailed
	}
	if err := writeManifest(g, p, dir); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	// dbt/task/compile.py task_end_messages: every compiled node whose name is part of the
	// first --select argument is printed (CompiledNode), so `compile -s model` shows the
	// model's SQL and not its tests'.
	if len(g.Select) > 0 {
		for _, n := range nodes {
			if !strings.Contains(g.Select[0], n.Name) {
				continue
			}
			msg := fmt.Sprintf("Compiled node '%s' is:\n%s", n.Name, n.CompiledCode)
			if g.FlagStr("output", "text") == "json" {
				msg = jsonLine(map[string]any{"node": n.Name, "compiled": n.CompiledCode})
			}
			if g.Quiet {
				g.Printf("%s\n", n.CompiledCode)
				continue
			}
			g.Event("info", msg, map[string]any{"name": "CompiledNode", "node_name": n.Name, "compiled": n.CompiledCode, "unique_id": n.UniqueID})
		}
	}
	g.Infof("Compiled %d nodes in %.2fs", len(nodes), time.Since(start).Seconds())
	return ExitOK
}

// compileNodes compiles nodes with up to the target's threads at once and writes each to
// <targetDir>/compiled/…; it returns every error, sorted.
func compileNodes(ctx context.Context, g *Globals, p *compiler.Project, nodes []*manifest.Node, targetDir string) compiler.Errors {
	workers := p.Target.Threads
	if g.Threads > 0 {
		workers = g.Threads
	}
	// Offline compiling is CPU-bound: use every core even when the profile asks for
	// fewer warehouse threads.
	if n := runtime.GOMAXPROCS(0); workers < n {
		workers = n
	}
	var mu sync.Mutex
	var errs compiler.Errors
	files := &compiler.FileWriter{Redact: compiler.Redactor()}
	work := make(chan *manifest.Node)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				err := compileOne(ctx, p, files, n, targetDir)
				if err != nil {
					mu.Lock()
					errs = append(errs, compiler.AsErrors(err)...)
					mu.Unlock()
				}
			}
		}()
	}
	for _, n := range nodes {
		work <- n
	}
	close(work)
	wg.Wait()
	errs.Sort()
	return errs
}

// compileOne compiles one node and writes its SQL file, secrets redacted, through files.
func compileOne(ctx context.Context, p *compiler.Project, files *compiler.FileWriter, n *manifest.Node, targetDir string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = compiler.Errorf(n.OriginalFilePath, 0, 0, "internal error compiling %s: %v", n.UniqueID, r)
		}
	}()
	sql, err := p.Compile(ctx, nil, n)
	if err != nil {
		return err
	}
	rel := compiler.CompiledPath(n)
	out := filepath.Join(targetDir, "compiled", filepath.FromSlash(rel))
	if err := files.WriteText(out, sql); err != nil {
		return err
	}
	n.Compiled = true
	if n.CompiledPath == "" {
		n.CompiledPath = path.Join(filepath.ToSlash(filepath.Base(targetDir)), "compiled", rel)
	}
	return nil
}

// jsonLine marshals v on one line.
func jsonLine(v any) string {
	w := &lineBuf{}
	enc := newJSONEncoder(w)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return string(w.b[:len(w.b)-1])
}
