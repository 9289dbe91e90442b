package main

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
)

// item is one product in a user's history: the only state carried from
// order to order, and the source of the user x product signal.
type item struct {
	prod    int32
	count   int32   // orders that contained it
	last    int32   // order number of the latest such order
	taste   float32 // hidden log-affinity, drifting from order to order
	tasteAt int32   // order number the taste was last advanced to
}

// line is one row of an order's basket before it is written.
type line struct {
	prod      int32
	reordered bool
	key       float64 // add_to_cart sort key
}

// userGen generates users one at a time; its buffers are reused so a worker
// allocates nothing per user in the steady state.
type userGen struct {
	m     *model
	seed  uint64
	hist  []item
	index map[int32]int32 // product -> position in hist
	lines []line
	heap  []cand
}

type cand struct {
	key float64
	i   int32
}

func newUserGen(m *model, seed uint64) *userGen {
	return &userGen{m: m, seed: seed, index: make(map[int32]int32, 1024)}
}

// shardOut collects the CSV rows of a run of consecutive users.
type shardOut struct {
	orders, prior, train    []byte
	zOrders, zPrior, zTrain bytes.Buffer // compressed chunks (--gzip)
	users                   int
	stats                   genStats
}

// genStats are counters reported at the end of a run.
type genStats struct {
	users, orders, priorLines, trainLines int64
}

// user generates user uid with n orders whose first order has global
// sequence number seq (order ids are a permutation of sequence numbers).
func (g *userGen) user(uid, n int, test bool, seq int64, ids *feistel, out *shardOut) {
	m := g.m
	r := userRand(g.seed, uid, userStream)
	h := m.habits(r, n)
	g.hist = g.hist[:0]
	clear(g.index)
	out.users++
	out.stats.users++
	for k := 1; k <= n; k++ {
		orderID := ids.permute(seq+int64(k-1)) + 1
		evalSet := "prior"
		if k == n {
			evalSet = "train"
			if test {
				evalSet = "test"
			}
		}
		dow := m.dow.quantile(normCDF(latent(r, h.zDow, dowRho)))
		hour := m.hour.quantile(normCDF(latent(r, h.zHour, hourRho)))
		days := -1
		if k > 1 {
			days = m.gap(latent(r, h.zGap, gapRho))
		}
		out.orders = appendOrder(out.orders, orderID, uid, evalSet, k, dow, hour, days)
		out.stats.orders++
		if evalSet == "test" {
			continue
		}
		bx := latent(r, h.zBasket, basketRho)
		if evalSet == "train" {
			bx += trainShift
		}
		size := m.basket.quantile(normCDF(bx))
		g.order(r, &h, k, size, days)
		dst := &out.prior
		if evalSet == "train" {
			dst = &out.train
			out.stats.trainLines += int64(len(g.lines))
		} else {
			out.stats.priorLines += int64(len(g.lines))
		}
		for i, l := range g.lines {
			*dst = appendLine(*dst, orderID, l.prod+1, i+1, l.reordered)
		}
	}
}

// order fills g.lines with the basket of order k and updates the history.
// days is the gap since the previous order: after a long break a basket
// holds fewer of the usual items, as in the real data.
func (g *userGen) order(r *rand.Rand, h *habits, k, size, days int) {
	g.lines = g.lines[:0]
	nRe := 0
	if k > 1 {
		p := h.reorder * (1 - warmupDepth*math.Exp(-float64(k-2)/warmupTau)) *
			(1 + gapEffect*(0.37-float64(days)/30))
		for i := 0; i < size; i++ {
			if r.Float64() < p {
				nRe++
			}
		}
		nRe = min(nRe, len(g.hist))
	}
	if nRe > 0 {
		g.pickReorders(r, k, nRe)
	}
	for len(g.lines) < size {
		prod, ok := g.drawNew(r)
		if !ok {
			break
		}
		g.index[prod] = int32(len(g.hist))
		g.hist = append(g.hist, item{prod: prod, count: 1, last: int32(k), tasteAt: int32(k),
			taste: float32(tasteSD * r.NormFloat64())})
		g.lines = append(g.lines, line{prod: prod, key: r.Float64()})
	}
	// insertion sort by cart key: baskets are small
	ls := g.lines
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && ls[j].key < ls[j-1].key; j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
}

