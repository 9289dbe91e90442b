package compiler

import (
	"fmt"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// mappedSeq is agate's MappedSequence, the container dbt's query results are made of
// (table.columns is one, keyed by column name): a sequence that iterates, measures and
// tests membership over its values, indexes by position or by key, and has the dict-like
// keys(), values(), items(), get() and dict(). Packages rely on both faces:
// dbt-utils' get_query_results_as_dict loops over `table.columns.items()`, other code
// over `table.columns` itself or `table.columns[0]`.
type mappedSeq struct {
	keys []string // one per value
	vals []jinja.Value
}

// JinjaIter iterates the values (not the keys, unlike a dict).
func (m *mappedSeq) JinjaIter() []jinja.Value { return m.vals }

// JinjaTruth: an empty sequence is false (Python's __len__).
func (m *mappedSeq) JinjaTruth() bool { return len(m.vals) > 0 }

// JinjaTypeName names the Python type in TypeErrors.
func (m *mappedSeq) JinjaTypeName() string { return "MappedSequence" }

// JinjaString renders like agate's repr of the values.
func (m *mappedSeq) JinjaString() string {
	return "<agate.MappedSequence: " + jinja.ToString(jinja.Tuple(m.vals)) + ">"
}

// JinjaItem indexes by position (negative from the end) or by key.
func (m *mappedSeq) JinjaItem(k jinja.Value) (jinja.Value, bool) {
	if i, ok := k.(int64); ok {
		if i < 0 {
			i += int64(len(m.vals))
		}
		if i >= 0 && int(i) < len(m.vals) {
			return m.vals[i], true
		}
		return nil, false
	}
	return m.get(k)
}

func (m *mappedSeq) get(k jinja.Value) (jinja.Value, bool) {
	s, ok := k.(string)
	if !ok {
		return nil, false
	}
	for i, key := range m.keys {
		if key == s {
			return m.vals[i], true
		}
	}
	return nil, false
}

// Attr implements the dict-like methods.
func (m *mappedSeq) Attr(name string) (jinja.Value, bool) {
	fn := func(f func(args []jinja.Value) (jinja.Value, error)) jinja.Value {
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			for _, k := range kw {
				if k.Name == "default" && name == "get" {
					args = append(args, k.Value)
					continue
				}
				return nil, fmt.Errorf("MappedSequence.%s() got an unexpected keyword argument '%s'", name, k.Name)
			}
			return f(args)
		})
	}
	switch name {
	case "keys":
		return fn(func([]jinja.Value) (jinja.Value, error) {
			t := make(jinja.Tuple, len(m.keys))
			for i, k := range m.keys {
				t[i] = k
			}
			return t, nil
		}), true
	case "values":
		return fn(func([]jinja.Value) (jinja.Value, error) {
			return append(jinja.Tuple(nil), m.vals...), nil
		}), true
	case "items":
		return fn(func([]jinja.Value) (jinja.Value, error) {
			l := &jinja.List{}
			for i, k := range m.keys {
				l.Items = append(l.Items, jinja.Tuple{k, m.vals[i]})
			}
			return l, nil
		}), true
	case "get":
		return fn(func(args []jinja.Value) (jinja.Value, error) {
			if len(args) == 0 || len(args) > 2 {
				return nil, fmt.Errorf("MappedSequence.get() takes 1 or 2 arguments (%d given)", len(args))
			}
			if v, ok := m.get(args[0]); ok {
				return v, nil
			}
			if len(args) == 2 {
				return args[1], nil
			}
			return nil, nil
		}), true
	case "dict":
		return fn(func([]jinja.Value) (jinja.Value, error) {
			d := jinja.NewDict()
			for i, k := range m.keys {
				d.Set(k, m.vals[i])
			}
			return d, nil
		}), true
	}
	return nil, false
}
