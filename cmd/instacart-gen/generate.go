package main

import (
	"compress/flate"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
)

// config is a parsed command line.
type config struct {
	out      string
	users    int
	seed     uint64
	catalog  string // real catalog folder; "" for the synthetic catalog
	products int    // synthetic catalog size
	gzip     bool
	progress io.Writer // nil: no progress bar
	workers  int
}

// Headers of the six Kaggle files, exactly as published.
const (
	ordersHeader   = "order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order\n"
	productsHeader = "order_id,product_id,add_to_cart_order,reordered\n"
)

// shardUsers is how many consecutive users one work unit holds: large enough
// to amortise channel traffic, small enough to keep memory bounded.
const shardUsers = 256

type shardJob struct {
	first, last int   // user ids, inclusive
	seq         int64 // sequence number of the first user's first order
	done        chan *shardOut
}

// generate writes the six files. Users are split into shards generated in
// parallel; shards are written in user order, and every user's randomness
// comes from (seed, user id) alone, so the output does not depend on the
// number of workers.
func generate(cfg config) (genStats, error) {
	var st genStats
	if cfg.users < 1 {
		return st, fmt.Errorf("--users must be at least 1")
	}
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return st, fmt.Errorf("create output folder: %w", err)
	}
	var cat *catalog
	if cfg.catalog != "" {
		c, err := loadCatalog(cfg.catalog)
		if err != nil {
			return st, err
		}
		cat = c
	} else {
		cat = syntheticCatalog(cfg.seed, cfg.products)
	}
	cat.rank(cfg.seed)
	m := newModel(cat)

	o := &outputs{dir: cfg.out, gzip: cfg.gzip}
	defer o.close()
	if err := cat.write(o); err != nil {
		return st, err
	}
	ordersW, err := o.create("orders.csv")
	if err != nil {
		return st, err
	}
	priorW, err := o.create("order_products__prior.csv")
	if err != nil {
		return st, err
	}
	trainW, err := o.create("order_products__train.csv")
	if err != nil {
		return st, err
	}
	io.WriteString(ordersW, ordersHeader)
	io.WriteString(priorW, productsHeader)
	io.WriteString(trainW, productsHeader)

	// First pass: total orders, the domain of the order id permutation.
	strata := newFeistel(int64(cfg.users), splitmix(cfg.seed^0x5781))
	var total int64
	for u := 1; u <= cfg.users; u++ {
		total += int64(m.ordersOf(cfg.seed, u, strata))
	}
	ids := newFeistel(total, splitmix(cfg.seed^0x0DE7))
	testUsers := newFeistel(int64(cfg.users), splitmix(cfg.seed^0x7E57))
	nTest := int64(cfg.users) * fullTestUsers / fullUsers

	workers := cfg.workers
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan shardJob)
	queue := make(chan shardJob, 2*workers)
	pool := sync.Pool{New: func() any { return new(shardOut) }}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := newUserGen(m, cfg.seed)
			fw, _ := flate.NewWriter(nil, flate.DefaultCompression)
			for j := range jobs {
				out := pool.Get().(*shardOut)
				out.orders, out.prior, out.train = out.orders[:0], out.prior[:0], out.train[:0]
				out.users, out.stats = 0, genStats{}
				seq := j.seq
				for u := j.first; u <= j.last; u++ {
					n := m.ordersOf(cfg.seed, u, strata)
					g.user(u, n, testUsers.permute(int64(u-1)) < nTest, seq, ids, out)
					seq += int64(n)
				}
				if cfg.gzip {
					compressChunk(fw, &out.zOrders, out.orders)
					compressChunk(fw, &out.zPrior, out.prior)
					compressChunk(fw, &out.zTrain, out.train)
				}
				j.done <- out
			}
		}()
	}
	go func() { // dispatcher: shards in user order, with their first sequence number
		var seq int64
		for first := 1; first <= cfg.users; first += shardUsers {
			last := min(first+shardUsers-1, cfg.users)
			j := shardJob{first: first, last: last, seq: seq, done: make(chan *shardOut, 1)}
			for u := first; u <= last; u++ {
				seq += int64(m.ordersOf(cfg.seed, u, strata))
			}
			queue <- j
			jobs <- j
		}
		close(jobs)
		close(queue)
	}()

	var bar *progress
	if cfg.progress != nil {
		bar = newProgress(cfg.progress, cfg.users)
	}
	var werr error
	done := 0
	for j := range queue {
		out := <-j.done
		if werr == nil {
			for _, x := range []struct {
				w         *outFile
				raw, comp []byte
			}{{ordersW, out.orders, out.zOrders.Bytes()}, {priorW, out.prior, out.zPrior.Bytes()},
				{trainW, out.train, out.zTrain.Bytes()}} {
				if err := x.w.writeShard(x.raw, x.comp); err != nil && werr == nil {
					werr = fmt.Errorf("write output: %w", err)
				}
			}
		}
		st.users += out.stats.users
		st.orders += out.stats.orders
		st.priorLines += out.stats.priorLines
		st.trainLines += out.stats.trainLines
		done += out.users
		pool.Put(out)
		bar.update(done)
	}
	wg.Wait()
	bar.finish()
	if werr != nil {
		return st, werr
	}
	return st, o.close()
}