// pickReorders chooses nRe distinct history items without replacement,
// each with weight taste x product propensity x count^a x recency decay
// (Efraimidis-Spirakis: the nRe smallest Exp/w keys, kept in a max-heap).
// Tastes drift (an AR(1) walk per order), so favourites come and go and
// the past predicts the next basket well but not perfectly.
func (g *userGen) pickReorders(r *rand.Rand, k, nRe int) {
	m := g.m
	hp := g.heap[:0]
	for i := range g.hist {
		it := &g.hist[i]
		if gap := min(k-int(it.tasteAt), len(m.driftKeep)-1); gap > 0 {
			it.taste = float32(m.driftKeep[gap]*float64(it.taste) + m.driftNew[gap]*r.NormFloat64())
			it.tasteAt = int32(k)
		}
		since := k - 1 - int(it.last)
		w := math.Exp(float64(it.taste)) * float64(m.cat.reorder[it.prod]) *
			m.countW[min(int(it.count), len(m.countW)-1)] * m.recencyW[min(since, len(m.recencyW)-1)]
		key := r.ExpFloat64() / w
		if len(hp) < nRe {
			hp = append(hp, cand{key, int32(i)})
			for j := len(hp) - 1; j > 0; { // sift up
				p := (j - 1) / 2
				if hp[p].key >= hp[j].key {
					break
				}
				hp[p], hp[j] = hp[j], hp[p]
				j = p
			}
			continue
		}
		if key >= hp[0].key {
			continue
		}
		hp[0] = cand{key, int32(i)}
		for j := 0; ; { // sift down
			c := 2*j + 1
			if c >= len(hp) {
				break
			}
			if c+1 < len(hp) && hp[c+1].key > hp[c].key {
				c++
			}
			if hp[j].key >= hp[c].key {
				break
			}
			hp[j], hp[c] = hp[c], hp[j]
			j = c
		}
	}
	// heap order depends only on keys, so the result is deterministic
	for _, c := range hp {
		it := &g.hist[c.i]
		it.count++
		it.last = int32(k)
		g.lines = append(g.lines, line{prod: it.prod, reordered: true, key: math.Pow(r.Float64(), cartBias)})
	}
	g.heap = hp
}

// drawNew draws a product the user has never bought (and is not already in
// this basket, which the history now includes) from the popularity table.
func (g *userGen) drawNew(r *rand.Rand) (int32, bool) {
	for try := 0; try < 200; try++ {
		p := g.m.cat.pop.draw(r)
		if _, seen := g.index[p]; !seen {
			return p, true
		}
	}
	return 0, false
}

// appendOrder renders one orders.csv row; days < 0 is the empty first gap.
func appendOrder(b []byte, orderID int64, uid int, evalSet string, k, dow, hour, days int) []byte {
	b = strconv.AppendInt(b, orderID, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(uid), 10)
	b = append(b, ',')
	b = append(b, evalSet...)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(k), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(dow), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(hour), 10)
	b = append(b, ',')
	if days >= 0 {
		b = strconv.AppendInt(b, int64(days), 10)
		b = append(b, ".0"...)
	}
	return append(b, '\n')
}

// appendLine renders one order_products row.
func appendLine(b []byte, orderID int64, prodID int32, pos int, reordered bool) []byte {
	b = strconv.AppendInt(b, orderID, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(prodID), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(pos), 10)
	if reordered {
		return append(b, ",1\n"...)
	}
	return append(b, ",0\n"...)
}
