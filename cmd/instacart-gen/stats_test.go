package main

import (
	"math"
	"sort"
)

// stats are the FACTS.md statistics of a dataset, as shares where the
// published figure is a count, so that any scale can be compared.
type stats struct {
	users, priorOrders, trainOrders, testOrders int
	priorLines, trainLines                      int
	distinctPrior, distinctTrain                int
	pairs, pairsTrain, pairsTest, positives     int

	reorderPrior, reorderTrain float64
	positiveRate               float64

	ordersPerUser                  map[int]int
	opuMin, opuMedian, opuMax      int
	opuMode                        int
	opuMean                        float64
	basket                         map[int]int // prior orders by size
	basketMean                     float64
	basketMode, basketMax          int
	trainBasketMean, trainReorders float64
	noneShare                      float64

	days      [31]int
	dow       [7]int
	hour      [24]int
	topShare  float64 // share of prior lines held by the most ordered product
	top10Prod []int32

	aucShare, aucModel float64 // held-out AUC: share-of-orders alone, logistic regression

	reorderFirstPos, reorderLatePos float64 // prior reorder rate at cart position 1 and >= 10
	prodLines, prodRe               map[int32]int
}

func computeStats(d *dataset) *stats {
	s := &stats{ordersPerUser: map[int]int{}, basket: map[int]int{}}
	prodLines := map[int32]int{}
	prodRe := map[int32]int{}
	trainProds := map[int32]bool{}
	var opu []int
	seen := map[int32]bool{}
	var basketMax int
	for i := range d.orders {
		o := &d.orders[i]
		if o.num == 1 {
			s.users++
			clear(seen)
		}
		if o.days >= 0 {
			s.days[o.days]++
		}
		s.dow[o.dow]++
		s.hour[o.hour]++
		switch o.eval {
		case 'p':
			s.priorOrders++
			s.basket[int(o.cnt)]++
			basketMax = max(basketMax, int(o.cnt))
			for _, l := range d.prior[o.start : o.start+o.cnt] {
				prodLines[l.prod]++
				if l.re {
					prodRe[l.prod]++
				}
				seen[l.prod] = true
			}
		case 'r', 't':
			if o.eval == 'r' {
				s.trainOrders++
				re := 0
				for _, l := range d.train[o.start : o.start+o.cnt] {
					trainProds[l.prod] = true
					if l.re {
						re++
					}
				}
				s.trainReorders += float64(re)
				if re == 0 {
					s.noneShare++
				}
				s.pairsTrain += len(seen)
				s.positives += re
			} else {
				s.testOrders++
				s.pairsTest += len(seen)
			}
			s.ordersPerUser[int(o.num)]++
			opu = append(opu, int(o.num))
		}
	}
	s.priorLines, s.trainLines = len(d.prior), len(d.train)
	var re int
	for _, l := range d.prior {
		if l.re {
			re++
		}
	}
	s.reorderPrior = float64(re) / float64(s.priorLines)
	var first, firstRe, late, lateRe float64
	for _, l := range d.prior {
		b := 0.0
		if l.re {
			b = 1
		}
		if l.pos == 1 {
			first, firstRe = first+1, firstRe+b
		} else if l.pos >= 10 {
			late, lateRe = late+1, lateRe+b
		}
	}
	s.reorderFirstPos, s.reorderLatePos = firstRe/first, lateRe/late
	s.prodLines, s.prodRe = prodLines, prodRe
	re = 0
	for _, l := range d.train {
		if l.re {
			re++
		}
	}
	s.reorderTrain = float64(re) / float64(s.trainLines)
	s.distinctPrior, s.distinctTrain = len(prodLines), len(trainProds)
	s.pairs = s.pairsTrain + s.pairsTest
	s.positiveRate = float64(s.positives) / float64(s.pairsTrain)
	s.trainBasketMean = float64(s.trainLines) / float64(s.trainOrders)
	s.trainReorders /= float64(s.trainOrders)
	s.noneShare /= float64(s.trainOrders)
	s.opuMin, s.opuMax = quantileInt(opu, 0), quantileInt(opu, 1)
	s.opuMedian = quantileInt(opu, 0.5)
	var sum int
	for _, n := range opu {
		sum += n
	}
	s.opuMean = float64(sum) / float64(len(opu))
	for k, c := range s.ordersPerUser {
		if c > s.ordersPerUser[s.opuMode] || c == s.ordersPerUser[s.opuMode] && k < s.opuMode {
			s.opuMode = k
		}
	}
	s.basketMean = float64(s.priorLines) / float64(s.priorOrders)
	for k, c := range s.basket {
		if c > s.basket[s.basketMode] || c == s.basket[s.basketMode] && k < s.basketMode {
			s.basketMode = k
		}
	}
	s.basketMax = basketMax
	type pc struct {
		p int32
		n int
	}
	var pcs []pc
	for p, n := range prodLines {
		pcs = append(pcs, pc{p, n})
	}
	sort.Slice(pcs, func(a, b int) bool { return pcs[a].n > pcs[b].n || pcs[a].n == pcs[b].n && pcs[a].p < pcs[b].p })
	s.topShare = float64(pcs[0].n) / float64(s.priorLines)
	for _, x := range pcs[:min(10, len(pcs))] {
		s.top10Prod = append(s.top10Prod, x.p)
	}
	s.aucShare, s.aucModel = reorderSignal(d, prodLines, prodRe)
	return s
}

