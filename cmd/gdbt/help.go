package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler"
)

// printUsage writes the command list and the global flags.
func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: gdbt [flags] <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		if c.summary == "" {
			continue
		}
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	_, global := commandFlags("")
	fmt.Fprintln(w, "\nflags of every command (before or after it):")
	writeFlags(w, global)
	fmt.Fprintln(w, "\n'gdbt <command> --help' lists that command's own flags.")
}

// printCommandHelp writes one command's summary, its own flags and the global ones, each
// with its environment variable, as `dbt <command> --help` does.
func printCommandHelp(w io.Writer, c command) {
	fmt.Fprintf(w, "usage: gdbt %s [flags]\n\n%s\n", c.name, c.summary)
	own, global := commandFlags(c.name)
	if len(own) > 0 {
		fmt.Fprintf(w, "\nflags of gdbt %s:\n", c.name)
		writeFlags(w, own)
	}
	fmt.Fprintln(w, "\nflags of every command:")
	writeFlags(w, global)
	fmt.Fprintln(w, "\nA flag's value comes from the command line, else its environment variable, else the\nproject's flags: block (where marked), else the default.")
}

// writeFlags writes one line per flag: names, help, default, environment variable, and,
// for flags of dbt's own machinery, why gdbt ignores them.
func writeFlags(w io.Writer, defs []*flagDef) {
	for _, d := range defs {
		var names []string
		for _, s := range d.short {
			names = append(names, "-"+string(s))
		}
		long := "--" + d.name
		if d.neg {
			long += " / --no-" + d.name
		}
		names = append(names, long)
		for _, a := range d.aliases {
			names = append(names, "--"+a)
		}
		for _, n := range d.negs {
			names = append(names, "--"+n)
		}
		head := strings.Join(names, ", ")
		if d.takesValue() {
			head += " " + d.arg
		}
		text := d.help
		if len(d.choices) > 0 && d.arg != "TYPE..." {
			text += " (" + strings.Join(d.choices, "|") + ")"
		}
		if d.def != "" {
			text += "; default " + d.def
		}
		var extra []string
		if d.gdbtEnv != "" {
			extra = append(extra, "env "+d.gdbtEnv)
		}
		if d.env != "" {
			extra = append(extra, "env "+d.env)
		}
		if d.oldEnv != "" {
			extra = append(extra, "or the deprecated "+d.oldEnv)
		}
		if d.project {
			extra = append(extra, "flags: "+strings.ReplaceAll(d.name, "-", "_"))
		}
		if len(extra) > 0 {
			text += " [" + strings.Join(extra, ", ") + "]"
		}
		if d.noop != "" {
			text += " (accepted; no effect: " + d.noop + ")"
		}
		fmt.Fprintf(w, "  %-44s %s\n", head, text)
	}
}

// buildVersion is gdbt's version: the -ldflags "-X main.version=…" a release sets, else
// the module version `go install …@vX` records, else the VCS revision the Go toolchain
// stamps into binaries built from a checkout (-dirty with local changes).
func buildVersion() string {
	if version != "dev" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return strings.TrimPrefix(v, "v")
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "(devel)"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		rev += "-dirty"
	}
	return "0.0.0-" + rev
}

// printVersion writes the version block: gdbt's own, the dbt-core version it follows,
// and its adapters' driver versions from the build info (dbt --version's layout).
func printVersion(w io.Writer) {
	fmt.Fprintf(w, "gdbt version %s (dbt-compatible %s)\n", buildVersion(), compiler.DbtVersion)
	fmt.Fprintf(w, "Core:\n  - installed: %s\n", compiler.DbtVersion)
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	drivers := map[string]string{"duckdb": "github.com/duckdb/duckdb-go/v2", "postgres": "github.com/jackc/pgx/v5", "snowflake": "github.com/snowflakedb/gosnowflake"}
	fmt.Fprintln(w, "Plugins:")
	for _, name := range []string{"duckdb", "postgres", "snowflake"} {
		for _, dep := range bi.Deps {
			if dep.Path == drivers[name] {
				fmt.Fprintf(w, "  - %s: built in (%s %s)\n", name, dep.Path, dep.Version)
			}
		}
	}
	fmt.Fprintf(w, "Go: %s\n", bi.GoVersion)
}
