// Package compiler turns a dbt project directory into a manifest and compiled SQL, and at
// run time renders and executes a node's materialization against a warehouse adapter.
//
// CONTRACT FILE: the exported names below are what cmd/gdbt and the runner code against.
// Signatures are fixed; fields and functions may be added; stub bodies get replaced.
package compiler

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/microbatch"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// Options are the command-line inputs that shape loading (dbt's global flags).
type Options struct {
	ProjectDir  string // default "."
	ProfilesDir string // "" means: DBT_PROFILES_DIR / GDBT_PROFILES_DIR, then ProjectDir, then ~/.dbt
	Profile     string // overrides the project's profile name
	Target      string // overrides the profile's default target
	Vars        string // --vars as a YAML or JSON string
	FullRefresh bool
	Empty       bool // --empty: every ref and source limited to zero rows
	// Sample is dbt 1.10's --sample window (run and build): a model's or snapshot's
	// refs and sources with an event_time read only its rows (batch.go).
	Sample  *microbatch.Sample
	Threads int // 0: from the profile
	// Warn receives warnings (unknown YAML keys, deprecated forms) as "file:line:col: msg".
	Warn func(msg string)
	// Which is the command being run ("run", "build", "test", "compile", …), for
	// {{ flags.WHICH }}; "" means "run".
	Which string
	// StoreFailures is --store-failures (tests keep their failing rows in a table).
	StoreFailures bool
	// Log receives {{ log(msg, info=…) }} and {{ print(msg) }} output, secrets redacted;
	// info=False messages are debug-level. nil drops log() and prints print() to stdout.
	Log func(msg string, info bool)
	// Defer is dbt's --defer: refs to nodes not built in the target read the relation
	// MergeFromArtifact recorded; FavorState (--favor-state) prefers it for every
	// unselected node.
	Defer, FavorState bool
	// SQLLog, when set, receives every statement executed through the dbt context
	// (statement, run_query, adapter calls) with its node, duration and rows.
	SQLLog func(SQLEvent)
	// Progress, when set, receives what a materialization reports of its own progress
	// through {{ gdbt_progress(step, total, loss=…) }} (the logistic regression: each scan's
	// loss), so the runner's live line and heartbeat can show it.
	Progress func(ProgressEvent)
	// NoPrint is dbt's --no-print: {{ print() }} output is dropped.
	NoPrint bool
	// Flags are the resolved command-line flags under dbt's upper-case names, for
	// {{ flags.X }}; they override the defaults flagsDict gives.
	Flags map[string]any
	// Dialect builds the target engine's SQL dialect without a connection (cmd/gdbt passes
	// warehouse/adapters.Dialect), so offline compiles render what runs render; nil, or an
	// error, falls back to a generic dialect.
	Dialect func(typ, database, schema string) (warehouse.Dialect, error)
	// ParseCache, when set, lets Load reuse the parse of files whose inputs did not change
	// (partial parsing; package parsestate implements it). nil parses everything.
	ParseCache ParseCache
	// NoCompile says no node of the project will be compiled or run (gdbt parse, ls): Load
	// then keeps the nodes themselves where it otherwise keeps load-time copies for renders
	// to read while workers write compiled code into the nodes (25 MB, an eighth of the
	// live heap, at 10,000 models).
	NoCompile bool
}

// Project is a loaded and parsed project: its configuration, the resolved target and the
// manifest. Safe for concurrent Compile/Execute calls from the runner's workers.
type Project struct {
	Dir      string
	Name     string
	Manifest *manifest.Manifest
	Target   Target
	// Profile says where Target came from; the CLI announces the zero-config DuckDB from it.
	Profile ProfileInfo
	// SelectedResources are the unique ids the run selected ({{ selected_resources }});
	// the runner sets it before executing.
	SelectedResources []string
	// Private: the Jinja environment, macro registry, loaded files, … (compiler's own).
	impl *projectImpl
}

// Target is the resolved profile target: type ("duckdb", "postgres", "snowflake"), the
// profile and target names, and the raw fields (path, host, schema, threads, …) with
// env_var() already rendered.
type Target struct {
	ProfileName string
	Name        string
	Type        string
	Schema      string
	Database    string
	Threads     int
	Fields      map[string]any
}

// Errors is every load or compile error, sorted by file, line, column. Error() prints one
// "path:line:col: message" per line (with the macro call stack when there is one).
type Errors []*Error

// Error is one positioned error.
type Error struct {
	File  string // relative to the project dir
	Line  int
	Col   int
	Msg   string
	Stack []string // "in macro x (macros/y.sql:3:5) called from models/z.sql:10:2"
}

