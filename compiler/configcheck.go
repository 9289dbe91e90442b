package compiler

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// dbt types its common configs (dbt's NodeConfig dataclasses) and rejects a wrong type at
// parse time; gdbt does the same so that `materialized=1` or `enabled='no'` fail where they
// are written instead of surprising the materialization at run time.

// configIssue is one invalid config value, positioned at the config() call (file, byte
// offset) that set it.
type configIssue struct {
	file string
	pos  int
	key  string
	msg  string
	// unknown marks a key no resource type knows (configWarnings decides per node).
	unknown bool
}

// configChecks maps a config key to its check, which returns "" for a valid value or what
// was expected.
var configChecks = map[string]func(v any) string{
	"materialized":         want(isString, "a string"),
	"enabled":              want(isBool, "a boolean"),
	"tags":                 want(orList(isString), "a string or a list of strings"),
	"schema":               want(orNull(isString), "a string or null"),
	"alias":                want(orNull(isString), "a string or null"),
	"database":             want(orNull(isString), "a string or null"),
	"unique_key":           want(orNull(orList(isString)), "a string or a list of strings"),
	"pre-hook":             want(orList(isHook), "a string, a list of strings, or a list of {sql, transaction}"),
	"post-hook":            want(orList(isHook), "a string, a list of strings, or a list of {sql, transaction}"),
	"severity":             want(oneOf(true, "warn", "error"), "one of warn, error"),
	"full_refresh":         want(orNull(isBool), "a boolean or null"),
	"persist_docs":         want(isDict, "a dictionary"),
	"meta":                 want(isDict, "a dictionary"),
	"incremental_strategy": want(orNull(isString), "a string"),
	"on_schema_change":     want(orNull(oneOf(false, "ignore", "fail", "append_new_columns", "sync_all_columns")), "one of ignore, fail, append_new_columns, sync_all_columns"),
}

// checkConfigValue returns "" when v is a valid value of config key k (keys gdbt does not
// type are always valid), else the message body after "invalid value for config".
func checkConfigValue(k string, v any) string {
	check, ok := configChecks[NormalizeConfigKey(k)]
	if !ok {
		return ""
	}
	return check(v)
}

func want(ok func(any) bool, what string) func(any) string {
	return func(v any) string {
		if ok(v) {
			return ""
		}
		return fmt.Sprintf("expected %s, got %s", what, describeValue(v))
	}
}

func isString(v any) bool { _, ok := v.(string); return ok }
func isBool(v any) bool   { _, ok := v.(bool); return ok }
func isDict(v any) bool   { _, ok := v.(map[string]any); return ok }

func orNull(f func(any) bool) func(any) bool {
	return func(v any) bool { return v == nil || f(v) }
}

func orList(f func(any) bool) func(any) bool {
	return func(v any) bool {
		l, ok := v.([]any)
		if !ok {
			return f(v)
		}
		for _, x := range l {
			if !f(x) {
				return false
			}
		}
		return true
	}
}

// isHook is a hook as dbt accepts it: SQL text or {sql: ..., transaction: bool}.
func isHook(v any) bool {
	switch x := v.(type) {
	case string:
		return true
	case map[string]any:
		if _, ok := x["sql"].(string); !ok {
			return false
		}
		for k, tv := range x {
			switch k {
			case "sql":
			case "transaction":
				if !isBool(tv) {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	return false
}

func oneOf(fold bool, allowed ...string) func(any) bool {
	return func(v any) bool {
		s, ok := v.(string)
		if !ok {
			return false
		}
		for _, a := range allowed {
			if s == a || (fold && strings.EqualFold(s, a)) {
				return true
			}
		}
		return false
	}
}

// describeValue names a value's Python type and shows it, for "got int 5".
func describeValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return fmt.Sprintf("'%s'", x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int, int64, int32:
		return fmt.Sprintf("int %v", x)
	case float64, float32:
		return fmt.Sprintf("float %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a dict"
	}
	return fmt.Sprintf("%T", v)
}

// checkConfigCall validates the keyword arguments of one config() call.
func checkConfigCall(file string, pos int, kw map[string]any, keys []string) []configIssue {
	var out []configIssue
	for _, k := range keys {
		if msg := checkConfigValue(k, kw[k]); msg != "" {
			out = append(out, configIssue{file: file, pos: pos, key: NormalizeConfigKey(k), msg: msg})
		}
		if !anyKnownConfig(k) {
			out = append(out, configIssue{file: file, pos: pos, key: NormalizeConfigKey(k), unknown: true})
		}
	}
	return out
}

// configErrors positions the issues of one node: in the node's own file (src) or, for a
// config() call inside a macro, in the macro's file read from disk.
func (p *projectImpl) configErrors(issues []configIssue, kind, name, display, src string) Errors {
	var errs Errors
	for _, is := range issues {
		if is.unknown {
			continue
		}
		text := src
		if is.file != display {
			b, err := os.ReadFile(filepath.Join(p.dir, filepath.FromSlash(is.file)))
			if err == nil {
				text = string(b)
			}
		}
		l, c := lineCol(text, is.pos)
		errs = append(errs, Errorf(is.file, l, c, "%s %s: invalid value for config '%s': %s", kind, name, is.key, is.msg))
	}
	return errs
}

// configMapping decodes a property-YAML `config:` mapping and reports each value of the
// wrong type at the value's line and column. A string holding Jinja is left alone: it is
// rendered later, and its type is only known then.
func (p *propParser) configMapping(v *yaml.Node, kind, name string) map[string]any {
	m := p.mapping(v)
	p.noteConfigKeys(v, kind, name)
	for _, e := range mappingPairs(v) {
		val, ok := m[e.Key.Value]
		if !ok {
			continue
		}
		if s, isStr := val.(string); isStr && strings.Contains(s, "{{") {
			continue
		}
		if msg := checkConfigValue(e.Key.Value, val); msg != "" {
			p.fail(e.Value, "%s %s: invalid value for config '%s': %s", kind, name, NormalizeConfigKey(e.Key.Value), msg)
		}
	}
	return m
}

// checkConfigTree validates the configs of a hierarchical project-file block (models:,
// seeds:, …): `+key` entries at any level, and unprefixed typed keys whose value is not a
// mapping (a mapping there is a folder level). Errors point at the value.
func (d *decoder) checkConfigTree(n *yaml.Node, block string) {
	for _, e := range mappingPairs(n) {
		k := e.Key.Value
		plus := strings.HasPrefix(k, "+")
		nk := NormalizeConfigKey(k)
		_, typed := configChecks[nk]
		isMap := e.Value.Kind == yaml.MappingNode
		if typed && (plus || (!isMap && !dictConfigs[nk])) {
			val := d.any(e.Value)
			if s, isStr := val.(string); isStr && strings.Contains(s, "{{") {
				continue
			}
			if msg := checkConfigValue(nk, val); msg != "" {
				d.fail(e.Value, "invalid value for config '%s' in %s: %s", nk, block, msg)
			}
			continue
		}
		if isMap && !plus && !dictConfigs[nk] {
			d.checkConfigTree(e.Value, block)
			continue
		}
		// A `+key`, or a plain key with a value that is no folder: a config, which the
		// project load checks against the known keys (configkeys.go).
		if ck := configKind(block); ck != "" && !knownConfigKeys[ck][nk] {
			d.cfgKeys = append(d.cfgKeys, configKeyUse{kind: block, what: block, key: k,
				at: fmt.Sprintf("%s:%d:%d", d.file, e.Key.Line, e.Key.Column)})
		}
	}
}
