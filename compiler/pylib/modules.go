// Package pylib is the slice of Python's standard library that dbt puts in its Jinja context
// as {{ modules }} (dbt-core's dbt/context/base.py get_context_modules: datetime, pytz, re,
// itertools), with Python's semantics where Go's differ: real time zones, Python's regular
// expressions (a backtracking engine, not RE2), strftime and timedelta arithmetic as CPython.
// It knows Jinja values but nothing of dbt, so the compiler's context stays about dbt.
package pylib

import (
	"fmt"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// Modules is {{ modules }}. dbt-core (dbt/context/base.py, get_context_modules) exposes
// exactly pytz, datetime, re and itertools.
type Modules struct{}

// Attr returns one module.
func (Modules) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "datetime":
		return datetimeModule{}, true
	case "re":
		return reModule{}, true
	case "itertools":
		return itertoolsModule{}, true
	case "pytz":
		return pytzModule{}, true
	}
	return nil, false
}

// NewDatetime is a datetime.datetime for host values: aware (with t's zone) unless naive.
// The compiler builds run_started_at (aware, UTC, as dbt's) and query-result timestamps with it.
func NewDatetime(t time.Time, naive bool) jinja.Value {
	if !naive && t.Location() != time.UTC {
		name, off := t.Zone()
		t = t.In(time.FixedZone(name, off))
	}
	return &datetimeObj{t: t, naive: naive}
}

var (
	bindArgs  = BindArgs
	str       = Str
	iterItems = Items
)

type attrMap map[string]jinja.Value

func (m attrMap) Attr(name string) (jinja.Value, bool) { v, ok := m[name]; return v, ok }

// BindArgs maps positional then keyword arguments onto parameter names, as Python binds a
// call: host functions of the compiler and of this package read their arguments with it.
func BindArgs(args []jinja.Value, kw []jinja.KeywordArg, names ...string) map[string]jinja.Value {
	m := make(map[string]jinja.Value, len(names))
	for i, a := range args {
		if i < len(names) {
			m[names[i]] = a
		}
	}
	for _, k := range kw {
		m[k.Name] = k.Value
	}
	return m
}

// Str is the Go string of a template value ("" for None and undefined), the way host
// functions read string arguments.
func Str(v jinja.Value) string {
	switch x := v.(type) {
	case nil, *jinja.Undefined:
		return ""
	case string:
		return x
	case jinja.Markup:
		return string(x)
	}
	return jinja.ToString(v)
}

// Items lists the items of an iterable value (a dict's keys, a string's characters), as
// Python's iteration gives them; false when the value does not iterate.
func Items(v jinja.Value) ([]jinja.Value, bool) {
	switch x := v.(type) {
	case *jinja.List:
		return x.Items, true
	case jinja.Tuple:
		return x, true
	case *jinja.Dict:
		return x.Keys(), true
	case string:
		out := make([]jinja.Value, 0, len(x))
		for _, r := range x {
			out = append(out, string(r))
		}
		return out, true
	case jinja.Iterable:
		return x.JinjaIter(), true
	}
	return nil, false
}

// toInt reads a Python int argument (bool counts, as in Python).
func toInt(v jinja.Value) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func fn(f func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error)) jinja.Func {
	return func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
		return f(args, kw)
	}
}

// ---- itertools ----

type itertoolsModule struct{}

func (itertoolsModule) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "chain":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			out := &jinja.List{}
			for _, a := range args {
				items, _ := iterItems(a)
				out.Items = append(out.Items, items...)
			}
			return out, nil
		}), true
	case "product":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			res := [][]jinja.Value{{}}
			for _, a := range args {
				items, _ := iterItems(a)
				var next [][]jinja.Value
				for _, r := range res {
					for _, it := range items {
						next = append(next, append(append([]jinja.Value{}, r...), it))
					}
				}
				res = next
			}
			out := &jinja.List{}
			for _, r := range res {
				out.Items = append(out.Items, jinja.Tuple(r))
			}
			return out, nil
		}), true
	case "combinations":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) < 2 {
				return nil, fmt.Errorf("combinations() takes an iterable and a length")
			}
			items, _ := iterItems(args[0])
			k, _ := args[1].(int64)
			out := &jinja.List{}
			var rec func(start int, cur []jinja.Value)
			rec = func(start int, cur []jinja.Value) {
				if len(cur) == int(k) {
					out.Items = append(out.Items, jinja.Tuple(append([]jinja.Value{}, cur...)))
					return
				}
				for i := start; i < len(items); i++ {
					rec(i+1, append(cur, items[i]))
				}
			}
			rec(0, nil)
			return out, nil
		}), true
	}
	return nil, false
}
