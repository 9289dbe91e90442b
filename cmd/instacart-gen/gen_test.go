package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var allFiles = []string{"orders.csv", "order_products__prior.csv", "order_products__train.csv",
	"products.csv", "aisles.csv", "departments.csv"}

// gen runs the real command line into a fresh temp folder.
func gen(t *testing.T, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	var out, errb strings.Builder
	if err := run(append([]string{"--out", dir}, args...), &out, &errb); err != nil {
		t.Fatalf("run %v: %v\n%s", args, err, errb.String())
	}
	return dir
}

func readAll(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHeaders(t *testing.T) {
	dir := gen(t, "--users", "300", "--seed", "3")
	want := map[string]string{
		"orders.csv":                "order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order",
		"order_products__prior.csv": "order_id,product_id,add_to_cart_order,reordered",
		"order_products__train.csv": "order_id,product_id,add_to_cart_order,reordered",
		"products.csv":              "product_id,product_name,aisle_id,department_id",
		"aisles.csv":                "aisle_id,aisle",
		"departments.csv":           "department_id,department",
	}
	for _, name := range allFiles {
		b := readAll(t, dir, name)
		first, _, _ := bytes.Cut(b, []byte("\n"))
		if string(first) != want[name] {
			t.Errorf("%s header = %q, want %q", name, first, want[name])
		}
		if bytes.Contains(b, []byte("\r")) || !bytes.HasSuffix(b, []byte("\n")) {
			t.Errorf("%s: want LF line endings and a final newline", name)
		}
	}
	lines := func(name string) int { return bytes.Count(readAll(t, dir, name), []byte("\n")) - 1 }
	if got := lines("aisles.csv"); got != 134 {
		t.Errorf("synthetic aisles = %d, want 134", got)
	}
	if got := lines("departments.csv"); got != 21 {
		t.Errorf("synthetic departments = %d, want 21", got)
	}
	if got := lines("products.csv"); got != 49688 {
		t.Errorf("synthetic products = %d, want 49688", got)
	}
}

func TestDeterminism(t *testing.T) {
	a := gen(t, "--users", "500", "--seed", "11", "--workers", "1")
	b := gen(t, "--users", "500", "--seed", "11", "--workers", "3")
	c := gen(t, "--users", "500", "--seed", "12")
	for _, name := range allFiles {
		if !bytes.Equal(readAll(t, a, name), readAll(t, b, name)) {
			t.Errorf("%s differs between runs with the same seed (1 vs 3 workers)", name)
		}
	}
	for _, name := range []string{"orders.csv", "order_products__prior.csv", "order_products__train.csv", "products.csv"} {
		if bytes.Equal(readAll(t, a, name), readAll(t, c, name)) {
			t.Errorf("%s is identical for seeds 11 and 12", name)
		}
	}
}

// TestGzip checks --gzip writes NAME.csv.gz as one gzip member (chunks are
// compressed in parallel) holding exactly the plain bytes, the same for any
// number of workers.
func TestGzip(t *testing.T) {
	plain := gen(t, "--users", "600", "--seed", "5")
	gz := gen(t, "--users", "600", "--seed", "5", "--gzip")
	gz1 := gen(t, "--users", "600", "--seed", "5", "--gzip", "--workers", "1")
	for _, name := range allFiles {
		raw := readAll(t, gz, name+".gz")
		if !bytes.Equal(raw, readAll(t, gz1, name+".gz")) {
			t.Errorf("%s.gz differs between 1 and GOMAXPROCS workers", name)
		}
		br := bytes.NewReader(raw) // an io.ByteReader: gzip reads no further than it needs
		zr, err := gzip.NewReader(br)
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false)
		b, err := io.ReadAll(zr) // also verifies the CRC-32 and size trailer
		if err != nil {
			t.Fatalf("%s.gz: %v", name, err)
		}
		if br.Len() != 0 {
			t.Errorf("%s.gz: %d bytes after the first gzip member", name, br.Len())
		}
		if !bytes.Equal(b, readAll(t, plain, name)) {
			t.Errorf("%s.gz does not decompress to %s", name, name)
		}
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--users", "10"}, "usage"},
		{[]string{"--out", t.TempDir(), "--users", "0"}, "--users"},
		{[]string{"--out", t.TempDir(), "--catalog", t.TempDir()}, "open catalog"},
		{[]string{"--out", t.TempDir(), "--products", "0"}, "--products"},
	}
	for _, tt := range tests {
		err := run(tt.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run %v = %v, want error containing %q", tt.args, err, tt.want)
		}
	}
}

