package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler"
)

// Flag parsing is dbt's: flags may come before or after the subcommand; a flag's value is
// the next argument or follows "="; multi-value flags (-s/--select, --exclude,
// --resource-type, …) take every following argument up to the next flag (dbt's
// MultiOption) and may be repeated. Every flag is a row of flagTable (flagspec.go); a
// value comes, in dbt's order (dbt/cli/flags.py Flags.__init__), from the command line,
// else its DBT_ environment variable, else the project's `flags:` block, else the
// default. What is left after the flags (the subcommand and its positional arguments)
// goes to the command.

// applies reports whether the row is a flag of command cmd ("" before any command: the
// global rows only).
func (d *flagDef) applies(cmd string) bool {
	if d.cmds == cmdsAll {
		return true
	}
	if cmd == "" {
		return false
	}
	for _, c := range strings.Fields(d.cmds) {
		if c == cmd {
			return true
		}
	}
	return false
}

// takesValue reports whether the flag reads a value.
func (d *flagDef) takesValue() bool { return d.kind != flagBool }

// flagMatch is an argument matched to a row: the row, whether it was a --no- form, and an
// inline value (--x=v, -sv).
type flagMatch struct {
	def    *flagDef
	neg    bool
	val    string
	hasVal bool
}

// matchFlag finds the row arg names among the rows for which ok holds.
func matchFlag(arg string, ok func(*flagDef) bool) (flagMatch, bool) {
	if strings.HasPrefix(arg, "--") {
		name, val, hasVal := strings.Cut(arg[2:], "=")
		for i := range flagTable {
			d := &flagTable[i]
			if !ok(d) {
				continue
			}
			if name == d.name || contains(d.aliases, name) {
				return flagMatch{def: d, val: val, hasVal: hasVal}, true
			}
			if d.kind == flagBool && ((d.neg && name == "no-"+d.name) || contains(d.negs, name)) {
				return flagMatch{def: d, neg: true, val: val, hasVal: hasVal}, true
			}
		}
		return flagMatch{}, false
	}
	if len(arg) < 2 || arg[0] != '-' {
		return flagMatch{}, false
	}
	letter := arg[1:2]
	for i := range flagTable {
		d := &flagTable[i]
		if ok(d) && d.short != "" && strings.Contains(d.short, letter) {
			m := flagMatch{def: d}
			if len(arg) > 2 {
				m.val, m.hasVal = strings.TrimPrefix(arg[2:], "="), true
			}
			return m, true
		}
	}
	return flagMatch{}, false
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

// findCommand returns the index of the subcommand in args (-1 when there is none),
// skipping flag values, so that flags before the command are parsed as that command's.
func findCommand(args []string) int {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return -1
		}
		if isFlag(a) {
			m, ok := matchFlag(a, func(*flagDef) bool { return true })
			if ok && !m.hasVal && (m.def.kind == flagString || m.def.kind == flagInt) {
				i++
			}
			continue
		}
		if isCommand(a) {
			return i
		}
	}
	return -1
}

// parse reads every flag of args and returns the rest: the subcommand and its
// positional arguments, in order ("--" ends flag parsing). Then it resolves every flag
// of the command from the environment, the project's flags: and the defaults.
func (g *Globals) parse(args []string) ([]string, error) {
	ci := findCommand(args)
	cmd := ""
	if ci >= 0 {
		cmd = args[ci]
	}
	given := map[*flagDef][]string{}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if !isFlag(a) {
			rest = append(rest, a)
			continue
		}
		m, ok := matchFlag(a, func(d *flagDef) bool { return d.applies(cmd) })
		if !ok {
			return nil, unknownFlag(a, cmd)
		}
		d := m.def
		switch d.kind {
		case flagBool:
			v := "true"
			if m.hasVal {
				if !strings.HasPrefix(a, "--") {
					return nil, fmt.Errorf("-%s takes no value", a[1:2])
				}
				b, err := parseBool(m.val)
				if err != nil {
					return nil, fmt.Errorf("--%s takes no value (or true/false), got %q", d.name, m.val)
				}
				v = strconv.FormatBool(b)
			}
			if m.neg {
				v = strconv.FormatBool(v != "true")
			}
			given[d] = append(given[d], v)
		case flagMulti:
			n := 0
			if m.hasVal {
				given[d] = append(given[d], m.val)
				n++
			}
			for i+1 < len(args) && !isFlag(args[i+1]) && args[i+1] != "--" && i+1 != ci {
				i++
				given[d] = append(given[d], args[i])
				n++
			}
			if n == 0 {
				return nil, fmt.Errorf("%s needs at least one value", a)
			}
		default:
			if !m.hasVal {
				if i+1 >= len(args) {
					return nil, fmt.Errorf("%s needs a value", a)
				}
				i++
				m.val = args[i]
			}
			given[d] = append(given[d], m.val)
		}
	}
	if err := g.resolve(cmd, given); err != nil {
		return nil, err
	}
	return rest, nil
}

