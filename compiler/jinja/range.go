package jinja

import (
	"math"
	"math/big"
)

// maxRange is jinja2/sandbox.py's MAX_RANGE: the most items a range may have. dbt renders
// in Jinja2's SandboxedEnvironment (dbt_common/clients/jinja.py), whose range is the
// sandbox's safe_range.
const maxRange = 100_000

// rangeVal is Python's range object. Its bounds are int64 on the fast path; b holds all
// three when one of them does not fit, since Python ints are unbounded:
// range(2**64, 2**64 + 2) is a valid two-item range (the sandbox caps only the length).
type rangeVal struct {
	start, stop, step int64
	b                 *[3]*big.Int
}

// newRange builds a range from arbitrary-precision bounds, on the int64 fast path when
// every bound fits.
func newRange(start, stop, step *big.Int) rangeVal {
	if start.IsInt64() && stop.IsInt64() && step.IsInt64() {
		return rangeVal{start: start.Int64(), stop: stop.Int64(), step: step.Int64()}
	}
	return rangeVal{b: &[3]*big.Int{start, stop, step}}
}

// bounds returns start, stop and step as big ints (fresh copies the caller may modify).
func (r rangeVal) bounds() (start, stop, step *big.Int) {
	if r.b != nil {
		return new(big.Int).Set(r.b[0]), new(big.Int).Set(r.b[1]), new(big.Int).Set(r.b[2])
	}
	return big.NewInt(r.start), big.NewInt(r.stop), big.NewInt(r.step)
}

// attr returns the start (0), stop (1) or step (2) attribute as a Python int.
func (r rangeVal) attr(i int) Value {
	if r.b != nil {
		return normBig(r.b[i])
	}
	return [3]int64{r.start, r.stop, r.step}[i]
}

// bigLength is len(range) without overflow (Objects/rangeobject.c compute_range_length).
func (r rangeVal) bigLength() *big.Int {
	start, stop, step := r.bounds()
	span := stop.Sub(stop, start)
	if span.Sign() != step.Sign() || span.Sign() == 0 {
		return new(big.Int)
	}
	span.Abs(span)
	step.Abs(step)
	n := new(big.Int).Add(span, step) // ceil(span / step)
	n.Sub(n, big.NewInt(1))
	return n.Quo(n, step)
}

// length is len(range), saturated at MaxInt64 for ranges the sandbox never lets exist.
func (r rangeVal) length() int64 {
	if r.b == nil {
		if r.step > 0 && r.start < r.stop {
			if n := (r.stop - r.start + r.step - 1) / r.step; n >= 0 {
				return n
			}
		} else if r.step < 0 && r.start > r.stop {
			if n := (r.start - r.stop - r.step - 1) / (-r.step); n >= 0 {
				return n
			}
		} else {
			return 0
		}
	}
	n := r.bigLength()
	if !n.IsInt64() {
		return math.MaxInt64
	}
	return n.Int64()
}

// at is the i-th item (0 <= i < length).
func (r rangeVal) at(i int64) Value {
	if r.b == nil {
		return r.start + i*r.step
	}
	v := new(big.Int).Mul(big.NewInt(i), r.b[2])
	return normBig(v.Add(v, r.b[0]))
}

func (r rangeVal) items() []Value {
	n := r.length()
	out := make([]Value, 0, n)
	for i := int64(0); i < n; i++ {
		out = append(out, r.at(i))
	}
	return out
}

// contains is range.__contains__ for an int item (range_contains_long).
func (r rangeVal) contains(item Value) bool {
	i, ok := toBig(item)
	if !ok {
		return false
	}
	start, stop, step := r.bounds()
	if step.Sign() > 0 {
		if i.Cmp(start) < 0 || i.Cmp(stop) >= 0 {
			return false
		}
	} else if i.Cmp(start) > 0 || i.Cmp(stop) <= 0 {
		return false
	}
	d := new(big.Int).Sub(i, start)
	return d.Rem(d, step).Sign() == 0
}

// slice is range[s:e:st] with indices already normalized by slice.indices: a range again
// (rangeobject.c compute_slice).
func (r rangeVal) slice(s, e, st int) rangeVal {
	start, _, step := r.bounds()
	ns := new(big.Int).Add(start, new(big.Int).Mul(big.NewInt(int64(s)), step))
	ne := new(big.Int).Add(start, new(big.Int).Mul(big.NewInt(int64(e)), step))
	return newRange(ns, ne, step.Mul(step, big.NewInt(int64(st))))
}

// repr is range.__repr__: the step only when it is not 1.
func (r rangeVal) repr() string {
	start, stop, step := r.bounds()
	s := "range(" + start.String() + ", " + stop.String()
	if step.Cmp(big.NewInt(1)) != 0 {
		s += ", " + step.String()
	}
	return s + ")"
}

// rangeKey is the dict key of a range, kept apart from str keys.
type rangeKey struct{ s string }

// key is what makes two ranges equal, for == and hashing (rangeobject.c range_equals,
// range_hash): the length, then the start unless the range is empty, then the step unless
// it has one item, so range(0) == range(2, 2) and range(0, 3) == range(0, 3, 1).
func (r rangeVal) key() rangeKey {
	n := r.bigLength()
	start, _, step := r.bounds()
	switch {
	case n.Sign() == 0:
		return rangeKey{"0"}
	case n.IsInt64() && n.Int64() == 1:
		return rangeKey{"1:" + start.String()}
	}
	return rangeKey{n.String() + ":" + start.String() + ":" + step.String()}
}

// method is range.index or range.count (rangeobject.c range_index, range_count): an int
// is found by arithmetic, anything else by comparing with each item.
func (r rangeVal) method(name string) Func {
	return func(_ *Call, args []Value, kw []KeywordArg) (Value, error) {
		a, err := bindArgs(name, args, kw, []string{"value"}, []Value{required})
		if err != nil {
			return nil, err
		}
		pos := int64(-1)
		if _, isInt := toBig(a[0]); isInt {
			if r.contains(a[0]) {
				i, _ := toBig(a[0])
				start, _, step := r.bounds()
				i.Sub(i, start)
				pos = i.Quo(i, step).Int64()
			}
		} else {
			for i, n := int64(0), r.length(); i < n && i < maxRange; i++ {
				if equal(r.at(i), a[0]) {
					pos = i
					break
				}
			}
		}
		if name == "count" {
			if pos >= 0 {
				return int64(1), nil
			}
			return int64(0), nil
		}
		if pos < 0 {
			return nil, typeErr(repr(a[0]) + " is not in range")
		}
		return pos, nil
	}
}
