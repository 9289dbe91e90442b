package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/microbatch"
	"github.com/gdbt-dev/gdbt/parsestate"
	"github.com/gdbt-dev/gdbt/runner"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// Exit codes, as dbt's.
const (
	ExitOK          = 0   // success
	ExitNodeFailed  = 1   // a node (model, test, …) failed
	ExitLoadFailed  = 2   // the project could not be loaded or compiled, or bad usage
	ExitInterrupted = 130 // SIGINT/SIGTERM
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// command is one subcommand: its name, a one-line summary for help, and its entry point.
type command struct {
	name    string
	summary string
	run     func(g *Globals, args []string) int
}

// commands is the one table of subcommands; help lists them in this order.
func commands() []command {
	return []command{
		{"parse", "load the project and write target/manifest.json", cmdParse},
		{"compile", "compile selected nodes to target/compiled/ (or --inline \"sql\")", cmdCompile},
		{"ls", "list resources of the project (alias: list)", cmdList},
		{"list", "", cmdList},
		{"run", "build selected models in the warehouse", cmdRun},
		{"build", "seed, run, snapshot and test selected resources in DAG order", cmdBuild},
		{"test", "run data tests", cmdTest},
		{"seed", "load seed CSV files", cmdSeed},
		{"snapshot", "run snapshots (type 2 slowly changing dimensions)", cmdSnapshot},
		{"clone", "clone (or view) the --state relations of selected nodes into the target", cmdClone},
		{"show", "preview the rows of a node or an --inline query", cmdShow},
		{"run-operation", "call a macro with --args", cmdRunOperation},
		{"retry", "re-run what failed or was skipped in the last run", cmdRetry},
		{"source", "source freshness: check source freshness (sources.json)", cmdSource},
		{"deps", "install hub, git, tarball and local packages (packages.yml, package-lock.yml)", cmdDeps},
		{"clean", "remove the clean-targets folders (target/ by default)", cmdClean},
		{"debug", "show the project, profile and target and test the connection", cmdDebug},
		{"init", "create a project skeleton and its profile (asks on a terminal)", cmdInit},
		{"docs", "docs generate: catalog.json and the documentation site; docs serve: serve it", cmdDocs},
		{"help", "show this help", cmdHelp},
	}
}

// Main runs gdbt with args (without the program name) and returns the exit code. It is
// the whole program; main only calls os.Exit with its result. A panic inside a command is
// reported as an internal error with exit code 2, never as a Go stack trace on the
// console (the trace goes to --log-level debug).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	compiler.ResetProfileSecrets() // one invocation, one profile's secrets
	g := newGlobals(stdin, stdout, stderr)
	rest, err := g.parse(args)
	if err != nil {
		g.Errorf("%v", err)
		fmt.Fprintln(stderr, "run 'gdbt help' for usage")
		return ExitLoadFailed
	}
	if g.DebugFlag {
		g.LogLevel = "debug"
	}
	if g.Version {
		printVersion(stdout)
		return ExitOK
	}
	if len(rest) == 0 {
		if g.Help {
			return cmdHelp(g, nil)
		}
		g.Errorf("no command given")
		printUsage(stderr)
		return ExitLoadFailed
	}
	name, cmdArgs := rest[0], rest[1:]
	if g.Help {
		return cmdHelp(g, []string{name})
	}
	for _, c := range commands() {
		if c.name == name {
			g.Command = name
			defer func() {
				if r := recover(); r != nil {
					g.Errorf("internal error in gdbt %s: %v", name, r)
					g.Debugf("%s", debug.Stack())
					code = ExitLoadFailed
				}
			}()
			for _, msg := range g.renamedEnv {
				g.WarnEvent("EnvironmentVariableRenamed", msg)
			}
			code = c.run(g, cmdArgs)
			if code == ExitOK && g.warnErrored() {
				code = ExitLoadFailed
			}
			return code
		}
	}
	g.Errorf("unknown command %q; run 'gdbt help' for the list of commands", name)
	return ExitLoadFailed
}

