package e2e

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The raw side of the Instacart checks: values recomputed in Go straight from the six CSV
// files, independently of the project's SQL.

// rawData is the folder and file extension of the raw CSV files: the committed sample, or a
// small dataset generated into a temporary folder when there is none.
func rawData(t *testing.T) (dir, ext string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sampleDir, "orders.csv.gz")); err == nil {
		abs, err := filepath.Abs(sampleDir)
		if err != nil {
			t.Fatal(err)
		}
		return abs, "csv.gz"
	}
	out := t.TempDir()
	cmd := exec.Command("go", "run", "../cmd/instacart-gen", "--out", out, "--users", "1000", "--seed", "1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generate data: %v\n%s", err, b)
	}
	return out, "csv"
}

// readCSV calls fn with each record of dir/name.ext after the header, and the header's
// column positions.
func readCSV(t *testing.T, dir, name, ext string, fn func(col map[string]int, rec []string)) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name+"."+ext))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<20)
	if strings.HasSuffix(ext, ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		defer gz.Close()
		r = gz
	}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fn(col, rec)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not an integer: %q", s)
	}
	return n
}

// priorOrder is one prior order of a user, from orders.csv.
type priorOrder struct {
	user, number int
	gap          float64 // days_since_prior_order, 0 when empty
}

// priorOrders reads the prior orders of the given users (all users when users is nil).
func priorOrders(t *testing.T, raw, ext string, users map[int]bool) map[int]priorOrder {
	t.Helper()
	orders := map[int]priorOrder{}
	readCSV(t, raw, "orders", ext, func(c map[string]int, rec []string) {
		if rec[c["eval_set"]] != "prior" {
			return
		}
		u := atoi(t, rec[c["user_id"]])
		if users != nil && !users[u] {
			return
		}
		o := priorOrder{user: u, number: atoi(t, rec[c["order_number"]])}
		if s := rec[c["days_since_prior_order"]]; s != "" {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("days_since_prior_order %q", s)
			}
			o.gap = v
		}
		orders[atoi(t, rec[c["order_id"]])] = o
	})
	return orders
}

// distinctPriorPairs counts the distinct (user, product) pairs of the prior basket lines.
func distinctPriorPairs(t *testing.T, raw, ext string) int64 {
	t.Helper()
	orders := priorOrders(t, raw, ext, nil)
	pairs := map[[2]int]bool{}
	readCSV(t, raw, "order_products__prior", ext, func(c map[string]int, rec []string) {
		if o, ok := orders[atoi(t, rec[c["order_id"]])]; ok {
			pairs[[2]int{o.user, atoi(t, rec[c["product_id"]])}] = true
		}
	})
	return int64(len(pairs))
}

// recency is the true-recency features of one (user, product) pair.
type recency struct {
	ordersSince int64   // prior orders placed after the last one with the product
	daysSince   float64 // days from that order to the user's last prior order
	streak      int64   // the user's most recent consecutive prior orders containing it
}

// recomputeRecency derives the recency features of every pair of the given users from the
// raw orders and prior lines: days are accumulated from days_since_prior_order.
func recomputeRecency(t *testing.T, raw, ext string, users map[int]bool) map[[2]int]recency {
	t.Helper()
	orders := priorOrders(t, raw, ext, users)
	// Per user: the number of prior orders and the cumulative day of each order number.
	gaps := map[int]map[int]float64{}
	for _, o := range orders {
		if gaps[o.user] == nil {
			gaps[o.user] = map[int]float64{}
		}
		gaps[o.user][o.number] = o.gap
	}
	last := map[int]int{}
	day := map[int]map[int]float64{}
	for u, g := range gaps {
		day[u] = map[int]float64{}
		var cum float64
		for k := 1; k <= len(g); k++ {
			gap, ok := g[k]
			if !ok {
				t.Fatalf("user %d: prior orders are not numbered 1..%d", u, len(g))
			}
			if k > 1 {
				cum += gap
			}
			day[u][k] = cum
		}
		last[u] = len(g)
	}
	bought := map[[2]int]map[int]bool{}
	readCSV(t, raw, "order_products__prior", ext, func(c map[string]int, rec []string) {
		o, ok := orders[atoi(t, rec[c["order_id"]])]
		if !ok {
			return
		}
		k := [2]int{o.user, atoi(t, rec[c["product_id"]])}
		if bought[k] == nil {
			bought[k] = map[int]bool{}
		}
		bought[k][o.number] = true
	})
	out := map[[2]int]recency{}
	for k, in := range bought {
		u := k[0]
		lastBought := 0
		for n := range in {
			lastBought = max(lastBought, n)
		}
		var streak int64
		for n := last[u]; n >= 1 && in[n]; n-- {
			streak++
		}
		out[k] = recency{
			ordersSince: int64(last[u] - lastBought),
			daysSince:   day[u][last[u]] - day[u][lastBought],
			streak:      streak,
		}
	}
	return out
}
