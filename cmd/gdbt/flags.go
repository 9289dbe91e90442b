package main

import (
	"fmt"
	"strconv"
	"strings"
)

// Flag parsing is dbt's: global flags may come before or after the subcommand; a flag's
// value is the next argument or follows "="; -s/--select and --exclude take every
// following argument up to the next flag (dbt's nargs='+'), and may be repeated.
// Arguments the global table does not know are passed on, in order, to the command,
// which parses its own flags with parseFlags.

type flagKind int

const (
	flagBool flagKind = iota
	flagString
	flagInt
	flagMulti // one or more values up to the next flag; repeatable
	flagList  // one value; repeatable
)

// flagSpec describes one flag.
type flagSpec struct {
	name  string // long name without --
	short string // one letter without -, or ""
	kind  flagKind
	arg   string // value placeholder for help
	help  string
	set   func(g *Globals, v string) error
}

// globalFlags is every flag dbt accepts globally.
var globalFlags = []flagSpec{
	{"project-dir", "", flagString, "DIR", "the project folder (default .)", func(g *Globals, v string) error { g.ProjectDir = v; return nil }},
	{"profiles-dir", "", flagString, "DIR", "where profiles.yml is (default: env, project, ~/.dbt)", func(g *Globals, v string) error { g.ProfilesDir = v; return nil }},
	{"profile", "", flagString, "NAME", "the profile to use instead of the project's", func(g *Globals, v string) error { g.Profile = v; return nil }},
	{"target", "t", flagString, "NAME", "the profile target to use", func(g *Globals, v string) error { g.Target = v; return nil }},
	{"vars", "", flagString, "YAML", "variables as a YAML or JSON mapping", func(g *Globals, v string) error { g.Vars = v; return nil }},
	{"select", "s", flagMulti, "SPEC...", "nodes to include (dbt selection syntax)", func(g *Globals, v string) error { g.Select = append(g.Select, v); return nil }},
	{"models", "m", flagMulti, "SPEC...", "alias of --select", func(g *Globals, v string) error { g.Select = append(g.Select, v); return nil }},
	{"exclude", "", flagMulti, "SPEC...", "nodes to exclude", func(g *Globals, v string) error { g.Exclude = append(g.Exclude, v); return nil }},
	{"selector", "", flagString, "NAME", "a selector from selectors.yml", func(g *Globals, v string) error { g.Selector = v; return nil }},
	{"threads", "", flagInt, "N", "how many nodes run at once", func(g *Globals, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("--threads must be a positive integer, got %q", v)
		}
		g.Threads = n
		return nil
	}},
	{"log-format", "", flagString, "text|json", "console output format", func(g *Globals, v string) error {
		switch v {
		case "text", "json", "default", "debug":
			if v != "json" {
				v = "text"
			}
			g.LogFormat = v
			return nil
		}
		return fmt.Errorf("--log-format must be text or json, got %q", v)
	}},
	{"log-level", "", flagString, "LEVEL", "debug, info, warn, error or none", func(g *Globals, v string) error {
		switch v {
		case "debug", "info", "warn", "error", "none":
			g.LogLevel = v
			return nil
		}
		return fmt.Errorf("--log-level must be debug, info, warn, error or none, got %q", v)
	}},
	{"debug", "d", flagBool, "", "same as --log-level debug", func(g *Globals, v string) error { g.LogLevel = "debug"; return nil }},
	{"no-color", "", flagBool, "", "no ANSI colours", func(g *Globals, v string) error { g.NoColor = true; return nil }},
	{"use-colors", "", flagBool, "", "ANSI colours on a terminal (default)", func(g *Globals, v string) error { g.NoColor = false; return nil }},
	{"quiet", "q", flagBool, "", "print errors and command output only", func(g *Globals, v string) error { g.Quiet = true; return nil }},
	{"full-refresh", "f", flagBool, "", "rebuild incremental models and seeds from scratch", func(g *Globals, v string) error { g.FullRefresh = true; return nil }},
	{"fail-fast", "x", flagBool, "", "stop at the first failure", func(g *Globals, v string) error { g.FailFast = true; return nil }},
	{"empty", "", flagBool, "", "limit every ref and source to zero rows", func(g *Globals, v string) error { g.Empty = true; return nil }},
	{"store-failures", "", flagBool, "", "tests store their failing rows in the audit schema", func(g *Globals, v string) error { g.StoreFailures = true; return nil }},
	{"state", "", flagString, "DIR", "artifacts of another run for state: and result: selectors", func(g *Globals, v string) error { g.State = v; return nil }},
	{"target-path", "", flagString, "DIR", "where artifacts go (default: the project's target-path)", func(g *Globals, v string) error { g.TargetPath = v; return nil }},
	{"defer", "", flagBool, "", "accepted for compatibility; not supported (ignored)", func(g *Globals, v string) error { g.Defer = true; return nil }},
	{"no-defer", "", flagBool, "", "accepted for compatibility", func(g *Globals, v string) error { g.Defer = false; return nil }},
	{"favor-state", "", flagBool, "", "accepted for compatibility; not supported (ignored)", func(g *Globals, v string) error { g.Favor = true; return nil }},
	{"help", "h", flagBool, "", "show usage", func(g *Globals, v string) error { g.Help = true; return nil }},
	{"version", "v", flagBool, "", "print the version", func(g *Globals, v string) error { g.Version = true; return nil }},
}