// Globals holds the parsed global flags (accepted before or after the subcommand, as dbt
// does), the output streams and the logger every command writes through. The runner's
// commands receive it too.
type Globals struct {
	Command string
	// renamedEnv are the warnings for dbt's deprecated variables found set, said once
	// the command starts.
	renamedEnv []string

	ProjectDir  string
	ProfilesDir string
	Profile     string
	Target      string
	Vars        string
	Select      []string
	Exclude     []string
	Selector    string
	Threads     int
	LogFormat   string // "text" or "json"
	LogLevel    string // "debug", "info", "warn", "error", "none"
	NoColor     bool
	Quiet       bool
	FullRefresh bool
	FailFast    bool
	// EventTimeStart and EventTimeEnd are --event-time-start/--event-time-end (microbatch).
	EventTimeStart, EventTimeEnd *time.Time
	// Sample is --sample (dbt 1.10 sample mode), nil when not given.
	Sample *microbatch.Sample
	// retryBatches are the microbatch batch results `gdbt retry` reruns the failed batches of.
	retryBatches map[string]*runner.BatchResults
	Empty        bool
	// StoreFailures is --store-failures: tests keep their failing rows in a table.
	StoreFailures bool
	State         string
	TargetPath    string // --target-path override ("" keeps the project's)
	Defer         bool
	// DeferState is --defer-state: the state folder for deferral only.
	DeferState string
	Favor      bool
	// Indirect is --indirect-selection (eager, cautious, buildable, empty).
	Indirect string
	// WarnError is --warn-error; warnErrorOpts the parsed --warn-error-options.
	WarnError     bool
	warnErrorOpts *warnErrorOptions
	// NoWriteJSON is --no-write-json: no manifest.json or run_results.json.
	NoWriteJSON bool
	// NoVersionCheck is --no-version-check: require-dbt-version is not enforced.
	NoVersionCheck bool
	// NoPrint is --no-print: {{ print() }} output is dropped.
	NoPrint bool
	// LogFormatFile and LogLevelFile shape logs/gdbt.log ("" : text, debug).
	LogFormatFile string
	LogLevelFile  string
	// LogPath is --log-path, overriding the project's log-path.
	LogPath string
	// DebugFlag is --debug (console events at debug level).
	DebugFlag bool
	// PrinterWidth is --printer-width (0: dbt's 80).
	PrinterWidth int
	Help         bool
	Version      bool

	// flagVals and flagSrc are every resolved flag of the command by name, and where
	// its value came from (flags.go).
	flagVals map[string][]string
	flagSrc  map[string]flagSource

	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// LogFile, when set (OpenLogFile), receives every event at every level.
	LogFile io.Writer

	mu       sync.Mutex
	warnings []string
	// nodeInfos are dbt's NodeInfo fields of every node, nodeStarted when each started
	// (JSON events only; events.go).
	nodeInfos   map[string]nodeInfoBase
	nodeStarted map[string]string
	// promoted counts warnings that --warn-error(-options) turned into errors.
	promoted int
	// live tracks the running nodes and their progress reports (runner/live.go);
	// liveLine is the status line kept under the console output on a terminal (log.go).
	live     *runner.Live
	liveLine string
	// emergency writes run_results.json when a second interrupt finds the run stuck
	// (signals.go).
	emergency runner.Emergency
}

func newGlobals(stdin io.Reader, stdout, stderr io.Writer) *Globals {
	return &Globals{ProjectDir: ".", LogFormat: "text", LogLevel: "info", LogFormatFile: "text", LogLevelFile: "debug",
		flagVals: map[string][]string{}, flagSrc: map[string]flagSource{}, nodeStarted: map[string]string{}, Stdin: stdin, Stdout: stdout, Stderr: stderr,
		live: runner.NewLive(heartbeatEvery)}
}

// heartbeatEvery is the "still running" interval (runner.DefaultHeartbeat; tests shorten it).
var heartbeatEvery = runner.DefaultHeartbeat

// Options converts the global flags into the compiler's load options; warnings go to
// g.Warn.
func (g *Globals) Options() compiler.Options {
	return compiler.Options{
		ProjectDir: g.ProjectDir, ProfilesDir: g.ProfilesDir, Profile: g.Profile, Target: g.Target,
		SQLLog: g.logSQL, Progress: g.live.Report,
		Vars: g.Vars, FullRefresh: g.FullRefresh, Empty: g.Empty, Sample: g.Sample, Threads: g.Threads, Warn: g.Warn,
		Defer: g.Defer || g.Command == "clone", FavorState: g.Favor,
		Which: g.Command, StoreFailures: g.StoreFailures, Log: g.jinjaLog, NoPrint: g.NoPrint, Flags: g.jinjaFlags(),
		// Offline compiles render with the target engine's dialect, as runs do.
		Dialect: adapters.Dialect,
		// These commands only read the loaded nodes (no compile, no run).
		NoCompile: g.Command == "parse" || g.Command == "ls" || g.Command == "list",
	}
}

