package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gdbt-dev/gdbt/microbatch"
	"github.com/gdbt-dev/gdbt/parsestate"
)

// The flag table: every flag dbt-core 1.10 accepts, with the commands that take it, its
// DBT_ environment variable and whether the project's `flags:` block may set it. It is
// transcribed from dbt-core's dbt/cli/params.py (names, envvars, defaults, choices) and
// dbt/cli/main.py (which command carries which option); the ProjectFlags list is
// dbt/contracts/project.py. To add a flag, add a row: parsing, the environment, the
// project's flags:, `gdbt <command> --help` and the CLI tests all read this table.

type flagKind int

const (
	flagBool   flagKind = iota // --x / --no-x (when neg), or --x=true|false
	flagString                 // one value (the next argument or after =)
	flagInt                    // one integer value
	flagMulti                  // one or more values up to the next flag; repeatable (dbt's MultiOption)
)

// Command groups, as dbt/cli/main.py decorates its commands ("" in a row means every
// command: dbt's global_flags).
const (
	cmdsSelect     = "build clone compile ls list run seed show snapshot source test docs"
	cmdsThreads    = "build clone compile parse retry run run-operation seed show snapshot source test docs"
	cmdsTargetPath = "build clean clone compile docs ls list parse retry run run-operation seed show snapshot source test"
	cmdsFullRef    = "build clone compile retry run seed show"
	cmdsEmpty      = "build compile run snapshot"
	cmdsResType    = "build clone ls list test"
	cmdsAll        = ""
)

// flagDef is one row of the table.
type flagDef struct {
	name    string   // long name without --
	short   string   // one-letter names (each byte one), or ""
	kind    flagKind //
	arg     string   // value placeholder in help
	env     string   // dbt's environment variable ("" when dbt has none)
	gdbtEnv string   // a GDBT_ alias the README documents (read before env)
	// oldEnv is dbt's deprecated variable for the flag (params.py's hidden deprecated_*
	// options), read after env; for DBT_NO_PRINT its value means the opposite.
	oldEnv  string
	aliases []string // other long names with the same meaning (--models, --resource-types)
	neg     bool     // a --no-<name> form exists (dbt's "--x/--no-x")
	negs    []string // further names that mean --no-<name> (gdbt's --no-color)
	project bool     // settable under flags: in dbt_project.yml (dbt's ProjectFlags)
	cmds    string   // space-separated commands taking the flag; "" = every command
	def     string   // the default shown in help ("" none)
	choices []string // allowed values (case-insensitive, as click.Choice)
	help    string
	// noop, when set, says why the flag changes nothing in gdbt (dbt's own machinery):
	// it is accepted and --help shows the reason.
	noop string
	// set stores a resolved value into Globals' typed fields (nil: the value is only
	// kept by name, read with Globals.Flag*). Bool values arrive as "true"/"false".
	set func(g *Globals, v string) error
}

