package jinja

import (
	"math"
	"math/big"
	"strings"
)

// tupleKey is the hashable form of a Tuple used as a dict key.
type tupleKey struct{ s string }

// hashKey normalises a key the way Python hashes it: 1, 1.0 and True are one key.
// undefinedKey is the one dict key all Undefined values share.
type undefinedKey struct{}

func hashKey(k Value) any {
	switch x := k.(type) {
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case int:
		return int64(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x)
		}
		return x
	case *big.Int:
		return "big:" + x.String()
	case complexVal:
		if x.im == 0 { // complex(2, 0) == 2 == 2.0: one key (complex_hash)
			return hashKey(x.re)
		}
		return x
	case Tuple:
		var b strings.Builder
		for _, it := range x {
			hs, host := "", false
			if rv, ok := it.(rangeVal); ok {
				hs, host = "\x02"+rv.key().s, true
			} else if !engineHashable(it) {
				hs, host = hostTupleKey(it)
			}
			if host {
				b.WriteString(hs)
			} else {
				b.WriteString(repr(it))
			}
			b.WriteByte(0)
		}
		return tupleKey{b.String()}
	case Markup:
		return string(x)
	case rangeVal:
		return x.key()
	case *Undefined:
		return undefinedKey{}
	case *List, *Dict:
		return nil // unhashable; callers check hashable first
	default:
		if !engineHashable(k) {
			if hk, ok := hostHashable(k); ok {
				return hk
			}
		}
		return k
	}
}

// hashable reports whether k can be a dict key: engine values by value, host objects
// through Hasher or by identity (hashable.go).
func hashable(k Value) bool {
	switch x := k.(type) {
	case nil, bool, int, int64, float64, string, *big.Int, Markup, *Undefined, complexVal, rangeVal:
		// Markup hashes as its str; every Undefined hashes alike and equals every
		// other (jinja2/runtime.py Undefined.__hash__ and __eq__); a range by value.
		return true
	case Tuple:
		for _, it := range x {
			if !hashable(it) {
				return false
			}
		}
		return true
	case *List, *Dict:
		return false
	case *dictView:
		// keys and items views are set-like, so unhashable; values views hash by identity
		return x.kind == "dict_values"
	}
	// a Namespace, like every Python object without __eq__, hashes by identity (host
	// objects of pointer type below)
	_, ok := hostHashable(k)
	return ok
}

// engineHashable reports whether k is a value hashKey keys by itself (not a host object).
func engineHashable(k Value) bool {
	switch k.(type) {
	case nil, bool, int, int64, float64, string, *big.Int, Tuple, complexVal:
		return true
	}
	return false
}

// NewDict returns an empty dict.
func NewDict() *Dict { return &Dict{} }

// Get looks a key up.
func (d *Dict) Get(k Value) (Value, bool) {
	if d == nil || d.idx == nil {
		return nil, false
	}
	if !hashable(k) {
		return nil, false
	}
	i, ok := d.idx[hashKey(k)]
	if !ok {
		return nil, false
	}
	return d.vals[i], true
}

// Set adds or replaces a key, keeping the original insertion position.
func (d *Dict) Set(k, v Value) {
	if d.idx == nil {
		d.idx = make(map[any]int)
	}
	hk := hashKey(k)
	if i, ok := d.idx[hk]; ok {
		d.vals[i] = v
		return
	}
	d.idx[hk] = len(d.keys)
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

// Delete removes a key and reports whether it was there.
func (d *Dict) Delete(k Value) bool {
	if d.idx == nil || !hashable(k) {
		return false
	}
	hk := hashKey(k)
	i, ok := d.idx[hk]
	if !ok {
		return false
	}
	delete(d.idx, hk)
	copy(d.keys[i:], d.keys[i+1:])
	copy(d.vals[i:], d.vals[i+1:])
	d.keys = d.keys[:len(d.keys)-1]
	d.vals = d.vals[:len(d.vals)-1]
	for j := i; j < len(d.keys); j++ {
		d.idx[hashKey(d.keys[j])] = j
	}
	return true
}

// Len is the number of keys.
func (d *Dict) Len() int {
	if d == nil {
		return 0
	}
	return len(d.keys)
}

// Keys returns the keys in insertion order (a copy).
func (d *Dict) Keys() []Value { return append([]Value(nil), d.keys...) }

// Values returns the values in insertion order (a copy).
func (d *Dict) Values() []Value { return append([]Value(nil), d.vals...) }

func (d *Dict) clear() {
	d.keys, d.vals, d.idx = nil, nil, nil
}

func (d *Dict) copyDict() *Dict {
	n := &Dict{keys: append([]Value(nil), d.keys...), vals: append([]Value(nil), d.vals...)}
	if d.idx != nil {
		n.idx = make(map[any]int, len(d.idx))
		for k, v := range d.idx {
			n.idx[k] = v
		}
	}
	return n
}

// NewList returns a list holding items (not copied).
func NewList(items ...Value) *List { return &List{Items: items} }

// Markup is a string already HTML-escaped (what the escape filter returns); escaping it
// again is a no-op, as with Jinja2's markupsafe.Markup.
type Markup string

// normalize turns host numeric and slice types into engine values.
func normalize(v Value) Value {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, *List, Tuple, *Dict, *Undefined, *Namespace:
		return v
	case int:
		return int64(x)
	}
	return FromGo(v)
}

// Truthy reports Python truthiness of v.
func Truthy(v Value) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case int:
		return x != 0
	case float64:
		return x != 0
	case complexVal:
		return x.re != 0 || x.im != 0
	case string:
		return x != ""
	case Markup:
		return x != ""
	case *List:
		return len(x.Items) > 0
	case Tuple:
		return len(x) > 0
	case *Dict:
		return x.Len() > 0
	case *Undefined:
		return false
	case rangeVal:
		return x.length() > 0
	case *big.Int:
		return x.Sign() != 0
	case *dictView:
		return x.d.Len() > 0
	case Truther:
		return x.JinjaTruth()
	}
	return true
}

// Truther lets a host Object choose its truthiness, as a Python class does with __bool__ or
// __len__ (an empty set is false); host objects without it are always true.
type Truther interface{ JinjaTruth() bool }

// ToString renders v as {{ v }} would.
func ToString(v Value) string {
	switch x := v.(type) {
	case string:
		return x
	case Markup:
		return string(x)
	case *Undefined:
		return ""
	case Stringer:
		return x.JinjaString()
	}
	return repr(v)
}