// unsupportedDbtFlags are dbt-core 1.10's flags (core/dbt/cli/params.py) gdbt does not
// implement, with why: they fail naming themselves, never silently.
var unsupportedDbtFlags = map[string]string{
	"inline-direct":          "dbt show's internal flag; use --inline",
	"include-saved-query":    "saved queries (the semantic layer) are not implemented",
	"inject-ephemeral-ctes":  "compiled SQL always has its ephemeral models inlined as CTEs",
	"show-resource-report":   "dbt's internal resource report is not implemented",
	"deprecated-defer":       "a hidden alias of dbt's old environment variable; use --defer",
	"deprecated-favor-state": "a hidden alias of dbt's old environment variable; use --favor-state",
	"deprecated-state":       "a hidden alias of dbt's old environment variable; use --state",
	"deprecated-print":       "a hidden alias of dbt's old environment variable; use --print/--no-print",
}

// unknownFlag is the error for a flag the command does not take, naming the commands
// that do when it is one of dbt's.
func unknownFlag(arg, cmd string) error {
	name := strings.TrimPrefix(strings.SplitN(arg, "=", 2)[0], "--")
	if why, ok := unsupportedDbtFlags[strings.TrimPrefix(name, "no-")]; ok {
		return fmt.Errorf("gdbt %s: dbt's %s is not supported by gdbt: %s", cmd, arg, why)
	}
	var owners []string
	for i := range flagTable {
		d := &flagTable[i]
		if m, ok := matchFlag(arg, func(x *flagDef) bool { return x == d }); ok && m.def == d {
			owners = append(owners, strings.Fields(d.cmds)...)
		}
	}
	where := "gdbt"
	if cmd != "" {
		where = "gdbt " + cmd
	}
	if len(owners) > 0 {
		return fmt.Errorf("%s: %s is not a flag of this command (it is one of: %s); run 'gdbt %s --help'", where, arg, strings.Join(owners, ", "), cmd)
	}
	return fmt.Errorf("%s: unknown flag %s; run 'gdbt %s --help' for the flags", where, arg, cmd)
}

// flagSource says where a resolved flag value came from.
type flagSource int

const (
	fromDefault flagSource = iota
	fromProject
	fromEnv
	fromFlag
)