// reorderSignal builds the classic Instacart candidate table (train users x
// products bought in prior, label: in the train order) with 12 features of
// the families FACTS.md lists, fits a logistic regression by Newton's method
// on even users and returns the AUC on odd users, for the share-of-orders
// feature alone and for the model.
func reorderSignal(d *dataset, prodLines, prodRe map[int32]int) (float64, float64) {
	type up struct {
		cnt, last, streak int
		posSum            float64
		lastDays          int
	}
	var X [][]float64
	var y []float64
	var users []int32
	hist := map[int32]*up{}
	var cumDays, userRe, userLines int
	for i := 0; i < len(d.orders); i++ {
		o := &d.orders[i]
		if o.num == 1 {
			clear(hist)
			cumDays, userRe, userLines = 0, 0, 0
		}
		if o.days > 0 {
			cumDays += int(o.days)
		}
		switch o.eval {
		case 'p':
			for _, l := range d.prior[o.start : o.start+o.cnt] {
				h := hist[l.prod]
				if h == nil {
					h = &up{}
					hist[l.prod] = h
				}
				if h.last == int(o.num)-1 {
					h.streak++
				} else {
					h.streak = 1
				}
				h.cnt++
				h.last = int(o.num)
				h.lastDays = cumDays
				h.posSum += float64(l.pos)
				userLines++
				if l.re {
					userRe++
				}
			}
		case 'r':
			in := map[int32]bool{}
			for _, l := range d.train[o.start : o.start+o.cnt] {
				in[l.prod] = true
			}
			nPrior := float64(o.num - 1)
			prods := make([]int32, 0, len(hist))
			for p := range hist {
				prods = append(prods, p)
			}
			sort.Slice(prods, func(a, b int) bool { return prods[a] < prods[b] })
			for _, p := range prods {
				h := hist[p]
				streak := 0
				if h.last == int(o.num)-1 {
					streak = h.streak
				}
				X = append(X, []float64{
					math.Log1p(float64(h.cnt)),
					float64(h.cnt) / nPrior,
					math.Log1p(nPrior - float64(h.last)),
					math.Log1p(float64(cumDays - h.lastDays)),
					math.Log1p(float64(streak)),
					h.posSum / float64(h.cnt),
					float64(userRe) / float64(userLines),
					math.Log(nPrior),
					float64(prodRe[p]+1) / float64(prodLines[p]+2),
					math.Log1p(float64(prodLines[p])),
					float64(userLines) / nPrior,
					float64(o.days),
				})
				if in[p] {
					y = append(y, 1)
				} else {
					y = append(y, 0)
				}
				users = append(users, o.user)
			}
		}
	}
	var trX, vaX [][]float64
	var trY, vaY, vaShare []float64
	// Fit on at most ~1M rows (every k-th even user at full scale): Newton's
	// cost grows with rows x features^2 and the coefficients settle long before.
	stride := int32(max(1, len(X)/2/1000000+1))
	for i := range X {
		if users[i]%2 == 0 {
			if users[i]/2%stride != 0 {
				continue
			}
			trX, trY = append(trX, X[i]), append(trY, y[i])
		} else {
			vaX, vaY = append(vaX, X[i]), append(vaY, y[i])
			vaShare = append(vaShare, X[i][1])
		}
	}
	w := fitLogistic(trX, trY)
	scores := make([]float64, len(vaX))
	for i, x := range vaX {
		scores[i] = w[0]
		for j, v := range x {
			scores[i] += w[j+1] * v
		}
	}
	return auc(vaShare, vaY), auc(scores, vaY)
}