// TestProgress checks the bar is drawn only on request (stderr of a test is
// not a terminal) and reaches 100%.
func TestProgress(t *testing.T) {
	var quiet, loud strings.Builder
	if err := run([]string{"--out", t.TempDir(), "--users", "300"}, io.Discard, &quiet); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"--out", t.TempDir(), "--users", "300", "--progress"}, io.Discard, &loud); err != nil {
		t.Fatal(err)
	}
	if quiet.Len() != 0 {
		t.Errorf("progress drawn without a terminal: %q", quiet.String())
	}
	if !strings.Contains(loud.String(), "100.0% 300/300 users") {
		t.Errorf("--progress output %q lacks the final 100%% state", loud.String())
	}
}

// realCatalog finds ../shared/data/instacart next to the repository root.
func realCatalog(t *testing.T) string {
	wd, _ := os.Getwd()
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(d, "..", "shared", "data", "instacart")
			if _, err := os.Stat(filepath.Join(c, "products.csv")); err == nil {
				return c
			}
			break
		}
	}
	t.Skip("real catalog ../shared/data/instacart not present")
	return ""
}

func TestRealCatalog(t *testing.T) {
	cat := realCatalog(t)
	dir := gen(t, "--users", "1000", "--seed", "2", "--catalog", cat)
	for _, name := range catalogFiles {
		if !bytes.Equal(readAll(t, dir, name), readAll(t, cat, name)) {
			t.Errorf("%s is not the real catalog file unchanged", name)
		}
	}
	d, err := loadDataset(dir, 49688)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range d.problems {
		t.Errorf("integrity: %s", p)
	}
	s := computeStats(d)
	// Product 24852 is "Banana" in the real catalog, 13176 "Bag of Organic
	// Bananas": the published top two must lead at any scale.
	if s.top10Prod[0] != 24852 && s.top10Prod[0] != 13176 {
		t.Errorf("most ordered product id %d, want Banana (24852) or Bag of Organic Bananas (13176)", s.top10Prod[0])
	}
}

// TestBoundedMemory samples the heap while generating 2,000 and 20,000
// users: streaming keeps it to the catalog plus a few shards in flight, so
// ten times the users must not cost more memory (a full-scale run peaks at
// ~35 MB RSS, see README.md).
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	small, _ := peakHeap(t, 2000)
	peak, size := peakHeap(t, 20000)
	const limit = 48 << 20
	t.Logf("peak heap in use %.1f MB for 2k users, %.1f MB for 20k users writing %.1f MB of prior lines",
		float64(small)/(1<<20), float64(peak)/(1<<20), float64(size)/(1<<20))
	if peak > limit {
		t.Errorf("peak heap %d MB exceeds %d MB", peak>>20, limit>>20)
	}
	// GC timing moves the sampled peak by a few MB; growth with the data
	// (the 20k prior file is ~50 MB) would exceed this slack.
	if peak > small+16<<20 {
		t.Errorf("peak heap grows with users: %d MB at 2k, %d MB at 20k", small>>20, peak>>20)
	}
}

// peakHeap generates users while sampling HeapInuse; it returns the peak and
// the size of the prior lines file.
func peakHeap(t *testing.T, users int) (uint64, int64) {
	runtime.GC()
	var peak uint64
	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapInuse)
			mu.Unlock()
		}
	}()
	dir := gen(t, "--users", strconv.Itoa(users), "--seed", "9")
	close(stop)
	wg.Wait()
	fi, err := os.Stat(filepath.Join(dir, "order_products__prior.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return peak, fi.Size()
}

// TestSyntheticCatalog checks the invented catalog has the real one's shape:
// unique names, 134 aisles, 21 departments, every product placed.
func TestSyntheticCatalog(t *testing.T) {
	c := syntheticCatalog(1, 49688)
	seen := map[string]bool{}
	for _, n := range c.names {
		if seen[n] {
			t.Fatalf("duplicate product name %q", n)
		}
		seen[n] = true
	}
	if len(c.aisles) != 134 || len(c.departments) != 21 {
		t.Errorf("got %d aisles / %d departments, want 134 / 21", len(c.aisles), len(c.departments))
	}
	perDept := map[int32]int{}
	for i := range c.names {
		if int(c.aisle[i]) < 1 || int(c.aisle[i]) > len(c.aisles) {
			t.Fatalf("product %d has aisle %d", i+1, c.aisle[i])
		}
		perDept[c.dept[i]]++
	}
	if len(perDept) != 21 {
		t.Errorf("products span %d departments, want 21", len(perDept))
	}
}

// BenchmarkGenerate measures generation of 10,000 users (~3 M CSV rows).
func BenchmarkGenerate(b *testing.B) {
	dir := b.TempDir()
	for i := 0; i < b.N; i++ {
		if err := run([]string{"--out", dir, "--users", "10000", "--seed", "1"}, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
