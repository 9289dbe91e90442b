package main

import (
	"math"
	"math/rand/v2"
	"slices"
)

// discrete is a probability mass function over the integers lo..lo+len(p)-1
// with its cumulative table, so that a uniform quantile maps to a value by
// binary search. Quantile sampling (rather than alias sampling) is used where
// users have habits: a user-level latent shifts the quantile while the
// population marginal stays exact.
type discrete struct {
	lo  int
	p   []float64 // normalised probabilities
	cdf []float64 // cdf[i] = P(X <= lo+i)
}

// newDiscrete normalises weights w (index i is the value lo+i).
func newDiscrete(lo int, w []float64) *discrete {
	d := &discrete{lo: lo, p: make([]float64, len(w)), cdf: make([]float64, len(w))}
	var s float64
	for _, x := range w {
		s += x
	}
	var c float64
	for i, x := range w {
		d.p[i] = x / s
		c += x / s
		d.cdf[i] = c
	}
	d.cdf[len(w)-1] = 1
	return d
}

// quantile returns the smallest value whose cumulative probability reaches u.
func (d *discrete) quantile(u float64) int {
	lo, hi := 0, len(d.cdf)-1
	for lo < hi {
		m := (lo + hi) / 2
		if d.cdf[m] < u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return d.lo + lo
}

// mean is the expected value, used by calibration tests and the README table.
func (d *discrete) mean() float64 {
	var m float64
	for i, p := range d.p {
		m += float64(d.lo+i) * p
	}
	return m
}

// midZ is the standard-normal score of the middle of value v's probability
// band, which turns a discrete draw into a latent usable for correlation.
func (d *discrete) midZ(v int) float64 {
	i := v - d.lo
	below := 0.0
	if i > 0 {
		below = d.cdf[i-1]
	}
	return normQuantile(below + d.p[i]/2)
}

// anchored builds weights for lo..hi by log-linear interpolation between the
// anchor points of a published histogram, extending past the last anchor
// with a geometric tail of the given log slope.
func anchored(anchors map[int]float64, lo, hi int, tailSlope float64) []float64 {
	keys := make([]int, 0, len(anchors))
	for k := range anchors {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	w := make([]float64, hi-lo+1)
	for x := lo; x <= hi; x++ {
		if v, ok := anchors[x]; ok {
			w[x-lo] = v
			continue
		}
		left, right := -1, -1
		for _, k := range keys {
			if k < x {
				left = k
			} else if k > x && right < 0 {
				right = k
			}
		}
		switch {
		case left >= 0 && right >= 0:
			t := float64(x-left) / float64(right-left)
			w[x-lo] = math.Exp(math.Log(anchors[left])*(1-t) + math.Log(anchors[right])*t)
		case left >= 0:
			w[x-lo] = anchors[left] * math.Exp(tailSlope*float64(x-left))
		default:
			w[x-lo] = anchors[right]
		}
	}
	return w
}

// normCDF is the standard normal distribution function.
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// normQuantile inverts normCDF (p clamped to the open unit interval).
func normQuantile(p float64) float64 {
	const eps = 1e-12
	p = math.Min(math.Max(p, eps), 1-eps)
	return -math.Sqrt2 * math.Erfcinv(2*p)
}

// latent draws one observation of a user habit: a standard normal that shares
// correlation rho with the user's fixed latent z.
func latent(r *rand.Rand, z, rho float64) float64 {
	return rho*z + math.Sqrt(1-rho*rho)*r.NormFloat64()
}

// alias is Walker's alias table: O(1) draws from the product popularity
// distribution, the one global table of the generator.
type alias struct {
	prob  []float64
	alias []int32
}

func newAlias(w []float64) *alias {
	n := len(w)
	a := &alias{prob: make([]float64, n), alias: make([]int32, n)}
	var s float64
	for _, x := range w {
		s += x
	}
	scaled := make([]float64, n)
	small := make([]int32, 0, n)
	large := make([]int32, 0, n)
	for i, x := range w {
		scaled[i] = x * float64(n) / s
		if scaled[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		l := small[len(small)-1]
		small = small[:len(small)-1]
		g := large[len(large)-1]
		a.prob[l] = scaled[l]
		a.alias[l] = g
		scaled[g] -= 1 - scaled[l]
		if scaled[g] < 1 {
			large = large[:len(large)-1]
			small = append(small, g)
		}
	}
	for _, i := range large {
		a.prob[i] = 1
		a.alias[i] = i
	}
	for _, i := range small {
		a.prob[i] = 1
		a.alias[i] = i
	}
	return a
}

func (a *alias) draw(r *rand.Rand) int32 {
	i := r.IntN(len(a.prob))
	if r.Float64() < a.prob[i] {
		return int32(i)
	}
	return a.alias[i]
}
