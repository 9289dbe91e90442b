package main

import (
	"math"
	"math/rand/v2"
)

// Behaviour parameters. Each user draws latent habits once (shopping
// rhythm, weekday, hour, basket size, reorder propensity) and every order
// is a noisy observation of them; product choice reinforces what the user
// already buys. The constants were tuned so that the statistics of FACTS.md
// come out (see stats_test.go for the checks and README.md for the table).
const (
	gapRho      = 0.80 // correlation of one gap's latent with the user's rhythm
	gapOrders   = 0.60 // users with many orders shop more often
	dowRho      = 0.45 // weekday habit
	hourRho     = 0.55 // hour-of-day habit
	basketRho   = 0.65 // basket-size habit
	trainShift  = 0.07 // the last (train) order is a little larger (10.55 vs 10.09)
	reorderMu   = 0.86 // logit of the user's reorder propensity: mean
	reorderSD   = 1.2  // ... spread between users
	reorderN    = 0.18 // ... heavier users are more habitual
	warmupDepth = 0.45 // early orders reorder less: p_k = R*(1-depth*exp(-(k-2)/tau))
	warmupTau   = 3.0
	countPow    = 0.7  // weight of a bought product grows with its purchase count
	recencyRate = 0.06 // and decays with the orders since it was last bought
	tasteSD     = 1.7  // per user x product taste (log scale), hidden from the features
	tasteKeep   = 0.6  // per-order autocorrelation of a taste
	cartBias    = 1.6  // reordered items tend to be put in the cart first
	gapEffect   = 0.2  // reorder share falls with days since the prior order (0.37 = mean gap/30)
)

// model is the calibrated, read-only generator shared by all workers.
type model struct {
	cat       *catalog
	orders    *discrete // orders per user, minOrders..maxOrders
	basket    *discrete // lines per order, 1..maxBasket
	days      *discrete // days_since_prior_order, 0..30
	dow       *discrete
	hour      *discrete
	dayCut    []float64 // latent thresholds for days 0..29 (see newModel)
	countW    []float64 // (count)^countPow for count < len
	recencyW  []float64 // exp(-recencyRate*since) for since < len
	driftKeep []float64 // tasteKeep^g
	driftNew  []float64 // tasteSD*sqrt(1-tasteKeep^2g): keeps the taste stationary
}

func newModel(cat *catalog) *model {
	ow := anchored(ordersPerUserAnchors, minOrders, maxOrders-1, ordersTailSlope)
	ow = append(ow, ordersAt100)
	m := &model{
		cat:    cat,
		orders: newDiscrete(minOrders, ow),
		basket: newDiscrete(1, anchored(basketAnchors, 1, maxBasket, basketTailSlope)),
		days:   newDiscrete(0, daysSincePrior),
		dow:    newDiscrete(0, orderDOW),
		hour:   newDiscrete(0, orderHour),
	}
	m.dayCut = m.gapThresholds()
	m.countW = make([]float64, maxOrders+2)
	for i := range m.countW {
		m.countW[i] = math.Pow(float64(i), countPow)
	}
	for g := 0; g <= maxOrders; g++ {
		keep := math.Pow(tasteKeep, float64(g))
		m.driftKeep = append(m.driftKeep, keep)
		m.driftNew = append(m.driftNew, tasteSD*math.Sqrt(1-keep*keep))
	}
	m.recencyW = make([]float64, maxOrders+2)
	for i := range m.recencyW {
		m.recencyW[i] = math.Exp(-recencyRate * float64(i))
	}
	return m
}

// gapThresholds solves for the cut points of the gap latent. A gap's latent
// is x = gapRho*zUser + noise with zUser correlated to the user's number of
// orders, so across all gaps (heavy users contribute more of them) x is a
// mixture of normals. Cutting that mixture at its own quantiles of the
// target histogram keeps days_since_prior_order's marginal exact while each
// user keeps a rhythm.
func (m *model) gapThresholds() []float64 {
	type comp struct{ w, mu float64 }
	var comps []comp
	var tw float64
	for i, p := range m.orders.p {
		n := m.orders.lo + i
		w := p * float64(n-1) // gaps contributed by users with n orders
		comps = append(comps, comp{w, -gapRho * gapOrders * m.orders.midZ(n)})
		tw += w
	}
	sd := math.Sqrt(1 - gapRho*gapRho*gapOrders*gapOrders)
	mix := func(x float64) float64 {
		var s float64
		for _, c := range comps {
			s += c.w * normCDF((x-c.mu)/sd)
		}
		return s / tw
	}
	cuts := make([]float64, len(m.days.cdf)-1)
	for d := range cuts {
		lo, hi := -10.0, 10.0
		for it := 0; it < 80; it++ {
			mid := (lo + hi) / 2
			if mix(mid) < m.days.cdf[d] {
				lo = mid
			} else {
				hi = mid
			}
		}
		cuts[d] = (lo + hi) / 2
	}
	return cuts
}

// gap turns a gap latent into days_since_prior_order.
func (m *model) gap(x float64) int {
	for d, c := range m.dayCut {
		if x <= c {
			return d
		}
	}
	return len(m.dayCut)
}

// habits are one user's latent traits, drawn once per user.
type habits struct {
	n                 int // orders, including the final train/test order
	zGap, zDow, zHour float64
	zBasket           float64
	reorder           float64 // asymptotic share of reordered lines
}

func (m *model) habits(r *rand.Rand, n int) habits {
	zn := m.orders.midZ(n)
	logit := reorderMu + reorderSD*r.NormFloat64() + reorderN*zn
	return habits{
		n:       n,
		zGap:    -gapOrders*zn + math.Sqrt(1-gapOrders*gapOrders)*r.NormFloat64(),
		zDow:    r.NormFloat64(),
		zHour:   r.NormFloat64(),
		zBasket: r.NormFloat64(),
		reorder: 1 / (1 + math.Exp(-logit)),
	}
}

// userStream and ordersStream name the independent random streams of a user,
// so the number of orders can be drawn alone (for order id assignment)
// without generating the user.
const (
	ordersStream = 1
	userStream   = 2
)

// userRand is the deterministic random source of (seed, user, stream): the
// same user gets the same data however the work is split across workers.
func userRand(seed uint64, user int, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(splitmix(seed^splitmix(uint64(user))), splitmix(stream+uint64(user)<<8)))
}

// ordersOf draws a user's number of orders, stratified: user u takes the
// quantile (perm(u)+U)/users of the law, with perm a seeded permutation, so
// the orders-per-user histogram matches FACTS.md at any scale, not only on
// average.
func (m *model) ordersOf(seed uint64, user int, strata *feistel) int {
	u := (float64(strata.permute(int64(user-1))) + userRand(seed, user, ordersStream).Float64()) / float64(strata.n)
	return m.orders.quantile(u)
}

func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}
