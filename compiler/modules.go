package compiler

import (
	"fmt"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// modulesObj is {{ modules }}: the small slices of Python's datetime, re and itertools that
// dbt code uses, with Python's semantics where Go's differ.
type modulesObj struct{}

func (modulesObj) Attr(name string) (jinja.Value, bool) {
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

type attrMap map[string]jinja.Value

func (m attrMap) Attr(name string) (jinja.Value, bool) { v, ok := m[name]; return v, ok }

type pytzModule struct{}

func (pytzModule) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "utc", "UTC":
		return "UTC", true
	case "timezone":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) > 0 {
				return str(args[0]), nil
			}
			return "UTC", nil
		}), true
	}
	return nil, false
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