// jinjaFlags is {{ flags }}: every resolved flag of the command under dbt's upper-case
// name (FAIL_FAST, WARN_ERROR, LOG_FORMAT, …), over the compiler's defaults.
func (g *Globals) jinjaFlags() map[string]any {
	out := map[string]any{}
	for i := range flagTable {
		d := &flagTable[i]
		vals, ok := g.flagVals[d.name]
		if !ok || !d.applies(g.Command) {
			continue
		}
		key := strings.ToUpper(strings.ReplaceAll(d.name, "-", "_"))
		switch d.kind {
		case flagBool:
			out[key] = g.FlagBool(d.name, false)
		case flagInt:
			out[key] = g.FlagInt(d.name, 0)
		case flagMulti:
			l := make([]any, len(vals))
			for i, v := range vals {
				l[i] = v
			}
			out[key] = l
		default:
			out[key] = g.FlagStr(d.name, "")
		}
	}
	return out
}

// logSQL puts each statement in the debug log as dbt does: SQLQuery (node, connection,
// the SQL) then SQLQueryStatus (status, rows, duration).
func (g *Globals) logSQL(ev compiler.SQLEvent) {
	if levelRank[g.LogLevel] > 0 && (g.LogFile == nil || levelRank[g.LogLevelFile] > 0) {
		return
	}
	ni := map[string]any{}
	if ev.Node != "" {
		ni = g.nodeInfoLocked(ev.Node)
	}
	g.Event("debug", fmt.Sprintf("On %s: %s", ev.Conn, ev.SQL), map[string]any{"name": "SQLQuery", "unique_id": ev.Node, "conn_name": ev.Conn, "sql": ev.SQL, "node_info": ni})
	status := ev.Status
	if ev.Err != nil {
		status = "ERROR: " + ev.Err.Error()
	}
	g.Event("debug", fmt.Sprintf("SQL status: %s (rows: %d) in %.3f seconds", status, ev.Rows, ev.Elapsed.Seconds()),
		map[string]any{"name": "SQLQueryStatus", "unique_id": ev.Node, "status": status, "elapsed": ev.Elapsed.Seconds(), "query_id": ev.QueryID, "rows": ev.Rows, "conn_name": ev.Conn, "node_info": ni})
}

// nodeInfoLocked is nodeInfo taken under the logger's lock.
func (g *Globals) nodeInfoLocked(uid string) map[string]any {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.nodeInfo(uid, map[string]any{})
}

// jinjaLog receives {{ log(msg, info=…) }}: info messages on the console, the others at
// debug level (the log file, or the console with --log-level debug).
func (g *Globals) jinjaLog(msg string, info bool) {
	if info {
		g.Event("info", msg, map[string]any{"name": "JinjaLogInfo"})
		return
	}
	g.Event("debug", msg, map[string]any{"name": "JinjaLogDebug"})
}

// loadProject loads and parses the project with the global flags, printing how long it
// took at debug level. Errors are compiler.Errors (positioned) or plain errors; report
// them with g.ReportLoadError and exit with ExitLoadFailed.
func loadProject(g *Globals) (p *compiler.Project, err error) {
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			g.Debugf("%s", debug.Stack())
			p, err = nil, fmt.Errorf("internal error while loading the project: %v: %w", r, compiler.ErrProject)
		}
	}()
	if g.LogLevel == "debug" {
		g.debugProfile()
	}
	if !g.NoVersionCheck {
		if pc, err := compiler.LoadProjectConfig(g.ProjectDir); err == nil {
			if err := checkRequireDbtVersion(pc); err != nil {
				return nil, fmt.Errorf("%w: %w", err, compiler.ErrProject)
			}
		}
	}
	if err := checkPackages(g); err != nil {
		return nil, err
	}
	opts := g.Options()
	state := g.openParseState()
	if state != nil {
		opts.ParseCache = state
	}
	p, err = compiler.Load(opts)
	if err != nil {
		return nil, err
	}
	if state != nil {
		reused, parsed := state.Stats()
		g.Debugf("partial parse: reused %d files, parsed %d", reused, parsed)
		reused, parsed = state.KindStats(compiler.PropsKind)
		g.Debugf("partial parse: property files: reused %d, parsed %d", reused, parsed)
		if err := state.Save(); err != nil {
			g.Debugf("partial parse: the state was not saved: %v", err)
		}
	}
	if g.warnErrored() {
		return nil, fmt.Errorf("warnings are errors (--warn-error): %w", compiler.ErrProject)
	}
	if g.Defer || g.Command == "clone" {
		if err := g.deferToState(p); err != nil {
			return nil, err
		}
	}
	g.snapshotNodeInfos(p)
	g.Debugf("loaded project %s in %s", p.Name, time.Since(start).Round(time.Millisecond))
	if p.Profile.ZeroConfig && g.Command != "ls" && g.Command != "list" {
		// One line, so that a build into the embedded warehouse is never a surprise (ls
		// prints nothing but its results, for pipes).
		g.Infof("no profiles.yml found: using the zero-config embedded DuckDB at %v", p.Target.Fields["path"])
	}
	return p, nil
}