// Load reads the project, its profile, packages and every file, parses all of it and builds
// the manifest (with parent/child maps, cycles reported as errors). It never connects to a
// warehouse. Errors are returned as Errors.
func Load(opts Options) (p *Project, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, Errors{{Msg: fmt.Sprintf("internal error while loading the project: %v", r)}}
		}
	}()
	return load(opts)
}

// Compile renders one node's SQL with execute=True (ephemeral parents injected as CTEs),
// stores it in n.CompiledCode and returns it. a may be nil for an offline compile, in which
// case warehouse-facing calls behave as dbt's parse-time providers do.
func (p *Project) Compile(ctx context.Context, a warehouse.Adapter, n *manifest.Node) (sql string, err error) {
	defer recoverInto(&err, n)
	return p.impl.compile(ctx, a, n)
}

// recoverInto turns a panic below the package boundary into an error naming the node.
func recoverInto(err *error, n *manifest.Node) {
	if r := recover(); r != nil {
		where := ""
		if n != nil {
			where = n.OriginalFilePath
		}
		*err = Errors{{File: where, Msg: fmt.Sprintf("internal error: %v", r)}}
	}
}

// Result is what executing one node did.
type Result struct {
	CompiledCode string
	// RunSQL is the materialization's main statement as it was sent to the warehouse (the
	// CREATE … AS, INSERT or MERGE that builds the node; a test's wrapped query), several
	// joined with ";\n\n" when the macro ran more than one: what dbt writes under
	// target/run/. It is set even when the statement failed, so the file shows what broke.
	RunSQL   string
	Response warehouse.Response
	// Tests only: the number of failing rows and the verdict under the node's severity,
	// warn_if and error_if.
	Failures    int64
	ShouldWarn  bool
	ShouldError bool
	// Relations the materialization reported as created (dbt's {'relations': [...]}).
	Relations []warehouse.Relation
	// CompileStarted and CompileCompleted bound the compile step, which run_results.json
	// reports apart from the execute step, as dbt's timing list does.
	CompileStarted, CompileCompleted time.Time
}

// Execute compiles n and runs its materialization macro against a (the runner supplies the
// adapter and the per-run relation cache through a). The main statement the macro ran is
// Result.RunSQL, which the caller writes into target/run/….
func (p *Project) Execute(ctx context.Context, a warehouse.Adapter, n *manifest.Node) (res *Result, err error) {
	defer recoverInto(&err, n)
	return p.impl.execute(ctx, a, n)
}

// RunOperation calls a macro by name with keyword arguments (gdbt run-operation), returning
// its return value converted to plain Go.
func (p *Project) RunOperation(ctx context.Context, a warehouse.Adapter, macro string, args map[string]any) (v any, err error) {
	defer recoverInto(&err, nil)
	return p.impl.runOperation(ctx, a, macro, args)
}

// OperationMacroID is the unique id (macro.<package>.<name>) of the macro run-operation
// would call for macro, which dbt records as the operation's result in run_results.json;
// false when there is none.
func (p *Project) OperationMacroID(macro string) (string, bool) {
	if md := p.impl.operationMacro(macro); md != nil && md.m != nil {
		return md.uniqueID(), true
	}
	return "", false
}

// RunHooks renders and executes the project's on-run-start or on-run-end hooks
// (which is "on-run-start" or "on-run-end"); results is the run's results for on-run-end.
func (p *Project) RunHooks(ctx context.Context, a warehouse.Adapter, which string, results []any) (err error) {
	defer recoverInto(&err, nil)
	return p.impl.runHooks(ctx, a, which, results)
}

// CompileInline compiles a snippet of SQL with Jinja in the project's context
// (gdbt compile --inline, gdbt show --inline). Refs in it are resolved against the manifest.
func (p *Project) CompileInline(ctx context.Context, a warehouse.Adapter, sql string) (out string, err error) {
	defer recoverInto(&err, nil)
	return p.impl.compileInline(ctx, a, sql)
}

// Schemas lists the distinct database/schema pairs that the manifest's models, seeds,
// snapshots and (store_failures) tests build into, sorted: the runner creates them before a
// run, as dbt does, because materializations assume their schema exists.
func (p *Project) Schemas() []warehouse.Relation {
	seen := map[[2]string]bool{}
	var out []warehouse.Relation
	for _, n := range p.Manifest.Nodes {
		switch n.ResourceType {
		case manifest.Model, manifest.Seed, manifest.Snapshot, manifest.Test:
		default:
			continue
		}
		if n.ResourceType == manifest.Model && n.Materialized() == "ephemeral" {
			continue
		}
		k := [2]string{n.Database, n.Schema}
		if !seen[k] {
			seen[k] = true
			out = append(out, warehouse.Relation{Database: n.Database, Schema: n.Schema})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Database != out[j].Database {
			return out[i].Database < out[j].Database
		}
		return out[i].Schema < out[j].Schema
	})
	return out
}