// resolve gives every flag of cmd its value by dbt's precedence: command line, then the
// environment (GDBT_ alias, then DBT_), then the project's flags: (dbt's ProjectFlags,
// read_project_flags in dbt/config/project.py), then the default (left in place). Then
// the *-file logging flags follow their console flag when only that one was set
// (Flags._override_if_set).
func (g *Globals) resolve(cmd string, given map[*flagDef][]string) error {
	g.flagVals = map[string][]string{}
	g.flagSrc = map[string]flagSource{}
	var defaulted []*flagDef
	for i := range flagTable {
		d := &flagTable[i]
		if !d.applies(cmd) {
			continue
		}
		// dbt's deprecated variable, when set, wins over the flag and the new variable
		// (dbt/cli/flags.py: "if DBT_NO_PRINT is set, it is respected over DBT_PRINT or
		// --print") and warns (EnvironmentVariableRenamed, D009).
		if v := os.Getenv(d.oldEnv); d.oldEnv != "" && v != "" {
			if d.oldEnv == "DBT_NO_PRINT" { // params.py deprecated_print: callback=not value
				if b, err := parseBool(v); err == nil {
					v = strconv.FormatBool(!b)
				}
			}
			if err := g.applyFlag(d, []string{v}, fromEnv, d.oldEnv); err != nil {
				return err
			}
			g.renamedEnv = append(g.renamedEnv, fmt.Sprintf("The environment variable `%s` has been renamed as `%s`.\nIf `%s` is currently set, its value will be used instead of `%s`.\nSet `%s` and unset `%s` to avoid this deprecation warning and ensure it works properly in a future release.",
				d.oldEnv, d.env, d.oldEnv, d.env, d.env, d.oldEnv))
			continue
		}
		if vals, ok := given[d]; ok {
			if err := g.applyFlag(d, vals, fromFlag, "--"+d.name); err != nil {
				return err
			}
			continue
		}
		if name, v, ok := envOf(d); ok {
			vals := []string{v}
			if d.kind == flagMulti {
				vals = strings.Fields(v)
			}
			if err := g.applyFlag(d, vals, fromEnv, name); err != nil {
				return err
			}
			continue
		}
		defaulted = append(defaulted, d)
	}
	var pflags map[string]any
	for _, d := range defaulted {
		if d.project && cmd != "" && cmd != "init" && cmd != "help" {
			if pc, err := compiler.LoadProjectConfig(g.ProjectDir); err == nil {
				pflags = pc.Flags
			}
			break
		}
	}
	for _, d := range defaulted {
		v, ok := pflags[strings.ReplaceAll(d.name, "-", "_")]
		if !ok || !d.project || v == nil {
			continue
		}
		vals, err := projectFlagValues(d, v)
		if err == nil {
			err = g.applyFlag(d, vals, fromProject, "flags: "+strings.ReplaceAll(d.name, "-", "_"))
		}
		if err != nil {
			return err
		}
	}
	for _, lf := range [][2]string{{"log-level", "log-level-file"}, {"log-format", "log-format-file"}, {"use-colors", "use-colors-file"}} {
		lead, follow := lf[0], lf[1]
		if g.flagSrc[lead] != fromDefault && g.flagSrc[follow] == fromDefault {
			if d := lookupRow(follow, cmd); d != nil {
				if err := g.applyFlag(d, g.flagVals[lead], g.flagSrc[lead], "--"+lead); err != nil {
					return err
				}
			}
		}
	}
	// dbt/cli/flags.py _assert_mutually_exclusive.
	if g.flagSrc["warn-error"] != fromDefault && g.flagSrc["warn-error-options"] != fromDefault {
		return fmt.Errorf("warn_error_options: not allowed with argument warn_error")
	}
	if g.flagSrc["inline"] != fromDefault && (g.flagSrc["select"] != fromDefault || g.flagSrc["selector"] != fromDefault) {
		return fmt.Errorf("inline: not allowed with argument select or selector")
	}
	return nil
}

// envOf returns the environment variable that sets d (GDBT_ alias first), if non-empty
// (click ignores an empty variable).
func envOf(d *flagDef) (string, string, bool) {
	for _, name := range []string{d.gdbtEnv, d.env} {
		if name == "" {
			continue
		}
		if v := os.Getenv(name); v != "" {
			return name, v, true
		}
	}
	return "", "", false
}

