package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// catalog holds products, aisles and departments plus the per-product
// quantities the behaviour model needs. It is the generator's only global
// state: everything else is per user.
type catalog struct {
	dir         string // real catalog folder, "" for the synthetic one
	names       []string
	aisle       []int32 // aisle_id per product (index = product_id-1)
	dept        []int32 // department_id per product
	aisles      []string
	departments []string

	pop     *alias    // first-purchase popularity over product indexes
	reorder []float32 // multiplicative reorder propensity per product
}

// catalogFiles are the three Kaggle files a catalog is made of.
var catalogFiles = []string{"products.csv", "aisles.csv", "departments.csv"}

// loadCatalog reads a real Kaggle catalog folder. The files are later copied
// to the output unchanged, so only the columns the model needs are kept.
func loadCatalog(dir string) (*catalog, error) {
	c := &catalog{dir: dir}
	var err error
	if c.aisles, err = readIDNames(filepath.Join(dir, "aisles.csv"), "aisle_id,aisle"); err != nil {
		return nil, err
	}
	if c.departments, err = readIDNames(filepath.Join(dir, "departments.csv"), "department_id,department"); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "products.csv")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil || strings.Join(head, ",") != "product_id,product_name,aisle_id,department_id" {
		return nil, fmt.Errorf("%s:1:1: unexpected header %q", path, head)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		id, e1 := strconv.Atoi(rec[0])
		a, e2 := strconv.Atoi(rec[2])
		d, e3 := strconv.Atoi(rec[3])
		if e1 != nil || e2 != nil || e3 != nil || id != len(c.names)+1 ||
			a < 1 || a > len(c.aisles) || d < 1 || d > len(c.departments) {
			return nil, fmt.Errorf("%s:%d:1: bad product row %q (ids must be 1..n in order)", path, line, rec)
		}
		c.names = append(c.names, rec[1])
		c.aisle = append(c.aisle, int32(a))
		c.dept = append(c.dept, int32(d))
	}
	if len(c.names) == 0 {
		return nil, fmt.Errorf("%s: no products", path)
	}
	return c, nil
}

// readIDNames reads a two-column id,name file whose ids are 1..n in order.
func readIDNames(path, header string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) < 2 || strings.Join(recs[0], ",") != header {
		return nil, fmt.Errorf("%s:1:1: want header %q", path, header)
	}
	out := make([]string, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		if len(rec) != 2 || rec[0] != strconv.Itoa(i+1) {
			return nil, fmt.Errorf("%s:%d:1: want id %d", path, i+2, i+1)
		}
		out = append(out, rec[1])
	}
	return out, nil
}

// syntheticCatalog invents a catalog shaped like the real one: 21
// departments, 134 aisles and, by default, 49,688 products spread over the
// departments in the real proportions, with generated unique names.
func syntheticCatalog(seed uint64, nProducts int) *catalog {
	r := rand.New(rand.NewPCG(seed, 0xCA7A106))
	c := &catalog{}
	var firstAisle []int
	for _, d := range deptProfiles {
		c.departments = append(c.departments, d.name)
		firstAisle = append(firstAisle, len(c.aisles)+1)
		c.aisles = append(c.aisles, d.aisles...)
	}
	seen := make(map[string]bool, nProducts)
	total := 0
	for _, d := range deptProfiles {
		total += d.products
	}
	for di, d := range deptProfiles {
		n := int(math.Round(float64(d.products) * float64(nProducts) / float64(total)))
		if di == len(deptProfiles)-1 {
			n = nProducts - len(c.names)
		}
		for i := 0; i < n; i++ {
			ai := r.IntN(len(d.aisles))
			name := productName(r, d.aisles[ai], seen)
			c.names = append(c.names, name)
			c.aisle = append(c.aisle, int32(firstAisle[di]+ai))
			c.dept = append(c.dept, int32(di+1))
		}
	}
	return c
}

// productName composes "Brand Qualifier Flavour Aisle-noun" and retries
// until the name is unique, as product names are in the real catalog.
func productName(r *rand.Rand, aisle string, seen map[string]bool) string {
	noun := titleCase(aisle)
	for try := 0; ; try++ {
		parts := []string{brandWords[r.IntN(len(brandWords))]}
		for _, w := range []string{qualifierWords[r.IntN(len(qualifierWords))], flavourWords[r.IntN(len(flavourWords))]} {
			if w != "" {
				parts = append(parts, w)
			}
		}
		parts = append(parts, noun)
		if try > 20 {
			parts = append(parts, "No. "+strconv.Itoa(try))
		}
		name := strings.Join(parts, " ")
		if !seen[name] {
			seen[name] = true
			return name
		}
	}
}

