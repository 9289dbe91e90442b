package compiler

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// cfgObject is {{ config }}: callable as config(materialized='table') (recorded at parse
// time, a no-op afterwards) and with get/require for macros reading the resolved config.
type cfgObject struct{ rs *renderState }

// CallJinja records config(...) at parse time.
func (o *cfgObject) CallJinja(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	rs := o.rs
	if rs.mode != modeParse {
		return "", nil
	}
	if rs.cfgCall == nil {
		rs.cfgCall = map[string]any{}
	}
	for _, a := range args {
		d, ok := a.(*jinja.Dict)
		if !ok {
			return nil, fmt.Errorf("config() takes keyword arguments or one dict, got %s", typeName(a))
		}
		for _, k := range d.Keys() {
			v, _ := d.Get(k)
			gv := jinja.ToGo(v)
			rs.checkConfig(c, str(k), gv)
			mergeCallConfig(rs.cfgCall, str(k), gv)
		}
	}
	for _, k := range kw {
		gv := jinja.ToGo(k.Value)
		rs.checkConfig(c, k.Name, gv)
		mergeCallConfig(rs.cfgCall, k.Name, gv)
	}
	return "", nil
}

// checkConfig records a config() value of the wrong type at the call's position.
func (rs *renderState) checkConfig(c *jinja.Call, k string, v any) {
	if msg := checkConfigValue(k, v); msg != "" && c != nil {
		rs.cfgIssues = append(rs.cfgIssues, configIssue{file: c.File, pos: c.Pos, key: NormalizeConfigKey(k), msg: msg})
	}
	if c != nil && !anyKnownConfig(k) {
		rs.cfgIssues = append(rs.cfgIssues, configIssue{file: c.File, pos: c.Pos, key: NormalizeConfigKey(k), unknown: true})
	}
}

// mergeCallConfig applies one config() key: repeated calls append to tags and hooks, as dbt's
// config merging does, and replace anything else.
func mergeCallConfig(m map[string]any, k string, v any) {
	switch k {
	case "pre_hook":
		k = "pre-hook"
	case "post_hook":
		k = "post-hook"
	}
	switch k {
	case "tags", "pre-hook", "post-hook":
		m[k] = append(asList(m[k]), asList(v)...)
	default:
		m[k] = v
	}
}

// asList treats a scalar as a one-element list (dbt's tags: 'x' == ['x']).
func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return []any{v}
}

// lookup returns a resolved config value: the node's config, plus at parse time what the
// model's own config() calls said so far.
func (o *cfgObject) lookup(key string) (any, bool) {
	if o.rs.cfgCall != nil {
		if v, ok := o.rs.cfgCall[key]; ok {
			return v, true
		}
	}
	if o.rs.node != nil {
		if v, ok := o.rs.node.Config[key]; ok {
			return v, true
		}
	}
	return nil, false
}

// Attr implements jinja.Object: config.get, config.require, config.set.
func (o *cfgObject) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "get":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "name", "default", "validator")
			key := str(a["name"])
			if v, ok := o.lookup(key); ok && v != nil {
				return jinja.FromGo(v), nil
			}
			return a["default"], nil
		}), true
	case "require":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "name", "validator")
			key := str(a["name"])
			if v, ok := o.lookup(key); ok && v != nil {
				return jinja.FromGo(v), nil
			}
			if o.rs.mode == modeParse {
				return "", nil
			}
			return nil, fmt.Errorf("required config key '%s' not found", key)
		}), true
	case "set":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "name", "value")
			if o.rs.mode == modeParse {
				if o.rs.cfgCall == nil {
					o.rs.cfgCall = map[string]any{}
				}
				mergeCallConfig(o.rs.cfgCall, str(a["name"]), jinja.ToGo(a["value"]))
			}
			return "", nil
		}), true
	case "persist_relation_docs", "persist_column_docs":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return false, nil
		}), true
	}
	if v, ok := o.lookup(name); ok {
		return jinja.FromGo(v), true
	}
	return nil, false
}

// ---- target, flags, logging ----

