package compiler

import (
	"fmt"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
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
			mergeCallConfig(rs.cfgCall, str(k), jinja.ToGo(v))
		}
	}
	for _, k := range kw {
		mergeCallConfig(rs.cfgCall, k.Name, jinja.ToGo(k.Value))
	}
	return "", nil
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
