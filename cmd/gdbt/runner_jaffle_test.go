package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestRunnerJaffleShop builds dbt-labs/jaffle_shop_duckdb unchanged with `gdbt build`
// when GDBT_JAFFLE_DIR points at a checkout (skipped otherwise): every node must pass,
// the marts must hold the shop's known figures, and the manifest must carry the docs
// blocks rendered into column descriptions. It is the one jaffle shop test: it drives the
// whole CLI, so it covers what the compiler- and builtins-level variants covered.
func TestRunnerJaffleShop(t *testing.T) {
	src := os.Getenv("GDBT_JAFFLE_DIR")
	if src == "" {
		t.Skip("GDBT_JAFFLE_DIR not set (a checkout of dbt-labs/jaffle_shop_duckdb)")
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(dir, "target"))
	os.Remove(filepath.Join(dir, "jaffle_shop.duckdb"))
	t.Setenv("HOME", t.TempDir())
	r := rtMust(t, dir, 0, "build", "--threads", "4")
	st := rtStatuses(t, dir)
	if len(st) < 28 {
		t.Errorf("built %d nodes, want the 28 of jaffle_shop_duckdb\n%s", len(st), r)
	}
	for id, s := range st {
		if s != "success" && s != "pass" {
			t.Errorf("%s: %s", id, s)
		}
	}
	// doc() in a column description is rendered from the project's docs blocks.
	var m struct {
		Nodes map[string]struct {
			Columns map[string]struct{ Description string }
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "target", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if d := m.Nodes["model.jaffle_shop.orders"].Columns["status"].Description; !strings.Contains(d, "Orders can be one of") {
		t.Errorf("doc() in a column description not rendered: %q", d)
	}
	// The marts against figures computed straight from the raw seeds.
	db := filepath.Join(dir, "jaffle_shop.duckdb")
	q := func(sql string) []string { return rtQueryFile(t, db, sql) }
	for _, c := range []struct{ mart, raw string }{
		{"select count(*) from main.customers", "select count(*) from main.raw_customers"},
		{"select sum(number_of_orders) from main.customers", "select count(*) from main.raw_orders"},
		{"select sum(customer_lifetime_value)::decimal(18,2) from main.customers", "select (sum(amount) / 100)::decimal(18,2) from main.raw_payments"},
		{"select status, count(*), sum(amount)::decimal(18,2) from main.orders group by all order by all",
			"select o.status, count(distinct o.id), (coalesce(sum(p.amount), 0) / 100)::decimal(18,2) from main.raw_orders o left join main.raw_payments p on p.order_id = o.id group by all order by all"},
	} {
		if got, want := q(c.mart), q(c.raw); !reflect.DeepEqual(got, want) || len(got) == 0 {
			t.Errorf("%s = %q, want %q (%s)", c.mart, got, want, c.raw)
		}
	}
}
