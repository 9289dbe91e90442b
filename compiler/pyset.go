package compiler

import (
	"fmt"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// pySet is the Python set that dbt's set() and set_strict() return. It is a type of its own,
// not a deduplicated list, because templates compare sets: dbt-utils' equality test checks
// `set(model columns) != set(compare columns)`, which must not depend on column order.
// Members keep insertion order (deterministic output; Python's order is a hash order no
// template can rely on). Equality ignores order; a set never equals a list.
type pySet struct{ d *jinja.Dict }

// newPySet builds a set from items; an unhashable item is Python's TypeError.
func newPySet(items []jinja.Value) (*pySet, error) {
	s := &pySet{d: jinja.NewDict()}
	for _, it := range items {
		if err := s.add(it); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *pySet) add(v jinja.Value) error {
	if !jinja.Hashable(v) {
		return fmt.Errorf("unhashable type: '%s'", typeName(v))
	}
	s.d.Set(v, nil)
	return nil
}

func (s *pySet) has(v jinja.Value) bool {
	if !jinja.Hashable(v) {
		return false
	}
	_, ok := s.d.Get(v)
	return ok
}

func (s *pySet) members() []jinja.Value { return s.d.Keys() }

// JinjaIter makes the set loopable, measurable with length and testable with `in`.
func (s *pySet) JinjaIter() []jinja.Value { return s.members() }

// JinjaTruth: an empty set is false.
func (s *pySet) JinjaTruth() bool { return s.d.Len() > 0 }

// JinjaHash is nil: a set is unhashable, as in Python.
func (s *pySet) JinjaHash() any { return nil }

// JinjaTypeName names the Python type in TypeErrors.
func (s *pySet) JinjaTypeName() string { return "set" }

// JinjaString renders Python's repr: {1, 'a'}, or set() when empty.
func (s *pySet) JinjaString() string {
	if s.d.Len() == 0 {
		return "set()"
	}
	l := jinja.ToString(jinja.NewList(s.members()...))
	return "{" + l[1:len(l)-1] + "}"
}

// pyRepr is Python's repr of one value (the engine renders list items with repr).
func pyRepr(v jinja.Value) string {
	l := jinja.ToString(jinja.NewList(v))
	return l[1 : len(l)-1]
}

// subset reports whether every member of s is in o.
func (s *pySet) subset(o *pySet) bool {
	for _, m := range s.members() {
		if !o.has(m) {
			return false
		}
	}
	return true
}

// JinjaBinary implements ==, the subset comparisons and - (difference) against another set.
func (s *pySet) JinjaBinary(op string, other jinja.Value, reflected bool) (jinja.Value, bool, error) {
	o, ok := other.(*pySet)
	if !ok {
		if op == "==" {
			return false, true, nil
		}
		return nil, false, nil
	}
	a, b := s, o
	if reflected {
		a, b = o, s
	}
	switch op {
	case "==":
		return a.d.Len() == b.d.Len() && a.subset(b), true, nil
	case "<=":
		return a.subset(b), true, nil
	case "<":
		return a.d.Len() < b.d.Len() && a.subset(b), true, nil
	case ">=":
		return b.subset(a), true, nil
	case ">":
		return b.d.Len() < a.d.Len() && b.subset(a), true, nil
	case "-":
		return a.combine([]*pySet{b}, func(in []bool) bool { return !in[0] }), true, nil
	}
	return nil, false, nil
}

// combine is a new set of the members of s (then of others, when union) that keep() accepts,
// given for each member whether each other set holds it.
func (s *pySet) combine(others []*pySet, keep func(in []bool) bool) *pySet {
	out := &pySet{d: jinja.NewDict()}
	in := make([]bool, len(others))
	for _, m := range s.members() {
		for i, o := range others {
			in[i] = o.has(m)
		}
		if keep(in) {
			out.d.Set(m, nil)
		}
	}
	return out
}

// setArgs converts method arguments (any iterables) to sets.
func setArgs(method string, args []jinja.Value) ([]*pySet, error) {
	out := make([]*pySet, 0, len(args))
	for _, a := range args {
		if s, ok := a.(*pySet); ok {
			out = append(out, s)
			continue
		}
		items, ok := iterItems(a)
		if !ok {
			return nil, fmt.Errorf("set.%s(): '%s' object is not iterable", method, typeName(a))
		}
		s, err := newPySet(items)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Attr implements Python's set methods.
func (s *pySet) Attr(name string) (jinja.Value, bool) {
	method := func(f func(args []*pySet, raw []jinja.Value) (jinja.Value, error)) jinja.Value {
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			var sets []*pySet
			if name != "add" && name != "remove" && name != "discard" {
				var err error
				if sets, err = setArgs(name, args); err != nil {
					return nil, err
				}
			}
			return f(sets, args)
		})
	}
	one := func(raw []jinja.Value) (jinja.Value, error) {
		if len(raw) != 1 {
			return nil, fmt.Errorf("set.%s() takes exactly one argument (%d given)", name, len(raw))
		}
		return raw[0], nil
	}
	switch name {
	case "add":
		return method(func(_ []*pySet, raw []jinja.Value) (jinja.Value, error) {
			v, err := one(raw)
			if err != nil {
				return nil, err
			}
			return nil, s.add(v)
		}), true
	case "remove", "discard":
		return method(func(_ []*pySet, raw []jinja.Value) (jinja.Value, error) {
			v, err := one(raw)
			if err != nil {
				return nil, err
			}
			if !s.d.Delete(v) && name == "remove" {
				return nil, fmt.Errorf("KeyError: %s", pyRepr(v))
			}
			return nil, nil
		}), true
	case "update":
		return method(func(sets []*pySet, _ []jinja.Value) (jinja.Value, error) {
			for _, o := range sets {
				for _, m := range o.members() {
					s.d.Set(m, nil)
				}
			}
			return nil, nil
		}), true
	case "union":
		return method(func(sets []*pySet, _ []jinja.Value) (jinja.Value, error) {
			out := s.combine(nil, func([]bool) bool { return true })
			for _, o := range sets {
				for _, m := range o.members() {
					out.d.Set(m, nil)
				}
			}
			return out, nil
		}), true
	case "intersection":
		return method(func(sets []*pySet, _ []jinja.Value) (jinja.Value, error) {
			return s.combine(sets, func(in []bool) bool {
				for _, b := range in {
					if !b {
						return false
					}
				}
				return true
			}), nil
		}), true
	case "difference":
		return method(func(sets []*pySet, _ []jinja.Value) (jinja.Value, error) {
			return s.combine(sets, func(in []bool) bool {
				for _, b := range in {
					if b {
						return false
					}
				}
				return true
			}), nil
		}), true
	case "symmetric_difference":
		return method(func(sets []*pySet, _ []jinja.Value) (jinja.Value, error) {
			if len(sets) != 1 {
				return nil, fmt.Errorf("set.symmetric_difference() takes exactly one argument (%d given)", len(sets))
			}
			out := s.combine(sets, func(in []bool) bool { return !in[0] })
			for _, m := range sets[0].members() {
				if !s.has(m) {
					out.d.Set(m, nil)
				}
			}
			return out, nil
		}), true
	case "issubset", "issuperset", "isdisjoint":
		return method(func(sets []*pySet, _ []jinja.Value) (jinja.Value, error) {
			if len(sets) != 1 {
				return nil, fmt.Errorf("set.%s() takes exactly one argument (%d given)", name, len(sets))
			}
			switch name {
			case "issubset":
				return s.subset(sets[0]), nil
			case "issuperset":
				return sets[0].subset(s), nil
			}
			return s.combine(sets, func(in []bool) bool { return in[0] }).d.Len() == 0, nil
		}), true
	case "copy":
		return method(func([]*pySet, []jinja.Value) (jinja.Value, error) {
			return s.combine(nil, func([]bool) bool { return true }), nil
		}), true
	case "clear":
		return method(func([]*pySet, []jinja.Value) (jinja.Value, error) {
			s.d = jinja.NewDict()
			return nil, nil
		}), true
	case "pop":
		return method(func([]*pySet, []jinja.Value) (jinja.Value, error) {
			if s.d.Len() == 0 {
				return nil, fmt.Errorf("KeyError: 'pop from an empty set'")
			}
			m := s.members()[0]
			s.d.Delete(m)
			return m, nil
		}), true
	}
	return nil, false
}
