package jinja

import (
	"fmt"
	"reflect"
)

// Hasher lets a host Object be a dict key or set member with value semantics, the way a
// Python class does with __hash__ and __eq__: dbt-utils keys dicts by Relation
// (`{% do cols.update({relation: []}) %}`), and dbt code dedupes datetimes.
//
// JinjaHash returns a comparable Go value; two host keys are the same dict key exactly when
// their JinjaHash values are == in Go (dynamic type included), so it must agree with the
// object's "==" Operand hook. Host keys never collide with str, int or other engine keys.
// A nil JinjaHash (Python's __hash__ = None) or one that is not comparable (a slice, a
// map) makes the object unhashable.
//
// A pointer-typed host object without Hasher is hashed by identity, as Python hashes an
// object that does not define __eq__: the same object finds its entry, a distinct one
// does not.
type Hasher interface {
	JinjaHash() any
}

// Hashable reports whether v can be a dict key or set member (Python's hash(v) succeeds), so
// that host containers such as dbt's set() refuse what Python refuses.
func Hashable(v Value) bool { return hashable(v) }

// hostKey is the dict key of a host object, kept apart from engine keys so that a
// Relation hashing by its name is not the same key as that name as a str.
type hostKey struct{ v any }

// hostHashable reports whether host value k can be a dict key, and its key.
func hostHashable(k Value) (key any, ok bool) {
	if h, isH := k.(Hasher); isH {
		v := h.JinjaHash()
		if v == nil || !reflect.ValueOf(v).Comparable() {
			return nil, false
		}
		return hostKey{v}, true
	}
	if k == nil {
		return nil, false
	}
	rv := reflect.ValueOf(k)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return hostKey{k}, true
	}
	return nil, false
}

// hostTupleKey spells a host key inside a tuple's key string (tuples key by text).
func hostTupleKey(k Value) (string, bool) {
	hk, ok := hostHashable(k)
	if !ok {
		return "", false
	}
	v := hk.(hostKey).v
	if reflect.ValueOf(v).Kind() == reflect.Pointer {
		return fmt.Sprintf("\x01%T@%p", v, v), true
	}
	return fmt.Sprintf("\x01%T:%#v", v, v), true
}
