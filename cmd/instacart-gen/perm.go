package main

// feistel is a keyed bijection of [0, n): a balanced Feistel network on the
// smallest even-width power of two covering n, with cycle walking. It
// scrambles order ids (as in the Kaggle files, where order_id carries no
// time order) and picks the test users, in O(1) memory.
type feistel struct {
	n    int64
	half uint // bits per half
	mask uint64
	key  uint64
}

func newFeistel(n int64, key uint64) *feistel {
	bits := uint(2)
	for int64(1)<<bits < n {
		bits++
	}
	if bits%2 == 1 {
		bits++
	}
	return &feistel{n: n, half: bits / 2, mask: 1<<(bits/2) - 1, key: key}
}

// permute maps x in [0, n) to its image in [0, n).
func (f *feistel) permute(x int64) int64 {
	v := uint64(x)
	for {
		l, r := v>>f.half, v&f.mask
		for round := uint64(0); round < 4; round++ {
			l, r = r, l^(splitmix(r^f.key^round<<56)&f.mask)
		}
		v = l<<f.half | r
		if int64(v) < f.n {
			return int64(v)
		}
	}
}