// lookupFlag finds a flag by its argument form ("--select", "-s"), returning the spec, an
// inline value (from --x=v) and whether one was given.
func lookupFlag(specs []flagSpec, arg string) (*flagSpec, string, bool) {
	var name, val string
	hasVal := false
	switch {
	case strings.HasPrefix(arg, "--"):
		name = arg[2:]
		if i := strings.IndexByte(name, '='); i >= 0 {
			name, val, hasVal = name[:i], name[i+1:], true
		}
		for i := range specs {
			if specs[i].name == name {
				return &specs[i], val, hasVal
			}
		}
	case strings.HasPrefix(arg, "-") && len(arg) >= 2:
		name = arg[1:2]
		if len(arg) > 2 {
			val, hasVal = strings.TrimPrefix(arg[2:], "="), true
		}
		for i := range specs {
			if specs[i].short != "" && specs[i].short == name {
				return &specs[i], val, hasVal
			}
		}
	}
	return nil, "", false
}

// isFlag reports whether an argument looks like a flag (and not a negative number or "-").
func isFlag(a string) bool {
	if len(a) < 2 || a[0] != '-' {
		return false
	}
	if _, err := strconv.ParseFloat(a, 64); err == nil {
		return false
	}
	return true
}

// parse consumes the global flags anywhere in args and returns what is left: the
// subcommand, its positional arguments and its own flags, in order. "--" ends flag
// parsing.
func (g *Globals) parse(args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if !isFlag(a) {
			rest = append(rest, a)
			continue
		}
		spec, val, hasVal := lookupFlag(globalFlags, a)
		if spec == nil {
			rest = append(rest, a) // the command's own flag
			continue
		}
		switch spec.kind {
		case flagBool:
			if hasVal && strings.HasPrefix(a, "--") {
				b, err := strconv.ParseBool(val)
				if err != nil {
					return nil, fmt.Errorf("--%s takes no value (or true/false), got %q", spec.name, val)
				}
				if !b {
					continue
				}
			} else if hasVal {
				return nil, fmt.Errorf("-%s takes no value", spec.short)
			}
			if err := spec.set(g, ""); err != nil {
				return nil, err
			}
		case flagMulti:
			n := 0
			if hasVal {
				if err := spec.set(g, val); err != nil {
					return nil, err
				}
				n++
			}
			for i+1 < len(args) && !isFlag(args[i+1]) && args[i+1] != "--" {
				// Before the subcommand, a command name ends the list: gdbt -s x run.
				if len(rest) == 0 && isCommand(args[i+1]) {
					break
				}
				i++
				if err := spec.set(g, args[i]); err != nil {
					return nil, err
				}
				n++
			}
			if n == 0 {
				return nil, fmt.Errorf("%s needs at least one value", a)
			}
		default:
			if !hasVal {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("%s needs a value", a)
				}
				i++
				val = args[i]
			}
			if err := spec.set(g, val); err != nil {
				return nil, err
			}
		}
	}
	if g.Defer || g.Favor {
		g.Warn("--defer and --favor-state are not supported by gdbt; ignored")
	}
	return rest, nil
}

// cmdFlag describes one flag of a single command for parseFlags.
type cmdFlag struct {
	name  string
	short string
	kind  flagKind
}

// parsedFlags holds a command's flag values by long name.
type parsedFlags struct {
	vals map[string][]string
	// Args are the positional arguments, in order.
	Args []string
}

// Str returns the last value of a string flag, or def.
func (p parsedFlags) Str(name, def string) string {
	if v := p.vals[name]; len(v) > 0 {
		return v[len(v)-1]
	}
	return def
}

// List returns every value of a repeatable flag.
func (p parsedFlags) List(name string) []string { return p.vals[name] }

// Bool reports whether a boolean flag was given.
func (p parsedFlags) Bool(name string) bool { return len(p.vals[name]) > 0 }

// Int returns an integer flag's value, or def; a malformed value is an error.
func (p parsedFlags) Int(name string, def int) (int, error) {
	s := p.Str(name, "")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("--%s must be an integer, got %q", name, s)
	}
	return n, nil
}

// parseFlags parses a command's own flags (what the global parser passed on). Unknown
// flags are an error naming the command.
func parseFlags(cmd string, args []string, specs []cmdFlag) (parsedFlags, error) {
	out := parsedFlags{vals: map[string][]string{}}
	gspecs := make([]flagSpec, len(specs))
	for i, s := range specs {
		gspecs[i] = flagSpec{name: s.name, short: s.short, kind: s.kind}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out.Args = append(out.Args, args[i+1:]...)
			break
		}
		if !isFlag(a) {
			out.Args = append(out.Args, a)
			continue
		}
		spec, val, hasVal := lookupFlag(gspecs, a)
		if spec == nil {
			return out, fmt.Errorf("gdbt %s: unknown flag %s", cmd, a)
		}
		switch spec.kind {
		case flagBool:
			out.vals[spec.name] = append(out.vals[spec.name], "true")
		case flagMulti:
			if hasVal {
				out.vals[spec.name] = append(out.vals[spec.name], val)
			}
			for i+1 < len(args) && !isFlag(args[i+1]) {
				i++
				out.vals[spec.name] = append(out.vals[spec.name], args[i])
			}
		default:
			if !hasVal {
				if i+1 >= len(args) {
					return out, fmt.Errorf("gdbt %s: %s needs a value", cmd, a)
				}
				i++
				val = args[i]
			}
			out.vals[spec.name] = append(out.vals[spec.name], val)
		}
	}
	return out, nil
}

// isCommand reports whether s names a subcommand.
func isCommand(s string) bool {
	for _, c := range commands() {
		if c.name == s {
			return true
		}
	}
	return false
}
