package jinja

import "sort"

// Conversions between host Go values and engine values.

// FromGo converts a Go value to the engine's representation (maps become *Dict with sorted
// keys, slices become *List, ints become int64, structs are not converted).
func FromGo(v any) Value {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, *List, Tuple, *Dict, *Undefined, *Namespace, Markup:
		return v
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case float32:
		return float64(x)
	case []any:
		l := make([]Value, len(x))
		for i, it := range x {
			l[i] = FromGo(it)
		}
		return &List{Items: l}
	case []string:
		l := make([]Value, len(x))
		for i, it := range x {
			l[i] = it
		}
		return &List{Items: l}
	case []int:
		l := make([]Value, len(x))
		for i, it := range x {
			l[i] = int64(it)
		}
		return &List{Items: l}
	case []int64:
		l := make([]Value, len(x))
		for i, it := range x {
			l[i] = it
		}
		return &List{Items: l}
	case []float64:
		l := make([]Value, len(x))
		for i, it := range x {
			l[i] = it
		}
		return &List{Items: l}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		d := NewDict()
		for _, k := range keys {
			d.Set(k, FromGo(x[k]))
		}
		return d
	case map[string]string:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		d := NewDict()
		for _, k := range keys {
			d.Set(k, x[k])
		}
		return d
	case func(c *Call, args []Value, kwargs []KeywordArg) (Value, error):
		return Func(x)
	}
	return v
}

// ToGo converts an engine value to plain Go (map[string]any, []any, int64, …) for the host.
// Dict keys that are not strings are rendered with ToString.
func ToGo(v Value) any { return toGoDepth(v, 0) }

func toGoDepth(v Value, depth int) any {
	if depth > maxNest {
		return nil
	}
	switch x := v.(type) {
	case *List:
		out := make([]any, len(x.Items))
		for i, it := range x.Items {
			out[i] = toGoDepth(it, depth+1)
		}
		return out
	case Tuple:
		out := make([]any, len(x))
		for i, it := range x {
			out[i] = toGoDepth(it, depth+1)
		}
		return out
	case *Dict:
		out := make(map[string]any, x.Len())
		for i, k := range x.keys {
			ks, ok := k.(string)
			if !ok {
				ks = ToString(k)
			}
			out[ks] = toGoDepth(x.vals[i], depth+1)
		}
		return out
	case *Namespace:
		return toGoDepth(x.Attrs, depth+1)
	case *Undefined:
		return nil
	case Markup:
		return string(x)
	case rangeVal:
		return toGoDepth(&List{Items: x.items()}, depth+1)
	}
	return v
}