// flagTable is every flag; help lists a command's flags in this order.
var flagTable = []flagDef{
	// Where the project is and what it runs against.
	{name: "project-dir", kind: flagString, arg: "DIR", env: "DBT_PROJECT_DIR", def: ".", help: "the project folder", set: func(g *Globals, v string) error { g.ProjectDir = v; return nil }},
	{name: "profiles-dir", kind: flagString, arg: "DIR", env: "DBT_PROFILES_DIR", gdbtEnv: "GDBT_PROFILES_DIR", help: "where profiles.yml is (default: the project folder, then ~/.dbt)", set: func(g *Globals, v string) error { g.ProfilesDir = v; return nil }},
	{name: "profile", kind: flagString, arg: "NAME", env: "DBT_PROFILE", help: "the profile to use instead of the project's", set: func(g *Globals, v string) error { g.Profile = v; return nil }},
	{name: "target", short: "t", kind: flagString, arg: "NAME", env: "DBT_TARGET", help: "the profile target to use", set: func(g *Globals, v string) error { g.Target = v; return nil }},
	{name: "vars", kind: flagString, arg: "YAML", help: "variables as a YAML or JSON mapping", set: func(g *Globals, v string) error { g.Vars = v; return nil }},
	{name: "target-path", kind: flagString, arg: "DIR", env: "DBT_TARGET_PATH", cmds: cmdsTargetPath, help: "where artifacts go (default: the project's target-path)", set: func(g *Globals, v string) error { g.TargetPath = v; return nil }},
	{name: "threads", kind: flagInt, arg: "N", cmds: cmdsThreads, help: "how many nodes run at once (default: the profile's)", set: func(g *Globals, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("--threads must be a positive integer, got %q", v)
		}
		g.Threads = n
		return nil
	}},

	// Selection.
	{name: "select", short: "sm", kind: flagMulti, arg: "SPEC...", aliases: []string{"models", "model"}, cmds: cmdsSelect, help: "nodes to include (dbt selection syntax); -m/--models is an alias", set: func(g *Globals, v string) error { g.Select = append(g.Select, v); return nil }},
	{name: "exclude", kind: flagMulti, arg: "SPEC...", cmds: cmdsSelect, help: "nodes to exclude", set: func(g *Globals, v string) error { g.Exclude = append(g.Exclude, v); return nil }},
	{name: "selector", kind: flagString, arg: "NAME", cmds: cmdsSelect, help: "a selector from selectors.yml", set: func(g *Globals, v string) error { g.Selector = v; return nil }},
	{name: "resource-type", kind: flagMulti, arg: "TYPE...", env: "DBT_RESOURCE_TYPES", aliases: []string{"resource-types"}, cmds: cmdsResType, help: "keep only these resource types",
		choices: []string{"metric", "semantic_model", "saved_query", "source", "analysis", "model", "test", "unit_test", "exposure", "snapshot", "seed", "default", "all"}},
	{name: "exclude-resource-type", kind: flagMulti, arg: "TYPE...", env: "DBT_EXCLUDE_RESOURCE_TYPES", aliases: []string{"exclude-resource-types"}, cmds: cmdsResType, help: "leave out these resource types",
		choices: []string{"metric", "semantic_model", "saved_query", "source", "analysis", "model", "test", "unit_test", "exposure", "snapshot", "seed", "default"}},
	{name: "indirect-selection", kind: flagString, arg: "MODE", env: "DBT_INDIRECT_SELECTION", project: true, def: "eager", choices: []string{"eager", "cautious", "buildable", "empty"}, help: "which tests of selected nodes are selected too", set: func(g *Globals, v string) error { g.Indirect = v; return nil }},

	// State and deferral (Slim CI).
	{name: "state", kind: flagString, arg: "DIR", env: "DBT_STATE", oldEnv: "DBT_ARTIFACT_STATE_PATH", help: "artifacts of another run, for state: and result: selectors and --defer", set: func(g *Globals, v string) error { g.State = v; return nil }},
	{name: "defer", kind: flagBool, neg: true, env: "DBT_DEFER", oldEnv: "DBT_DEFER_TO_STATE", help: "refs to unselected nodes that are not built in the target read the --state manifest's relations", set: func(g *Globals, v string) error { g.Defer = v == "true"; return nil }},
	{name: "defer-state", kind: flagString, arg: "DIR", env: "DBT_DEFER_STATE", help: "the state folder for --defer only (default --state)", set: func(g *Globals, v string) error { g.DeferState = v; return nil }},
	{name: "favor-state", kind: flagBool, neg: true, env: "DBT_FAVOR_STATE", oldEnv: "DBT_FAVOR_STATE_MODE", help: "with --defer, read the state's relations even where the target has the node", set: func(g *Globals, v string) error { g.Favor = v == "true"; return nil }},

	// What a run does.
	{name: "full-refresh", short: "f", kind: flagBool, env: "DBT_FULL_REFRESH", cmds: cmdsFullRef, help: "rebuild incremental models and seeds from scratch", set: func(g *Globals, v string) error { g.FullRefresh = v == "true"; return nil }},
	{name: "event-time-start", kind: flagString, arg: "TIME", env: "DBT_EVENT_TIME_START", cmds: "build run", help: "microbatch models build from this date or date-time (UTC), with --event-time-end",
		set: func(g *Globals, v string) error { return parseEventTime(&g.EventTimeStart, "--event-time-start", v) }},
	{name: "event-time-end", kind: flagString, arg: "TIME", env: "DBT_EVENT_TIME_END", cmds: "build run", help: "microbatch models build up to this date or date-time (UTC), with --event-time-start",
		set: func(g *Globals, v string) error { return parseEventTime(&g.EventTimeEnd, "--event-time-end", v) }},
	{name: "sample", kind: flagString, arg: "WINDOW", env: "DBT_SAMPLE", cmds: "build run", help: "sample mode (dbt 1.10): refs and sources with an event_time read only this window, \"3 days\" back from now or {start: TIME, end: TIME}",
		set: func(g *Globals, v string) (err error) {
			g.Sample, err = microbatch.ParseSample(v, time.Now())
			if err != nil {
				err = fmt.Errorf("--sample: %w", err)
			}
			return err
		}},
	{name: "fail-fast", short: "x", kind: flagBool, neg: true, env: "DBT_FAIL_FAST", project: true, help: "stop at the first failure", set: func(g *Globals, v string) error { g.FailFast = v == "true"; return nil }},
	{name: "empty", kind: flagBool, neg: true, env: "DBT_EMPTY", cmds: cmdsEmpty, help: "limit every ref and source to zero rows", set: func(g *Globals, v string) error { g.Empty = v == "true"; return nil }},
	{name: "store-failures", kind: flagBool, env: "DBT_STORE_FAILURES", cmds: "build test", help: "tests store their failing rows in the audit schema", set: func(g *Globals, v string) error { g.StoreFailures = v == "true"; return nil }},
	{name: "lock", kind: flagBool, neg: true, env: "GDBT_LOCK", def: "true", cmds: "build retry run seed snapshot test", help: "hold the target schema's run lock (PostgreSQL advisory lock) so two runs into one schema wait for each other; --no-lock runs regardless"},
	{name: "show", kind: flagBool, cmds: "build seed", help: "print a sample of each loaded seed's rows"},
	{name: "warn-error", kind: flagBool, env: "DBT_WARN_ERROR", project: true, help: "every warning is an error (the command fails)", set: func(g *Globals, v string) error { g.WarnError = v == "true"; return nil }},
	{name: "warn-error-options", kind: flagString, arg: "YAML", env: "DBT_WARN_ERROR_OPTIONS", project: true, def: "{}", help: "which warnings are errors: {error: all|[EventName…], warn: […], silence: […]}", set: func(g *Globals, v string) error { return g.setWarnErrorOptions(v) }},
	{name: "write-json", kind: flagBool, neg: true, env: "DBT_WRITE_JSON", project: true, def: "true", help: "write manifest.json and run_results.json", set: func(g *Globals, v string) error { g.NoWriteJSON = v != "true"; return nil }},
	{name: "version-check", kind: flagBool, neg: true, env: "DBT_VERSION_CHECK", project: true, def: "true", help: "fail when require-dbt-version excludes the dbt version gdbt implements", set: func(g *Globals, v string) error { g.NoVersionCheck = v != "true"; return nil }},
	{name: "print", kind: flagBool, neg: true, env: "DBT_PRINT", oldEnv: "DBT_NO_PRINT", def: "true", help: "show {{ print() }} output", set: func(g *Globals, v string) error { g.NoPrint = v != "true"; return nil }},

	// Logging.
	{name: "log-format", kind: flagString, arg: "FORMAT", env: "DBT_LOG_FORMAT", project: true, def: "default", choices: []string{"text", "debug", "json", "default"}, help: "console (and log file) format: json is dbt's structured events", set: func(g *Globals, v string) error { g.LogFormat = logFormatOf(v); return nil }},
	{name: "log-format-file", kind: flagString, arg: "FORMAT", env: "DBT_LOG_FORMAT_FILE", project: true, def: "debug", choices: []string{"text", "debug", "json", "default"}, help: "log file format", set: func(g *Globals, v string) error { g.LogFormatFile = logFormatOf(v); return nil }},
	{name: "log-level", kind: flagString, arg: "LEVEL", env: "DBT_LOG_LEVEL", project: true, def: "info", choices: []string{"debug", "info", "warn", "error", "none"}, help: "least severe console (and log file) events shown", set: func(g *Globals, v string) error { g.LogLevel = v; return nil }},
	{name: "log-level-file", kind: flagString, arg: "LEVEL", env: "DBT_LOG_LEVEL_FILE", project: true, def: "debug", choices: []string{"debug", "info", "warn", "error", "none"}, help: "least severe log file events written", set: func(g *Globals, v string) error { g.LogLevelFile = v; return nil }},
	{name: "log-path", kind: flagString, arg: "DIR", env: "DBT_LOG_PATH", help: "folder of gdbt.log, from the current folder (default: the project's log-path, logs/)", set: func(g *Globals, v string) error { g.LogPath = absOr(v); return nil }},
	{name: "debug", short: "d", kind: flagBool, neg: true, env: "DBT_DEBUG", project: true, help: "debug events on the console (every SQL statement, timings)", set: func(g *Globals, v string) error { g.DebugFlag = v == "true"; return nil }},
	{name: "quiet", short: "q", kind: flagBool, neg: true, env: "DBT_QUIET", help: "print errors and command output only", set: func(g *Globals, v string) error { g.Quiet = v == "true"; return nil }},
	{name: "use-colors", kind: flagBool, neg: true, negs: []string{"no-color"}, env: "DBT_USE_COLORS", project: true, def: "true", help: "ANSI colours on a terminal", set: func(g *Globals, v string) error { g.NoColor = v != "true"; return nil }},
	{name: "use-colors-file", kind: flagBool, neg: true, env: "DBT_USE_COLORS_FILE", project: true, def: "true", help: "ANSI colours in the log file", noop: "gdbt's log file is never coloured"},
	{name: "printer-width", kind: flagInt, arg: "N", env: "DBT_PRINTER_WIDTH", project: true, def: "80", help: "width of the dotted status lines", set: func(g *Globals, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("--printer-width must be a positive integer, got %q", v)
		}
		g.PrinterWidth = n
		return nil
	}},
	{name: "log-cache-events", kind: flagBool, neg: true, env: "DBT_LOG_CACHE_EVENTS", help: "log relation cache events", noop: "gdbt's relation cache logs nothing"},
	{name: "log-file-max-bytes", kind: flagInt, arg: "N", env: "DBT_LOG_FILE_MAX_BYTES", def: "10485760", help: "log file size before rolling over", noop: "gdbt.log is appended to, never rolled"},
	{name: "record-timing-info", short: "r", kind: flagString, arg: "FILE", help: "write Python profiling stats", noop: "use GDBT_CPUPROFILE=FILE for a Go CPU profile"},
	{name: "show-all-deprecations", kind: flagBool, neg: true, help: "show every deprecation warning, not one per kind", noop: "gdbt shows every deprecation warning"},

	// dbt's own machinery: accepted, changing nothing in gdbt.
	{name: "partial-parse", kind: flagBool, neg: true, env: "DBT_PARTIAL_PARSE", project: true, def: "true", help: "re-parse only the files whose inputs changed since the last parse (state in target/" + parsestate.FileName + ")"},
	{name: "partial-parse-file-diff", kind: flagBool, neg: true, env: "DBT_PARTIAL_PARSE_FILE_DIFF", def: "true", help: "file diff for partial parsing", noop: "gdbt always compares file contents"},
	{name: "partial-parse-file-path", kind: flagString, arg: "FILE", env: "DBT_PARTIAL_PARSE_FILE_PATH", help: "where the partial-parsing state is kept (default target/" + parsestate.FileName + ")"},
	{name: "static-parser", kind: flagBool, neg: true, env: "DBT_STATIC_PARSER", project: true, def: "true", help: "dbt's static SQL parser", noop: "gdbt renders every model with its own Jinja engine"},
	{name: "use-experimental-parser", kind: flagBool, neg: true, env: "DBT_USE_EXPERIMENTAL_PARSER", project: true, help: "dbt's experimental parser", noop: "gdbt has one parser"},
	{name: "send-anonymous-usage-stats", kind: flagBool, neg: true, env: "DBT_SEND_ANONYMOUS_USAGE_STATS", project: true, def: "true", help: "anonymous usage statistics", noop: "gdbt sends nothing anywhere"},
	{name: "populate-cache", kind: flagBool, neg: true, env: "DBT_POPULATE_CACHE", project: true, def: "true", help: "fill the relation cache at start", noop: "gdbt's relation cache fills a schema on first use"},
	{name: "cache-selected-only", kind: flagBool, neg: true, env: "DBT_CACHE_SELECTED_ONLY", project: true, help: "cache only the schemas of selected nodes", noop: "gdbt's relation cache fills a schema on first use"},
	{name: "macro-debugging", kind: flagBool, neg: true, env: "DBT_MACRO_DEBUGGING", help: "dbt's macro debugger", noop: "errors name the macro call stack already"},
	{name: "single-threaded", kind: flagBool, neg: true, env: "DBT_SINGLE_THREADED", help: "dbt's test-only mode", noop: "use --threads 1"},
	{name: "use-fast-test-edges", kind: flagBool, neg: true, env: "DBT_USE_FAST_TEST_EDGES", help: "dbt's build graph optimisation", noop: "gdbt's graph is built the same way either way"},
	{name: "upload-to-artifacts-ingest-api", kind: flagBool, neg: true, env: "DBT_UPLOAD_TO_ARTIFACTS_INGEST_API", help: "upload artifacts to dbt Cloud", noop: "gdbt uploads nothing"},
	{name: "introspect", kind: flagBool, neg: true, env: "DBT_INTROSPECT", cmds: "compile show", def: "true", help: "run introspective queries while compiling", noop: "gdbt compile renders offline; introspective queries are refused by name"},
	{name: "export-saved-queries", kind: flagBool, neg: true, env: "DBT_EXPORT_SAVED_QUERIES", cmds: "build", help: "export saved queries", noop: "gdbt has no saved queries"},

	// Command flags.
	{name: "output", short: "o", kind: flagString, arg: "FORMAT", cmds: "ls list", def: "selector", choices: []string{"json", "name", "path", "selector"}, help: "ls output: selector, name, path or json"},
	{name: "output", short: "o", kind: flagString, arg: "FORMAT", cmds: "compile show", def: "text", choices: []string{"json", "text"}, help: "compile/show output: text or json"},
	{name: "output", short: "o", kind: flagString, arg: "FILE", cmds: "source", help: "where sources.json goes (default target/sources.json)"},
	{name: "output-keys", kind: flagMulti, arg: "KEY...", cmds: "ls list", help: "node properties in --output json"},
	{name: "inline", kind: flagString, arg: "SQL", cmds: "compile show", help: "compile (or show) this SQL in the project's context"},
	{name: "compile", kind: flagBool, neg: true, cmds: "docs", def: "true", help: "docs generate: compile every node first"},
	{name: "empty-catalog", kind: flagBool, cmds: "docs", help: "docs generate: write catalog.json without querying the warehouse"},
	{name: "static", kind: flagBool, cmds: "docs", help: "docs generate: a single static_index.html", noop: "gdbt's site in target/docs is always static and opens from file://"},
	{name: "port", kind: flagInt, arg: "N", cmds: "docs", def: "8080", help: "docs serve: the port"},
	{name: "host", kind: flagString, arg: "HOST", env: "DBT_HOST", cmds: "docs", def: "127.0.0.1", help: "docs serve: the address to listen on"},
	{name: "browser", kind: flagBool, neg: true, cmds: "docs", def: "false", help: "docs serve: open a web browser (dbt's default is to open one; gdbt opens none unless asked)"},
	{name: "limit", kind: flagInt, arg: "N", cmds: "show", def: "5", help: "rows shown (-1: all)"},
	{name: "args", kind: flagString, arg: "YAML", cmds: "run-operation", help: "the macro's keyword arguments as a YAML mapping"},
	{name: "write-manifest", kind: flagBool, neg: true, cmds: "parse", def: "true", help: "write target/manifest.json"},
	{name: "clean-project-files-only", kind: flagBool, neg: true, env: "DBT_CLEAN_PROJECT_FILES_ONLY", cmds: "clean", def: "true", help: "refuse to delete clean-targets outside the project"},
	{name: "delete-databases", kind: flagBool, cmds: "clean", help: "also delete database files under the clean-targets (gdbt keeps them by default)"},
	{name: "config-dir", kind: flagBool, cmds: "debug", help: "print where profiles.yml is looked for, then exit"},
	{name: "connection", kind: flagBool, cmds: "debug", help: "test the connection only"},
	{name: "upgrade", kind: flagBool, cmds: "deps", help: "upgrade packages to the latest version"},
	{name: "lock", kind: flagBool, cmds: "deps", help: "write package-lock.yml without installing"},
	{name: "add-package", kind: flagString, arg: "NAME@VERSION", cmds: "deps", help: "add a package to packages.yml (then install)"},
	{name: "source", kind: flagString, arg: "SOURCE", cmds: "deps", def: "hub", choices: []string{"hub", "git", "local"}, help: "where --add-package's package comes from"},
	{name: "skip-profile-setup", short: "s", kind: flagBool, cmds: "init", help: "do not write a profile"},
	{name: "adapter", kind: flagString, arg: "TYPE", cmds: "init", def: "duckdb", choices: []string{"duckdb", "postgres", "snowflake"}, help: "the profile's adapter type (gdbt: dbt init asks for it)"},

	{name: "help", short: "h", kind: flagBool, help: "show this help", set: func(g *Globals, v string) error { g.Help = v == "true"; return nil }},
	{name: "version", short: "vV", kind: flagBool, help: "print the version and exit", set: func(g *Globals, v string) error { g.Version = v == "true"; return nil }},
}

// logFormatOf maps dbt's --log-format choices to gdbt's two: json, or text (dbt's
// "default", "text" and "debug" differ only in the timestamp prefix).
func logFormatOf(v string) string {
	if v == "json" {
		return "json"
	}
	return "text"
}
