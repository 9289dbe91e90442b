package dag

import "math/bits"

// bitset is a set of node indices; selection combines whole-graph sets with set
// operators, which are a few thousand word operations on 50,000 nodes.
type bitset struct{ w []uint64 }

func newBitset(n int) *bitset { return &bitset{w: make([]uint64, (n+63)/64)} }

func (s *bitset) set(i int32)      { s.w[i>>6] |= 1 << (uint(i) & 63) }
func (s *bitset) unset(i int32)    { s.w[i>>6] &^= 1 << (uint(i) & 63) }
func (s *bitset) has(i int32) bool { return s.w[i>>6]&(1<<(uint(i)&63)) != 0 }

func (s *bitset) clear() { clear(s.w) }

func (s *bitset) clone() *bitset { return &bitset{w: append([]uint64(nil), s.w...)} }

func (s *bitset) or(o *bitset) {
	for i := range s.w {
		s.w[i] |= o.w[i]
	}
}

func (s *bitset) and(o *bitset) {
	for i := range s.w {
		s.w[i] &= o.w[i]
	}
}

func (s *bitset) andNot(o *bitset) {
	for i := range s.w {
		s.w[i] &^= o.w[i]
	}
}

func (s *bitset) equal(o *bitset) bool {
	for i := range s.w {
		if s.w[i] != o.w[i] {
			return false
		}
	}
	return true
}

func (s *bitset) count() int {
	c := 0
	for _, w := range s.w {
		c += bits.OnesCount64(w)
	}
	return c
}

// each calls f for every member in ascending order.
func (s *bitset) each(f func(i int32)) {
	for wi, w := range s.w {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			f(int32(wi*64 + b))
			w &= w - 1
		}
	}
}
