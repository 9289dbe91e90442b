package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// This file is the test-side reader of a generated (or real) dataset: it
// checks referential integrity and computes every statistic FACTS.md lists,
// so the same code grades the small test sample and a full-scale run.

type orderRow struct {
	id         int64
	user, num  int32
	eval       byte // 'p', 'r' (train), 't' (test)
	dow, hour  int8
	days       int8 // -1 when empty
	start, cnt int32
}

type lineRow struct {
	order, prod int32
	pos         int16
	re          bool
}

// dataset is a fully loaded dataset (fine at test scale; ~0.5 GB at full).
type dataset struct {
	orders    []orderRow
	byID      map[int64]int32 // order id -> index in orders
	prior     []lineRow
	train     []lineRow
	nProducts int
	problems  []string
}

func (d *dataset) problem(format string, args ...any) {
	if len(d.problems) < 20 {
		d.problems = append(d.problems, fmt.Sprintf(format, args...))
	}
}

// openData opens NAME or NAME.gz in dir.
func openData(dir, name string) (io.ReadCloser, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err == nil {
		return f, nil
	}
	f, err = os.Open(filepath.Join(dir, name+".gz"))
	if err != nil {
		return nil, err
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{gz, f}, nil
}

// eachLine calls fn with every data line (header checked against want).
func eachLine(dir, name, want string, fn func(lineNo int, fields [][]byte)) error {
	rc, err := openData(dir, name)
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	if !sc.Scan() || sc.Text()+"\n" != want {
		return fmt.Errorf("%s:1:1: header %q, want %q", name, sc.Text(), want)
	}
	n := 1
	for sc.Scan() {
		n++
		fn(n, bytes.Split(sc.Bytes(), []byte{','}))
	}
	return sc.Err()
}

func atoi(b []byte) int64 {
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return math.MinInt64
	}
	return v
}

// loadDataset reads the three behaviour files and checks their integrity.
func loadDataset(dir string, nProducts int) (*dataset, error) {
	d := &dataset{byID: map[int64]int32{}, nProducts: nProducts}
	var prevUser, prevNum int32
	err := eachLine(dir, "orders.csv", ordersHeader, func(ln int, f [][]byte) {
		if len(f) != 7 {
			d.problem("orders.csv:%d: %d fields", ln, len(f))
			return
		}
		o := orderRow{id: atoi(f[0]), user: int32(atoi(f[1])), num: int32(atoi(f[3])),
			dow: int8(atoi(f[4])), hour: int8(atoi(f[5])), days: -1}
		switch string(f[2]) {
		case "prior":
			o.eval = 'p'
		case "train":
			o.eval = 'r'
		case "test":
			o.eval = 't'
		default:
			d.problem("orders.csv:%d: eval_set %q", ln, f[2])
		}
		if len(f[6]) > 0 {
			s := string(f[6])
			if len(s) < 3 || s[len(s)-2:] != ".0" {
				d.problem("orders.csv:%d: days %q not formatted like 15.0", ln, s)
			}
			o.days = int8(atoi(f[6][:max(len(f[6])-2, 0)]))
			if o.days < 0 || o.days > 30 {
				d.problem("orders.csv:%d: days %q out of 0..30", ln, s)
			}
		}
		if (o.num == 1) != (o.days < 0) {
			d.problem("orders.csv:%d: days_since_prior_order must be empty exactly on order 1", ln)
		}
		if o.dow < 0 || o.dow > 6 || o.hour < 0 || o.hour > 23 {
			d.problem("orders.csv:%d: dow/hour out of range", ln)
		}
		if o.user == prevUser && o.num != prevNum+1 || o.user != prevUser && (o.user < prevUser || o.num != 1) {
			d.problem("orders.csv:%d: not sorted by user, order_number 1..n", ln)
		}
		if len(d.orders) > 0 && o.user != prevUser {
			last := d.orders[len(d.orders)-1]
			if last.eval == 'p' || last.num < minOrders || last.num > maxOrders {
				d.problem("orders.csv:%d: user %d ends with %c after %d orders", ln, last.user, last.eval, last.num)
			}
		}
		if len(d.orders) > 0 && o.user == prevUser && d.orders[len(d.orders)-1].eval != 'p' {
			d.problem("orders.csv:%d: only the last order may be train/test", ln)
		}
		if _, dup := d.byID[o.id]; dup || o.id < 1 {
			d.problem("orders.csv:%d: bad or duplicate order_id %d", ln, o.id)
		}
		prevUser, prevNum = o.user, o.num
		d.byID[o.id] = int32(len(d.orders))
		d.orders = append(d.orders, o)
	})
	if err != nil {
		return nil, err
	}
	for _, part := range []struct {
		name string
		eval byte
		dst  *[]lineRow
	}{{"order_products__prior.csv", 'p', &d.prior}, {"order_products__train.csv", 'r', &d.train}} {
		cur := int32(-1)
		err := eachLine(dir, part.name, productsHeader, func(ln int, f [][]byte) {
			if len(f) != 4 {
				d.problem("%s:%d: %d fields", part.name, ln, len(f))
				return
			}
			oi, ok := d.byID[atoi(f[0])]
			if !ok {
				d.problem("%s:%d: unknown order %s", part.name, ln, f[0])
				return
			}
			o := &d.orders[oi]
			if o.eval != part.eval {
				d.problem("%s:%d: order %d has eval_set %c", part.name, ln, o.id, o.eval)
			}
			l := lineRow{order: oi, prod: int32(atoi(f[1])), pos: int16(atoi(f[2])), re: string(f[3]) == "1"}
			if string(f[3]) != "0" && string(f[3]) != "1" {
				d.problem("%s:%d: reordered %q", part.name, ln, f[3])
			}
			if l.prod < 1 || int(l.prod) > d.nProducts {
				d.problem("%s:%d: product %d not in catalog", part.name, ln, l.prod)
			}
			if oi != cur {
				if o.cnt != 0 {
					d.problem("%s:%d: lines of order %d are not contiguous", part.name, ln, o.id)
				}
				o.start, cur = int32(len(*part.dst)), oi
			}
			o.cnt++
			if int32(l.pos) != o.cnt {
				d.problem("%s:%d: add_to_cart_order %d, want %d", part.name, ln, l.pos, o.cnt)
			}
			*part.dst = append(*part.dst, l)
		})
		if err != nil {
			return nil, err
		}
	}
	d.checkReordered()
	return d, nil
}

// checkReordered verifies reordered = 1 iff the user bought the product in
// an earlier order, and that a product appears at most once per order.
func (d *dataset) checkReordered() {
	seen := map[int32]int32{} // product -> order number of first purchase
	for i := range d.orders {
		o := &d.orders[i]
		if o.num == 1 {
			clear(seen)
		}
		lines := d.prior
		if o.eval == 'r' {
			lines = d.train
		}
		if o.eval == 't' {
			continue
		}
		for _, l := range lines[o.start : o.start+o.cnt] {
			first, ok := seen[l.prod]
			if ok && first == o.num {
				d.problem("order %d: product %d twice", o.id, l.prod)
			}
			if l.re != (ok && first < o.num) {
				d.problem("order %d: product %d reordered=%v but bought before=%v", o.id, l.prod, l.re, ok)
			}
			if !ok {
				seen[l.prod] = o.num
			}
		}
	}
}

// quantileInt is the p-quantile of sorted ints.
func quantileInt(s []int, p float64) int {
	sort.Ints(s)
	return s[int(p*float64(len(s)-1))]
}