// fitLogistic standardises features and runs Newton's method (small ridge).
func fitLogistic(X [][]float64, y []float64) []float64 {
	p := len(X[0])
	mean, sd := make([]float64, p), make([]float64, p)
	for _, x := range X {
		for j, v := range x {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(len(X))
	}
	for _, x := range X {
		for j, v := range x {
			sd[j] += (v - mean[j]) * (v - mean[j])
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j]/float64(len(X))) + 1e-12
	}
	k := p + 1
	w := make([]float64, k)
	z := make([]float64, k)
	for it := 0; it < 25; it++ {
		g := make([]float64, k)
		H := make([][]float64, k)
		for i := range H {
			H[i] = make([]float64, k)
			H[i][i] = 1e-6
		}
		for i, x := range X {
			z[0] = 1
			for j, v := range x {
				z[j+1] = (v - mean[j]) / sd[j]
			}
			var eta float64
			for j := range z {
				eta += w[j] * z[j]
			}
			pr := 1 / (1 + math.Exp(-eta))
			for a := range z {
				g[a] += (y[i] - pr) * z[a]
				for b := range z {
					H[a][b] += pr * (1 - pr) * z[a] * z[b]
				}
			}
		}
		step := solve(H, g)
		var norm float64
		for j := range w {
			w[j] += step[j]
			norm += step[j] * step[j]
		}
		if norm < 1e-12 {
			break
		}
	}
	// back to the raw feature scale
	out := make([]float64, k)
	out[0] = w[0]
	for j := 0; j < p; j++ {
		out[j+1] = w[j+1] / sd[j]
		out[0] -= w[j+1] * mean[j] / sd[j]
	}
	return out
}

// solve solves A x = b by Gaussian elimination with partial pivoting.
func solve(A [][]float64, b []float64) []float64 {
	n := len(b)
	for c := 0; c < n; c++ {
		piv := c
		for r := c + 1; r < n; r++ {
			if math.Abs(A[r][c]) > math.Abs(A[piv][c]) {
				piv = r
			}
		}
		A[c], A[piv] = A[piv], A[c]
		b[c], b[piv] = b[piv], b[c]
		for r := c + 1; r < n; r++ {
			f := A[r][c] / A[c][c]
			for k := c; k < n; k++ {
				A[r][k] -= f * A[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < n; k++ {
			s -= A[r][k] * x[k]
		}
		x[r] = s / A[r][r]
	}
	return x
}

// auc is the rank-based ROC AUC (Mann-Whitney U, ties averaged).
func auc(score, y []float64) float64 {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return score[idx[a]] < score[idx[b]] })
	var rankPos, nPos float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && score[idx[j]] == score[idx[i]] {
			j++
		}
		r := float64(i+j+1) / 2 // average 1-based rank of the tie group
		for k := i; k < j; k++ {
			if y[idx[k]] == 1 {
				rankPos += r
				nPos++
			}
		}
		i = j
	}
	nNeg := float64(len(y)) - nPos
	return (rankPos - nPos*(nPos+1)/2) / (nPos * nNeg)
}