// secretFieldNames are target fields never shown to templates.
var secretFieldNames = map[string]bool{"password": true, "pass": true, "token": true, "private_key": true, "private_key_passphrase": true,
	"secret": true, "oauth_client_secret": true, "motherduck_token": true, "secrets": true}

func (p *projectImpl) targetDict() *jinja.Dict {
	p.targetMu.Lock()
	defer p.targetMu.Unlock()
	if p.tdict != nil {
		return p.tdict
	}
	d, _ := jinja.FromGo(p.target.TemplateFields()).(*jinja.Dict)
	if d == nil {
		d = jinja.NewDict()
	}
	p.tdict = d
	return d
}

func (p *projectImpl) flagsDict() *jinja.Dict {
	which := p.opts.Which
	if which == "" {
		which = "run"
	}
	m := map[string]any{
		"FULL_REFRESH": p.opts.FullRefresh, "WHICH": which, "STORE_FAILURES": p.opts.StoreFailures,
		"EMPTY": p.opts.Empty, "WARN_ERROR": false, "USE_COLORS": false, "DEBUG": false,
		"LOG_FORMAT": "text", "SEND_ANONYMOUS_USAGE_STATS": false, "PARTIAL_PARSE": false,
		"INTROSPECT": true, "STATIC_PARSER": true, "TARGET_PATH": p.rootPC.TargetPath,
		"PROFILES_DIR": p.opts.ProfilesDir, "THREADS": p.target.Threads, "FAIL_FAST": false,
		"INVOCATION_COMMAND": "gdbt " + which, "VERSION_CHECK": false, "PRINTER_WIDTH": 80,
	}
	for k, v := range p.opts.Flags {
		m[k] = v
	}
	return jinja.FromGo(m).(*jinja.Dict)
}

// invocationArgsDict is {{ invocation_args_dict }}: the flags under their lower-case names,
// with dbt's clean-up (dbt-core dbt/utils.py args_to_dict): None values dropped, the
// default-false flags left out when false, and an empty vars/warn_error_options left out.
func (p *projectImpl) invocationArgsDict() *jinja.Dict {
	flags := p.flagsDict()
	out := jinja.NewDict()
	defaultFalse := map[string]bool{"debug": true, "full_refresh": true, "fail_fast": true, "warn_error": true,
		"single_threaded": true, "log_cache_events": true, "store_failures": true, "use_experimental_parser": true}
	keys := flags.Keys()
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		names = append(names, str(k))
	}
	sort.Strings(names)
	for _, k := range names {
		v, _ := flags.Get(k)
		key := strings.ToLower(k)
		switch {
		case v == nil:
		case defaultFalse[key] && v == false:
		case (key == "vars" || key == "warn_error_options") && (str(v) == "{}" || isEmptyDict(v)):
		default:
			out.Set(key, v)
		}
	}
	return out
}

func isEmptyDict(v jinja.Value) bool {
	d, ok := v.(*jinja.Dict)
	return ok && d.Len() == 0
}

// metadataEnvs is {{ dbt_metadata_envs }}: the DBT_ENV_CUSTOM_ENV_ variables, prefix
// removed (dbt-core dbt/tracking.py / dbt_common's get_metadata_vars).
func metadataEnvs() *jinja.Dict {
	const prefix = "DBT_ENV_CUSTOM_ENV_"
	var names []string
	vals := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, prefix) {
			names = append(names, k[len(prefix):])
			vals[k[len(prefix):]] = v
		}
	}
	sort.Strings(names)
	d := jinja.NewDict()
	for _, n := range names {
		d.Set(n, vals[n])
	}
	return d
}

func (p *projectImpl) log(msg string, info bool) {
	msg = Redact(msg)
	if p.opts.Log != nil {
		p.logMu.Lock()
		p.opts.Log(msg, info)
		p.logMu.Unlock()
	}
}

func (p *projectImpl) print(msg string) {
	if p.opts.NoPrint {
		return
	}
	msg = Redact(msg)
	p.logMu.Lock()
	defer p.logMu.Unlock()
	if p.opts.Log != nil {
		p.opts.Log(msg, true)
		return
	}
	fmt.Fprintln(os.Stdout, msg)
}

