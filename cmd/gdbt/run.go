package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/dag"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/microbatch"
	"github.com/gdbt-dev/gdbt/runner"
	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// cmdRun builds the selected models.
func cmdRun(g *Globals, args []string) int { return execCommand(g, "run", args) }

// session is what every warehouse-touching command sets up: the loaded project, the
// target folder, a log file, a cancellable context and an open adapter.
type session struct {
	p         *compiler.Project
	a         warehouse.Adapter
	ctx       context.Context
	targetDir string
	close     func()
	// graph is the project's graph, once the selection has built it (nil before).
	graph *dag.Graph
	// manifestDone delivers the manifest write's outcome (nil: none started).
	manifestDone chan error
}

// waitManifest waits for the manifest write openAndSelect started, once, and returns its
// error.
func (s *session) waitManifest() error {
	if s.manifestDone == nil {
		return nil
	}
	err := <-s.manifestDone
	s.manifestDone = nil
	return err
}

// openSession loads the project and connects to its target. On failure it has printed the
// error and returns the exit code to use.
func openSession(g *Globals) (*session, int) {
	closeLog := g.OpenLogFile(logPathOf(g))
	p, err := loadProject(g)
	if err != nil {
		code := g.ReportLoadError(err) // into the log file too, before it closes
		closeLog()
		return nil, code
	}
	ctx, stop := g.Context()
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, p.Dir)
	if err != nil && ctx.Err() != nil {
		g.Errorf("interrupted while connecting to target %q (%s)", p.Target.Name, p.Target.Type)
		stop()
		closeLog()
		return nil, ExitInterrupted
	}
	if err != nil {
		g.Errorf("could not connect to target %q (%s): %v", p.Target.Name, p.Target.Type, err)
		stop()
		closeLog()
		return nil, ExitLoadFailed
	}
	s := &session{p: p, a: a, ctx: ctx, targetDir: g.projectTargetDir()}
	s.close = func() {
		s.waitManifest() // its error was reported by whoever waited first
		a.Close()
		stop()
		closeLog()
	}
	return s, ExitOK
}

// logPathOf is the project's log-path (logs/ by default).
func logPathOf(g *Globals) string {
	if pc, err := compiler.LoadProjectConfig(g.ProjectDir); err == nil && pc.LogPath != "" {
		return pc.LogPath
	}
	return "logs"
}

// execCommand runs one of the node-executing commands (run, build, test, seed, snapshot).
func execCommand(g *Globals, command string, args []string) int {
	if _, err := cmdArgs(command, args); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	s, ids, code := openAndSelect(g, runner.ExecutableTypes[command])
	if s == nil {
		return code
	}
	defer s.close()
	return runSelected(g, s, command, ids)
}

// openAndSelect opens a session, starts writing the manifest and selects among types
// (narrowed by --resource-type); on failure it has printed why and s is nil.
//
// The manifest is written while the selection and then the nodes run, from a snapshot of
// the nodes taken before anything runs (manifestSnapshot), so it holds what dbt's
// pre-run manifest holds. Writing it first delayed the first node by the whole encoding
// (0.8 s CPU at 10,000 models with a warm parse state: bench/README.md §1, runner
// startup). runSelected waits for it before returning, and its failure fails the command.
func openAndSelect(g *Globals, types []string) (s *session, ids []string, code int) {
	s, code = openSession(g)
	if s == nil {
		return nil, nil, code
	}
	snap := manifestSnapshot(s.p.Manifest)
	s.manifestDone = make(chan error, 1)
	go func() { s.manifestDone <- writeManifestOf(g, s.p, snap, s.targetDir) }()
	var err error
	s.graph, ids, err = selectNodes(g, s.p, commandTypes(g, types))
	if err == nil && len(ids) == 0 {
		err = s.waitManifest() // nothing will run: as before, a failed write is the error
	}
	if err != nil {
		g.Errorf("%v", err) // before the log file closes: it belongs in logs/gdbt.log too
		s.close()
		return nil, nil, ExitLoadFailed
	}
	return s, ids, ExitOK
}

// manifestSnapshot is m with its own copies of the nodes, unit tests and sources (their
// maps and slices shared): the runner sets compiled fields (compiled_code, relation_name,
// …) on the nodes it runs, while the manifest writer reads the copies. Nothing running
// writes into a node's maps or slices.
func manifestSnapshot(m *manifest.Manifest) *manifest.Manifest {
	c := *m
	c.Nodes = copyEach(m.Nodes)
	c.UnitTests = copyEach(m.UnitTests)
	c.Sources = copyEach(m.Sources)
	return &c
}

// copyEach maps every key of m to a copy of its value.
func copyEach[T any](m map[string]*T) map[string]*T {
	out := make(map[string]*T, len(m))
	copies := make([]T, 0, len(m)) // one allocation for all copies
	for k, v := range m {
		copies = append(copies, *v)
		out[k] = &copies[len(copies)-1]
	}
	return out
}

