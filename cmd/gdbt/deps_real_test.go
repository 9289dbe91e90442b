package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/deps"
	"gopkg.in/yaml.v3"
)

// mirrorHub serves dbt's package hub API on loopback from git repositories of the
// packages (GDBT_HUB_MIRRORS="dbt-labs/dbt_utils=/path/to/dbt-utils.git,…"): every tag
// that is a version becomes a hub version whose name, packages and require_dbt_version
// come from that tag's files, and whose tarball is `git archive` of the tag.
type mirrorHub struct {
	t     *testing.T
	srv   *httptest.Server
	repos map[string]string
	mu    sync.Mutex
	docs  map[string][]byte
}

func newMirrorHub(t *testing.T, spec string) *mirrorHub {
	h := &mirrorHub{t: t, repos: map[string]string{}, docs: map[string][]byte{}}
	for _, kv := range strings.Split(spec, ",") {
		name, dir, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			t.Fatalf("GDBT_HUB_MIRRORS: %q is not namespace/name=/path/to/repo", kv)
		}
		h.repos[name] = dir
	}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *mirrorHub) git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"--git-dir", dir}, args...)...)
	return cmd.Output()
}

func (h *mirrorHub) doc(name string) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.docs[name]; ok {
		return d, nil
	}
	dir := h.repos[name]
	out, err := h.git(dir, "tag", "--list")
	if err != nil {
		return nil, err
	}
	versions := map[string]any{}
	for _, tag := range strings.Fields(string(out)) {
		if _, err := deps.ParseVersion(tag); err != nil {
			continue
		}
		proj, err := h.git(dir, "show", tag+":dbt_project.yml")
		if err != nil {
			continue
		}
		var p struct {
			Name    string `yaml:"name"`
			Require any    `yaml:"require-dbt-version"`
		}
		if yaml.Unmarshal(proj, &p) != nil {
			continue
		}
		pkgs := []any{}
		if src, err := h.git(dir, "show", tag+":packages.yml"); err == nil {
			var f struct {
				Packages []any `yaml:"packages"`
			}
			if yaml.Unmarshal(src, &f) == nil && f.Packages != nil {
				pkgs = f.Packages
			}
		}
		versions[tag] = map[string]any{"name": p.Name, "version": tag, "packages": pkgs, "require_dbt_version": p.Require,
			"downloads": map[string]any{"tarball": h.srv.URL + "/tar/" + name + "/" + tag + ".tar.gz"}}
	}
	ns, short, _ := strings.Cut(name, "/")
	d, err := json.Marshal(map[string]any{"name": short, "namespace": ns, "versions": versions})
	if err == nil {
		h.docs[name] = d
	}
	return d, err
}

func (h *mirrorHub) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/api/v1/index.json":
		var names []string
		for n := range h.repos {
			names = append(names, n)
		}
		sort.Strings(names)
		json.NewEncoder(w).Encode(names)
	case strings.HasPrefix(p, "/api/v1/"):
		name := strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/"), ".json")
		if _, ok := h.repos[name]; !ok {
			http.NotFound(w, r)
			return
		}
		d, err := h.doc(name)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write(d)
	case strings.HasPrefix(p, "/tar/"):
		rest := strings.TrimSuffix(strings.TrimPrefix(p, "/tar/"), ".tar.gz")
		i := strings.LastIndex(rest, "/")
		name, tag := rest[:i], rest[i+1:]
		dir, ok := h.repos[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		out, err := h.git(dir, "archive", "--format=tar.gz", "--prefix="+strings.ReplaceAll(name, "/", "-")+"-"+tag+"/", tag)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write(out)
	default:
		http.NotFound(w, r)
	}
}

