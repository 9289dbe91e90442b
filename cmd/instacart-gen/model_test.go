package main

import (
	"math"
	"testing"
)

// TestModelLaws checks the calibrated laws themselves (no sampling noise),
// so a drift in facts.go is caught with tight tolerances.
func TestModelLaws(t *testing.T) {
	m := newModel(syntheticCatalog(1, 2000))
	median := func(d *discrete) int { return d.quantile(0.5) }
	tests := []struct {
		name        string
		got, target float64
		tol         float64
	}{
		{"orders per user: mean", m.orders.mean(), 16.59, 0.1},
		{"orders per user: median", float64(median(m.orders)), 10, 0},
		{"orders per user: share at 4", m.orders.p[0], 24000 / 206209.0, 0.003},
		{"orders per user: share at 100", m.orders.p[96], 1400 / 206209.0, 0.0005},
		{"prior basket: mean", m.basket.mean(), 10.09, 0.05},
		{"days since prior: mean (real 11.11)", m.days.mean(), 11.11, 0.1},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.target) > tt.tol {
			t.Errorf("%s = %.4f, want %.4f ± %g", tt.name, tt.got, tt.target, tt.tol)
		}
	}
}