// runSelected executes ids with the runner and returns dbt's exit code.
func runSelected(g *Globals, s *session, command string, ids []string) int {
	threads := g.Threads
	if threads <= 0 {
		threads = s.p.Target.Threads
	}
	if threads <= 0 {
		threads = 1
	}
	if err := checkEventTimes(g); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	g.Event("info", "Running with gdbt="+buildVersion(), map[string]any{"name": "MainReportVersion"})
	// In sample mode microbatch models build the sample window's batches
	// (MicrobatchModelRunner.get_microbatch_builder in dbt-core's core/dbt/task/run.py).
	eventStart, eventEnd := g.EventTimeStart, g.EventTimeEnd
	if g.Sample != nil {
		eventStart, eventEnd = &g.Sample.Start, &g.Sample.End
	}
	sum, err := runner.Run(s.ctx, s.p, s.a, runner.Options{
		EventTimeStart: eventStart,
		EventTimeEnd:   eventEnd,
		RetryBatches:   g.retryBatches,
		Command:        command,
		IDs:            ids,
		Graph:          s.graph,
		Threads:        threads,
		FailFast:       g.FailFast,
		TargetDir:      s.targetDir,
		InvocationID:   invocationID,
		Args:           runArgs(g, command, threads),
		Console:        g.console(),
		Version:        buildVersion(),
		NoWriteJSON:    g.NoWriteJSON,
		NoLock:         !g.FlagBool("lock", true),
		Live:           g.live,
		Emergency:      &g.emergency,
	})
	if werr := s.waitManifest(); werr != nil {
		g.Errorf("%v", werr)
		return ExitLoadFailed
	}
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	// As dbt, the manifest is written again once the nodes have run, now holding the
	// compiled code of those that ran (dbt-core core/dbt/task/runnable.py,
	// GraphRunnableTask.run: write_manifest after execute_with_hooks; the runners compile
	// the manifest's own node objects). Unchanged nodes are copied from the pre-run file
	// when a parse state is kept (writeManifestOf). With nothing selected nothing was
	// compiled: the pre-run file already holds every node as it is.
	if len(ids) > 0 {
		if werr := writeManifestOf(g, s.p, s.p.Manifest, s.targetDir); werr != nil {
			g.Errorf("%v", werr)
			return ExitLoadFailed
		}
	}
	if g.FlagBool("show", false) {
		showSeeds(g, s, sum)
	}
	return sum.ExitCode()
}

// showSeeds is seed --show: a sample of each loaded seed (dbt/task/seed.py show_table).
// dbt samples 10 rows in random order; gdbt prints the first 10, so output is stable.
func showSeeds(g *Globals, s *session, sum *runner.Summary) {
	for _, r := range sum.Results {
		n := s.p.Manifest.Nodes[r.UniqueID]
		if n == nil || n.ResourceType != manifest.Seed || r.Status == runner.StatusError || r.Status == runner.StatusSkipped {
			continue
		}
		_, tab, err := s.a.Execute(s.ctx, "select * from "+n.RelationName+" limit 10", true)
		if err != nil {
			g.Errorf("seed --show %s: %v", n.Name, err)
			continue
		}
		header := fmt.Sprintf("Random sample of table: %s.%s", n.Schema, n.Alias)
		g.Infof("")
		g.Event("info", header, map[string]any{"name": "SeedHeader"})
		g.Infof("%s", strings.Repeat("-", len(header)))
		g.Infof("%s", strings.TrimRight(formatTable(tab), "\n"))
	}
}

// console is the runner's console with --printer-width.
func (g *Globals) console() *runner.Console {
	c := runner.NewConsole(g, g.Color)
	c.Width = g.PrinterWidth
	return c
}

// runArgs is the invocation as run_results.json records it.
func runArgs(g *Globals, command string, threads int) map[string]any {
	return map[string]any{
		"which":        command,
		"select":       g.Select,
		"exclude":      g.Exclude,
		"selector":     g.Selector,
		"threads":      threads,
		"full_refresh": g.FullRefresh,
		"fail_fast":    g.FailFast,
		"empty":        g.Empty,
		"target":       g.Target,
		"vars":         g.Vars,
		"project_dir":  absOr(g.ProjectDir),
	}
}

func absOr(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// parseEventTime reads --event-time-start or --event-time-end (a date or ISO date-time, UTC).
func parseEventTime(dst **time.Time, flag, v string) error {
	t, err := microbatch.ParseTime(v)
	if err != nil {
		return fmt.Errorf("%s: %w", flag, err)
	}
	*dst = &t
	return nil
}

// checkEventTimes: the two flags come together and in order (_validate_event_time_configs
// in dbt-core's core/dbt/cli/flags.py).
func checkEventTimes(g *Globals) error {
	switch s, e := g.EventTimeStart, g.EventTimeEnd; {
	case s == nil && e == nil:
		return nil
	case s == nil:
		return fmt.Errorf("the flag `--event-time-end` was specified, but `--event-time-start` was not; when specifying `--event-time-end`, `--event-time-start` must also be present")
	case e == nil:
		return fmt.Errorf("the flag `--event-time-start` was specified, but `--event-time-end` was not; when specifying `--event-time-start`, `--event-time-end` must also be present")
	case !s.Before(*e):
		return fmt.Errorf("value for `--event-time-start` must be less than `--event-time-end`")
	}
	return nil
}
