package main

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// warnErrorOptions is --warn-error-options, as dbt_common's WarnErrorOptionsV2: the
// warnings named in error (or "all"/"*") become errors, except those named in warn;
// those in silence are not shown at all. dbt's older keys include/exclude mean
// error/warn (dbt/config/utils.py normalize_warn_error_options).
type warnErrorOptions struct {
	errors  map[string]bool
	warns   map[string]bool
	silence map[string]bool
}

// setWarnErrorOptions parses the YAML mapping of --warn-error-options.
func (g *Globals) setWarnErrorOptions(v string) error {
	var raw map[string]any
	if err := yaml.Unmarshal([]byte(v), &raw); err != nil {
		return fmt.Errorf("--warn-error-options must be a YAML mapping: %v", err)
	}
	o := &warnErrorOptions{errors: map[string]bool{}, warns: map[string]bool{}, silence: map[string]bool{}}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var dst map[string]bool
		switch k {
		case "error", "include":
			dst = o.errors
		case "warn", "exclude":
			dst = o.warns
		case "silence":
			dst = o.silence
		default:
			return fmt.Errorf("--warn-error-options: unknown key %q (error, warn, silence; or include, exclude)", k)
		}
		switch x := raw[k].(type) {
		case string:
			if x != "all" && x != "*" {
				return fmt.Errorf("--warn-error-options: %s must be \"all\", \"*\" or a list of event names, got %q", k, x)
			}
			dst["*"] = true
		case []any:
			for _, e := range x {
				dst[fmt.Sprint(e)] = true
			}
		case nil:
		default:
			return fmt.Errorf("--warn-error-options: %s must be \"all\" or a list of event names", k)
		}
	}
	g.warnErrorOpts = o
	return nil
}

// warnAction decides what a warning of event name becomes: "error", "warn" or "silence".
func (g *Globals) warnAction(name string) string {
	if o := g.warnErrorOpts; o != nil {
		if o.silence[name] || o.silence["*"] {
			return "silence"
		}
		if (o.errors["*"] || o.errors[name]) && !o.warns[name] && !o.warns["*"] {
			return "error"
		}
	}
	if g.WarnError {
		return "error"
	}
	return "warn"
}

// WarnEvent reports a warning named as dbt's event (NoNodesForSelectionCriteria,
// DeprecatedModel, …; "" when dbt has no name for it), which --warn-error and
// --warn-error-options may turn into an error or silence.
func (g *Globals) WarnEvent(name, msg string) {
	switch g.warnAction(name) {
	case "silence":
		return
	case "error":
		g.mu.Lock()
		g.promoted++
		g.mu.Unlock()
		label := "--warn-error"
		if g.warnErrorOpts != nil && !g.WarnError {
			label = "--warn-error-options"
		}
		g.Event("error", fmt.Sprintf("Compilation Error (a warning, an error with %s): %s", label, strings.TrimPrefix(msg, "warning: ")), map[string]any{"name": name})
		return
	}
	g.mu.Lock()
	g.warnings = append(g.warnings, msg)
	g.mu.Unlock()
	g.Event("warn", "warning: "+msg, map[string]any{"name": name})
}

// warnErrored reports whether a warning became an error: the command then fails (dbt
// raises at the warning; gdbt stops loading there, or fails at the end of a run).
func (g *Globals) warnErrored() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.promoted > 0
}