func titleCase(s string) string {
	w := strings.Fields(s)
	for i, x := range w {
		if x != "and" {
			w[i] = strings.ToUpper(x[:1]) + x[1:]
		}
	}
	return strings.Join(w, " ")
}

// profileOf finds the behaviour profile of a department by name: synthetic
// names match exactly, real ones by keyword. Unknown departments get a
// neutral profile.
func profileOf(name string) deptProfile {
	for _, p := range deptProfiles {
		if p.name == name {
			return p
		}
	}
	low := strings.ToLower(name)
	for _, p := range deptProfiles {
		for _, k := range p.keywords {
			if strings.Contains(low, k) {
				return p
			}
		}
	}
	return deptProfile{lineShare: 0.02, reorder: 0.5, products: 2000}
}

// rank assigns popularity and reorder propensity. Products are ordered by a
// weighted shuffle favouring departments whose share of lines exceeds their
// share of products (produce, dairy), then the Zipf-like weights of
// facts.go are laid on the ranks. In a real catalog the ten published top
// products take the first ten ranks.
func (c *catalog) rank(seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x9090A1A7))
	n := len(c.names)
	deptCount := make([]int, len(c.departments)+1)
	for _, d := range c.dept {
		deptCount[d]++
	}
	profiles := make([]deptProfile, len(c.departments)+1)
	for i, name := range c.departments {
		profiles[i+1] = profileOf(name)
	}
	c.reorder = make([]float32, n)
	type keyed struct {
		key float64
		i   int
	}
	keys := make([]keyed, n)
	base := make([]float64, n)
	odds := func(p float64) float64 { return p / (1 - p) }
	for i := 0; i < n; i++ {
		p := profiles[c.dept[i]]
		boost := p.lineShare / (float64(deptCount[c.dept[i]]) / float64(n))
		keys[i] = keyed{math.Log(r.Float64()+1e-300) / boost, i}
		base[i] = math.Pow(odds(p.reorder)/odds(0.59), 1.3)
		c.reorder[i] = float32(base[i] * math.Exp(0.4*r.NormFloat64()))
	}
	if c.dir != "" {
		for t, tp := range topProducts {
			for i, name := range c.names {
				if name == tp.name {
					keys[i].key = 1 + float64(len(topProducts)-t) // above every log(u) <= 0
				}
			}
		}
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].key != keys[b].key {
			return keys[a].key > keys[b].key
		}
		return keys[a].i < keys[b].i
	})
	w := make([]float64, n)
	for rank, k := range keys {
		x := float64(rank + 1)
		var v float64
		if rank < popK {
			v = math.Pow(x+popQ, -popS1)
		} else {
			v = math.Pow(popK+popQ, -popS1) * math.Pow((x+popQ)/(popK+popQ), -popS2)
		}
		if rank < len(topProducts) {
			// the head is pinned: published proportions, no propensity noise,
			// so the top product's share (~1.5%) holds for every seed
			v = math.Pow(1+popQ, -popS1) * topProducts[rank].lines / topProducts[0].lines
			c.reorder[k.i] = float32(base[k.i])
		}
		w[k.i] = v
	}
	c.pop = newAlias(w)
}

// write emits products.csv, aisles.csv and departments.csv: a real catalog
// is copied byte for byte, a synthetic one is rendered with CSV quoting.
func (c *catalog) write(o *outputs) error {
	for _, name := range catalogFiles {
		w, err := o.create(name)
		if err != nil {
			return err
		}
		if c.dir != "" {
			f, err := os.Open(filepath.Join(c.dir, name))
			if err != nil {
				return fmt.Errorf("copy catalog: %w", err)
			}
			_, err = io.Copy(w, f)
			f.Close()
			if err != nil {
				return fmt.Errorf("copy catalog %s: %w", name, err)
			}
			continue
		}
		cw := csv.NewWriter(w)
		switch name {
		case "products.csv":
			cw.Write([]string{"product_id", "product_name", "aisle_id", "department_id"})
			for i, n := range c.names {
				cw.Write([]string{strconv.Itoa(i + 1), n, strconv.Itoa(int(c.aisle[i])), strconv.Itoa(int(c.dept[i]))})
			}
		case "aisles.csv":
			cw.Write([]string{"aisle_id", "aisle"})
			for i, n := range c.aisles {
				cw.Write([]string{strconv.Itoa(i + 1), n})
			}
		case "departments.csv":
			cw.Write([]string{"department_id", "department"})
			for i, n := range c.departments {
				cw.Write([]string{strconv.Itoa(i + 1), n})
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}