// applyFlag validates vals for d (from says where they came from, for the error) and
// stores them.
func (g *Globals) applyFlag(d *flagDef, vals []string, src flagSource, from string) error {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		switch {
		case d.kind == flagBool:
			b, err := parseBool(v)
			if err != nil {
				return fmt.Errorf("%s: %q is not a valid boolean", from, v)
			}
			v = strconv.FormatBool(b)
		case d.kind == flagInt && d.set == nil: // a setter checks its own value
			if _, err := strconv.Atoi(v); err != nil {
				return fmt.Errorf("%s: %q is not a valid integer", from, v)
			}
		case len(d.choices) > 0:
			lv := strings.ToLower(v)
			if !contains(d.choices, lv) {
				return fmt.Errorf("%s: %q is not one of %s", from, v, strings.Join(d.choices, ", "))
			}
			v = lv
		}
		if d.set != nil {
			if err := d.set(g, v); err != nil {
				if src == fromFlag {
					return err
				}
				return fmt.Errorf("%s: %w", from, err)
			}
		}
		out = append(out, v)
	}
	g.flagVals[d.name] = out
	g.flagSrc[d.name] = src
	return nil
}

// projectFlagValues turns a flags: value (YAML scalar, list or mapping) into flag values.
func projectFlagValues(d *flagDef, v any) ([]string, error) {
	switch x := v.(type) {
	case bool:
		return []string{strconv.FormatBool(x)}, nil
	case string:
		return []string{x}, nil
	case int, int64, float64:
		return []string{fmt.Sprint(x)}, nil
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, fmt.Sprint(e))
		}
		return out, nil
	case map[string]any:
		b, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		return []string{string(b)}, nil
	}
	return nil, fmt.Errorf("flags: %s: unsupported value %v", strings.ReplaceAll(d.name, "-", "_"), v)
}

// parseBool is click's BOOL: 1/true/t/yes/y/on and 0/false/f/no/n/off, any case.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "t", "yes", "y", "on":
		return true, nil
	case "0", "false", "f", "no", "n", "off":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean: %q", s)
}

// lookupRow is the row named name that applies to cmd.
func lookupRow(name, cmd string) *flagDef {
	for i := range flagTable {
		if flagTable[i].name == name && flagTable[i].applies(cmd) {
			return &flagTable[i]
		}
	}
	return nil
}

// FlagStr is a resolved string flag of the command, or def when nothing set it.
func (g *Globals) FlagStr(name, def string) string {
	if v := g.flagVals[name]; len(v) > 0 {
		return v[len(v)-1]
	}
	return def
}

// FlagList is every value of a repeatable flag.
func (g *Globals) FlagList(name string) []string { return g.flagVals[name] }

// FlagBool is a resolved boolean flag, or def.
func (g *Globals) FlagBool(name string, def bool) bool {
	if v := g.flagVals[name]; len(v) > 0 {
		return v[len(v)-1] == "true"
	}
	return def
}

// FlagInt is a resolved integer flag, or def (values were checked when parsed).
func (g *Globals) FlagInt(name string, def int) int {
	if v := g.flagVals[name]; len(v) > 0 {
		if n, err := strconv.Atoi(v[len(v)-1]); err == nil {
			return n
		}
	}
	return def
}

// FlagSet reports whether the command line, the environment or the project set name.
func (g *Globals) FlagSet(name string) bool { return g.flagSrc[name] != fromDefault }

// parsedFlags is what a command reads of its own invocation: its positional arguments
// (its flags are on Globals, read with Flag*).
type parsedFlags struct {
	Args []string
}

// cmdArgs checks a command's arguments after the flags were taken out: positional only.
func cmdArgs(cmd string, args []string) (parsedFlags, error) {
	for _, a := range args {
		if isFlag(a) {
			return parsedFlags{}, fmt.Errorf("gdbt %s: unknown flag %s", cmd, a)
		}
	}
	return parsedFlags{Args: args}, nil
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

// commandFlags returns the rows of cmd's flags, its own first (sorted), then the global
// ones (sorted), for help.
func commandFlags(cmd string) (own, global []*flagDef) {
	for i := range flagTable {
		d := &flagTable[i]
		switch {
		case d.cmds == cmdsAll:
			global = append(global, d)
		case d.applies(cmd):
			own = append(own, d)
		}
	}
	by := func(l []*flagDef) func(i, j int) bool { return func(i, j int) bool { return l[i].name < l[j].name } }
	sort.SliceStable(own, by(own))
	sort.SliceStable(global, by(global))
	return own, global
}