// openParseState opens the partial-parsing state (parsestate), or returns nil under
// --no-partial-parse / DBT_PARTIAL_PARSE=false. It lives in the target folder as dbt's
// partial_parse.msgpack does, or at --partial-parse-file-path.
func (g *Globals) openParseState() *parsestate.State {
	path := g.parseStatePath()
	if path == "" {
		return nil
	}
	return parsestate.Open(path, g.Debugf)
}

// parseStatePath is where the partial-parsing state is kept, "" when partial parsing is off.
func (g *Globals) parseStatePath() string {
	if !g.FlagBool("partial-parse", true) {
		return ""
	}
	path := g.FlagStr("partial-parse-file-path", "")
	if path == "" {
		path = filepath.Join(g.projectTargetDir(), parsestate.FileName)
	}
	return path
}

// deferToState reads the deferral state's manifest (--defer-state, else --state) into p's
// nodes (dbt/task/runnable.py defer_to_manifest; clone always defers, dbt/task/clone.py).
func (g *Globals) deferToState(p *compiler.Project) error {
	dir := g.DeferState
	if dir == "" {
		dir = g.State
	}
	if dir == "" {
		return fmt.Errorf("--state or --defer-state are required for deferral, but neither was provided: %w", compiler.ErrProject)
	}
	state, err := readStateManifest(dir)
	if err != nil {
		return fmt.Errorf("%w: %w", err, compiler.ErrProject)
	}
	p.MergeFromArtifact(state)
	n := 0
	for _, node := range p.Manifest.Nodes {
		if node.DeferRelation != nil {
			n++
		}
	}
	g.Debugf("deferring to %s: %d nodes have a state relation", dir, n)
	return nil
}

// debugProfile says, at debug level, which project file and profile are used, and when
// the zero-config embedded DuckDB target is chosen, why.
func (g *Globals) debugProfile() {
	pc, err := compiler.LoadProjectConfig(g.ProjectDir)
	if err != nil {
		return
	}
	g.Debugf("project file: %s", pc.File)
	t, info, err := compiler.LoadProfileFor(g.Options(), pc)
	if err != nil {
		return
	}
	if info.ZeroConfig {
		g.Debugf("%s: using the zero-config target (embedded DuckDB at %v, %d threads)", info.Reason, t.Fields["path"], t.Threads)
		return
	}
	g.Debugf("profile %q, target %q (%s) from %s", t.ProfileName, t.Name, t.Type, info.File)
}

// ReportLoadError prints a load or compile error, one positioned error per line, sorted,
// and returns ExitLoadFailed.
func (g *Globals) ReportLoadError(err error) int {
	errs := compiler.AsErrors(err)
	errs.Sort()
	for _, e := range errs {
		g.Errorf("%s", e.Error())
	}
	return ExitLoadFailed
}

// TargetDir is the folder artifacts go to: --target-path, or the project's target-path,
// relative to the project dir.
func (g *Globals) TargetDir(projectTargetPath string) string {
	tp := projectTargetPath
	if g.TargetPath != "" {
		tp = g.TargetPath
	}
	if tp == "" {
		tp = "target"
	}
	if filepath.IsAbs(tp) {
		return tp
	}
	return filepath.Join(g.ProjectDir, tp)
}

// projectTargetDir reads the project file only to find its target-path (for commands that
// write artifacts after loading).
func (g *Globals) projectTargetDir() string {
	if pc, err := compiler.LoadProjectConfig(g.ProjectDir); err == nil {
		return g.TargetDir(pc.TargetPath)
	}
	return g.TargetDir("")
}

// projectLogPath is the project's log-path, "" when the project file cannot be read (no
// log folder is created outside a project).
func (g *Globals) projectLogPath() string {
	if pc, err := compiler.LoadProjectConfig(g.ProjectDir); err == nil {
		return pc.LogPath
	}
	return ""
}

// Warnings returns the warnings reported so far, in order.
func (g *Globals) Warnings() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.warnings...)
}

// isLoadError tells project-level failures (exit 2) from the rest.
func isLoadError(err error) bool { return errors.Is(err, compiler.ErrProject) }

// cmdHelp prints the usage, or one command's help with its flags.
func cmdHelp(g *Globals, args []string) int {
	if len(args) > 0 {
		for _, c := range commands() {
			if c.name == args[0] && c.summary != "" {
				printCommandHelp(g.Stdout, c)
				return ExitOK
			}
			if c.name == args[0] && c.name == "list" {
				printCommandHelp(g.Stdout, command{name: "list", summary: "list resources of the project (alias: ls)"})
				return ExitOK
			}
		}
		g.Errorf("unknown command %q", args[0])
		printUsage(g.Stderr)
		return ExitLoadFailed
	}
	printUsage(g.Stdout)
	return ExitOK
}