// realDepsEnv sets up the loopback hub and git URL rewrites (GDBT_GIT_MIRRORS=
// "https://github.com/x/y.git=/path/to/y.git,…", through git's url.<base>.insteadOf),
// or skips naming the variables.
func realDepsEnv(t *testing.T, projectVar string) string {
	src, mirrors := os.Getenv(projectVar), os.Getenv("GDBT_HUB_MIRRORS")
	if src == "" || mirrors == "" {
		t.Skipf("%s (the project checkout) and GDBT_HUB_MIRRORS (namespace/name=git-dir,… of its hub packages; GDBT_GIT_MIRRORS for git ones) not both set", projectVar)
	}
	h := newMirrorHub(t, mirrors)
	t.Setenv("DBT_PACKAGE_HUB_URL", h.srv.URL+"/")
	if gm := os.Getenv("GDBT_GIT_MIRRORS"); gm != "" {
		pairs := strings.Split(gm, ",")
		t.Setenv("GIT_CONFIG_COUNT", fmt.Sprint(len(pairs)))
		for i, kv := range pairs {
			from, to, _ := strings.Cut(kv, "=")
			t.Setenv(fmt.Sprintf("GIT_CONFIG_KEY_%d", i), "url.file://"+to+".insteadOf")
			t.Setenv(fmt.Sprintf("GIT_CONFIG_VALUE_%d", i), from)
		}
	}
	t.Setenv("HOME", t.TempDir())
	root := t.TempDir()
	if err := copyTree(root, src); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestDepsJaffleShop installs dbt-labs/jaffle-shop's packages (two hub packages at exact
// versions, dbt-audit-helper from git at main) with gdbt deps, loads its seeds the way its
// README says (`seed --full-refresh --vars '{"load_source_data": true}'`: its
// seeds/jaffle-data are enabled only under that var) and builds it on DuckDB: every model,
// data test and unit test must succeed, and the marts must hold the seeds' rows.
//
//	GDBT_JAFFLE_SHOP_DIR=/path/to/jaffle-shop \
//	GDBT_HUB_MIRRORS=dbt-labs/dbt_utils=/path/dbt-utils.git,godatadriven/dbt_date=/path/dbt-date.git \
//	GDBT_GIT_MIRRORS=https://github.com/dbt-labs/dbt-audit-helper.git=/path/dbt-audit-helper.git \
//	go test ./cmd/gdbt/ -run DepsJaffleShop
func TestDepsJaffleShop(t *testing.T) {
	dir := realDepsEnv(t, "GDBT_JAFFLE_SHOP_DIR")
	os.Remove(filepath.Join(dir, deps.LockFile)) // its lock is stale against its own packages.yml
	jaffleSeeds(t, filepath.Join(dir, "seeds", "jaffle-data"))
	// dbt_date 0.17.1 requires dbt >=1.10.5: gdbt declares the newest 1.10 patch.
	r := rtMust(t, dir, 0, "deps")
	for _, want := range []string{"Installing dbt-labs/dbt_utils", "Installing godatadriven/dbt_date", "Installing https://github.com/dbt-labs/dbt-audit-helper.git", "Installed from revision "} {
		if !strings.Contains(r.out, want) {
			t.Errorf("deps output lacks %q:\n%s", want, r)
		}
	}
	for _, p := range []string{"dbt_utils", "dbt_date", "audit_helper"} {
		if _, err := os.Stat(filepath.Join(dir, "dbt_packages", p, "dbt_project.yml")); err != nil {
			t.Error(err)
		}
	}
	lock, _ := os.ReadFile(filepath.Join(dir, deps.LockFile))
	t.Logf("package-lock.yml:\n%s", lock)
	r = rtMust(t, dir, 0, "deps", "--no-version-check") // from the lock
	if !strings.Contains(r.out, "Installed from version 1.3.3") || !strings.Contains(r.out, "Installed from version 0.17.1") {
		t.Errorf("deps from the lock:\n%s", r)
	}
	rtMust(t, dir, 0, "parse", "--no-version-check")

	// Without the var the seeds are disabled, as in dbt: nothing to load.
	r = rtMust(t, dir, 0, "seed")
	if _, err := os.Stat(filepath.Join(dir, "target", "gdbt.duckdb")); err == nil {
		if got := rtQuery(t, dir, "select count(*) from information_schema.tables where table_name like 'raw\\_%' escape '\\'"); got[0] != "0" {
			t.Errorf("seed without load_source_data loaded %s tables:\n%s", got[0], r)
		}
	}
	rtMust(t, dir, 0, "seed", "--full-refresh", "--vars", `{"load_source_data": true}`)
	seedRows := map[string]int{}
	for _, name := range []string{"raw_customers", "raw_orders", "raw_items", "raw_stores", "raw_products", "raw_supplies"} {
		b, err := os.ReadFile(filepath.Join(dir, "seeds", "jaffle-data", name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		seedRows[name] = strings.Count(strings.TrimRight(string(b), "\n"), "\n") // lines less the header
		// generate_schema_name (the project's macro) puts seeds in the "raw" schema.
		if got := rtQuery(t, dir, "select count(*) from raw."+name); got[0] != fmt.Sprint(seedRows[name]) {
			t.Errorf("raw.%s holds %s rows, its CSV %d", name, got[0], seedRows[name])
		}
	}

	b := rtGdbt(t, dir, "build", "--vars", `{"load_source_data": true}`)
	st := rtStatuses(t, dir)
	kinds := map[string]int{}
	for id, s := range st {
		kind, _, _ := strings.Cut(id, ".")
		kinds[kind]++
		if s != "success" && s != "pass" {
			t.Errorf("build: %s: %s", id, s)
		}
	}
	if b.code != 0 {
		t.Errorf("build: %s", b)
	}
	// 6 seeds, 13 models, data tests and the unit tests of stg_locations and orders.
	if kinds["seed"] != 6 || kinds["model"] < 13 || kinds["test"] < 20 || kinds["unit_test"] < 2 {
		t.Errorf("build ran %v, want 6 seeds, ≥13 models, ≥20 data tests, ≥2 unit tests", kinds)
	}
	t.Logf("build: %v nodes, all success/pass", kinds)
	for mart, want := range map[string]int{"orders": seedRows["raw_orders"], "order_items": seedRows["raw_items"],
		"customers": seedRows["raw_customers"], "locations": seedRows["raw_stores"], "products": seedRows["raw_products"],
		"supplies": seedRows["raw_supplies"]} {
		if got := rtQuery(t, dir, "select count(*) from main."+mart); got[0] != fmt.Sprint(want) {
			t.Errorf("%s holds %s rows, want %d", mart, got[0], want)
		}
	}
	// The marts' sums agree with the raw cents (cents_to_dollars, a numeric(16,2)).
	raw := rtQuery(t, dir, "select sum(order_total) from raw.raw_orders")
	got := rtQuery(t, dir, "select cast(sum(order_total) * 100 as bigint) from main.orders")
	if raw[0] != got[0] {
		t.Errorf("orders total %s cents, raw_orders %s", got[0], raw[0])
	}
	life := rtQuery(t, dir, "select cast(sum(lifetime_spend) * 100 as bigint) from main.customers")
	if life[0] != raw[0] {
		t.Errorf("customers' lifetime_spend %s cents, raw_orders %s", life[0], raw[0])
	}
}

// jaffleSeeds checks that jaffle-shop's seeds/jaffle-data is there. Its two large files
// (raw_orders.csv 8.8 MB, raw_items.csv) are absent from snapshots that keep only small
// blobs; when they are, they are written here from the shipped customers, stores and
// products in jafgen's columns (deterministic: seeded), each order's subtotal the sum of
// its items' prices and its tax from the store's rate, so the project's data tests
// (order_items_subtotal = subtotal, order_total = subtotal + tax_paid) still check data.
func jaffleSeeds(t *testing.T, dir string) {
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatalf("%v: GDBT_JAFFLE_SHOP_DIR must hold the project's seeds/jaffle-data (a full clone)", err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows[1:]
	}
	customers, stores, products := read("raw_customers"), read("raw_stores"), read("raw_products")
	read("raw_supplies")
	_, e1 := os.Stat(filepath.Join(dir, "raw_orders.csv"))
	_, e2 := os.Stat(filepath.Join(dir, "raw_items.csv"))
	if e1 == nil && e2 == nil {
		return
	}
	t.Logf("seeds/jaffle-data lacks raw_orders.csv or raw_items.csv: writing 2,000 orders made from its customers, stores and products")
	rng := rand.New(rand.NewSource(11))
	id := func() string {
		return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", rng.Uint32(), rng.Intn(1<<16), rng.Intn(1<<12), rng.Intn(1<<12), rng.Int63n(1<<48))
	}
	var orders, items strings.Builder
	orders.WriteString("id,customer,ordered_at,store_id,subtotal,tax_paid,order_total\n")
	items.WriteString("id,order_id,sku\n")
	start := time.Date(2024, 9, 1, 7, 0, 0, 0, time.UTC)
	for i := 0; i < 2000; i++ {
		oid, store := id(), stores[rng.Intn(len(stores))]
		at := start.Add(time.Duration(i/40) * 24 * time.Hour).Add(time.Duration(rng.Intn(12*60)) * time.Minute)
		sub := 0
		for n := 1 + rng.Intn(4); n > 0; n-- {
			p := products[rng.Intn(len(products))]
			price, _ := strconv.Atoi(p[3])
			sub += price
			fmt.Fprintf(&items, "%s,%s,%s\n", id(), oid, p[0])
		}
		rate, _ := strconv.ParseFloat(store[3], 64)
		tax := int(float64(sub) * rate)
		fmt.Fprintf(&orders, "%s,%s,%s,%s,%d,%d,%d\n", oid, customers[rng.Intn(len(customers))][0], at.Format("2006-01-02T15:04:05"), store[0], sub, tax, sub+tax)
	}
	for name, s := range map[string]string{"raw_orders.csv": orders.String(), "raw_items.csv": items.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDepsProjectEvaluator installs dbt-labs/dbt-project-evaluator's integration_tests
// packages (local ../ and exclude_package, whose own packages.yml needs dbt_utils from the
// hub), parses, and builds them on PostgreSQL (GDBT_PG_URL): its seeds, models and tests
// must all succeed, the equality tests comparing the package's graph-derived facts with
// its expected seeds included, and the build exit 0.
//
//	GDBT_PROJECT_EVALUATOR_DIR=/path/to/dbt-project-evaluator GDBT_HUB_MIRRORS=dbt-labs/dbt_utils=/path/dbt-utils.git \
//	go test ./cmd/gdbt/ -run DepsProjectEvaluator
func TestDepsProjectEvaluator(t *testing.T) {
	raw := os.Getenv("GDBT_PG_URL")
	if raw == "" {
		t.Skip("GDBT_PG_URL (a PostgreSQL server) not set")
	}
	root := realDepsEnv(t, "GDBT_PROJECT_EVALUATOR_DIR")
	dir := filepath.Join(root, "integration_tests")
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("gdbt_evaluator_%d", time.Now().UnixNano()%1e9)
	pass, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	for k, v := range map[string]string{"POSTGRES_HOST": u.Hostname(), "POSTGRES_PORT": port, "POSTGRES_USER": u.User.Username(),
		"DBT_ENV_SECRET_POSTGRES_PASS": pass, "POSTGRES_DATABASE": strings.TrimPrefix(u.Path, "/"), "POSTGRES_SCHEMA": schema} {
		t.Setenv(k, v)
	}
	t.Cleanup(func() { dropPGSchema(t, u, schema) })
	r := rtMust(t, dir, 0, "deps")
	for _, want := range []string{"Installing ../", "Installing exclude_package", "Installing dbt-labs/dbt_utils"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("deps output lacks %q:\n%s", want, r)
		}
	}
	for _, p := range []string{"dbt_project_evaluator", "exclude_package", "dbt_utils"} {
		if _, err := os.Stat(filepath.Join(dir, "dbt_packages", p, "dbt_project.yml")); err != nil {
			t.Error(err)
		}
	}
	// dbt-project-evaluator requires dbt >=1.10.6, which gdbt's declared version meets.
	rtMust(t, dir, 0, "parse")
	b := rtGdbt(t, dir, "build", "--threads", "4")
	res := rtResults(t, dir)
	var ids []string
	for id := range res {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	kinds := map[string]int{}
	for _, id := range ids {
		r := res[id]
		kind, _, _ := strings.Cut(id, ".")
		kinds[kind]++
		ok := r.Status == "success" || r.Status == "pass"
		if !ok {
			msg := ""
			if r.Message != nil {
				msg = *r.Message
			}
			t.Errorf("build: %s: %s %s", id, r.Status, msg)
		}
	}
	if kinds["seed"] < 10 || kinds["model"] < 40 || kinds["test"] < 40 {
		t.Errorf("build ran %v: fewer nodes than the project has", kinds)
	}
	if b.code != 0 {
		t.Errorf("build exit %d, want 0:\n%s", b.code, b)
	}
	t.Logf("build exit %d: %v nodes, all success/pass", b.code, kinds)
}