// warn reports a load-time warning already positioned by the caller (called from
// single-threaded passes of the load, so warnings come out in a stable order).
func (p *projectImpl) warn(msg string) {
	if w := p.opts.Warn; w != nil {
		w(msg)
	}
}

func (p *projectImpl) warnAt(c *jinja.Call, msg string) {
	if p.opts.Warn == nil {
		return
	}
	pos := ""
	if c != nil && c.File != "" {
		if src, ok := p.fileSrc(c.File); ok {
			l, col := lineCol(src, c.Pos)
			pos = fmt.Sprintf("%s:%d:%d: ", c.File, l, col)
		} else {
			pos = c.File + ": "
		}
	}
	p.logMu.Lock()
	p.opts.Warn(pos + Redact(msg))
	p.logMu.Unlock()
}

// logSQL hands one executed statement to Options.SQLLog (dbt's SQLQuery and
// SQLQueryStatus debug events): its node ("" for hooks and operations), the connection
// name dbt gives it (the node's unique id, else "master"), duration and rows.
func (p *projectImpl) logSQL(n *manifest.Node, sql string, elapsed time.Duration, resp warehouse.Response, err error) {
	if p.opts.SQLLog == nil {
		return
	}
	ev := SQLEvent{SQL: Redact(sql), Conn: "master", Elapsed: elapsed, Rows: resp.RowsAffected, Status: resp.Message, QueryID: resp.QueryID, Err: err}
	if n != nil {
		ev.Node, ev.Conn = n.UniqueID, n.UniqueID
	}
	p.opts.SQLLog(ev)
}

// SQLEvent is one statement sent to the warehouse, for the debug log.
type SQLEvent struct {
	Node, Conn, SQL string
	Elapsed         time.Duration
	Rows            int64 // -1 when the engine does not say
	Status, QueryID string
	Err             error
}

// ProgressEvent is one progress report of a running node's materialization: which step
// of how many (0: unknown), and named values such as the loss, in the order given.
type ProgressEvent struct {
	Node        string // the node's unique id ("" outside a node)
	Step, Total int64
	Values      []ProgressValue
}

// ProgressValue is one named value of a progress report: a float64 (numbers) or a string.
type ProgressValue struct {
	Name  string
	Value any
}

// fnProgress is {{ gdbt_progress(step, total=none, **values) }}: gdbt's channel for a
// long materialization to say how far it is (dbt has none; a macro meant for dbt too tests
// `gdbt_progress is defined` first). It renders nothing.
func fnProgress(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	rs := stateOf(c)
	if rs == nil || rs.p.opts.Progress == nil {
		return "", nil
	}
	ev := ProgressEvent{}
	if rs.node != nil {
		ev.Node = rs.node.UniqueID
	}
	if len(args) > 2 {
		return nil, fmt.Errorf("gdbt_progress() takes a step and a total, then named values (%d positional arguments given)", len(args))
	}
	for i, a := range args {
		n, ok := warehouse.CellNumber(a)
		if !ok {
			return nil, fmt.Errorf("gdbt_progress(): the step and total must be numbers, not %s", jinja.Repr(a))
		}
		if i == 0 {
			ev.Step = int64(n)
		} else {
			ev.Total = int64(n)
		}
	}
	for _, k := range kw {
		switch k.Name {
		case "step", "total":
			n, ok := warehouse.CellNumber(k.Value)
			if !ok {
				return nil, fmt.Errorf("gdbt_progress(): %s must be a number, not %s", k.Name, jinja.Repr(k.Value))
			}
			if k.Name == "step" {
				ev.Step = int64(n)
			} else {
				ev.Total = int64(n)
			}
			continue
		}
		v := jinja.Value(str(k.Value))
		if f, ok := warehouse.CellNumber(k.Value); ok {
			v = f
		}
		ev.Values = append(ev.Values, ProgressValue{Name: k.Name, Value: v})
	}
	rs.p.opts.Progress(ev)
	return "", nil
}
