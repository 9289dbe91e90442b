package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

func main() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "dbg")
	exec.Command("cp", "-r", "/work/main/compiler/testdata/compile/basic/.", dir).Run()
	p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Which: "build"})
	if err != nil {
		panic(err)
	}
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, dir)
	if err != nil {
		panic(err)
	}
	a.Execute(ctx, "create table main.customers as select 1 as customer_id union all select 2", false)
	for _, r := range p.Schemas() {
		a.Execute(ctx, a.Dialect().(warehouse.DDL).CreateSchemaSQL(r.Database, r.Schema), false)
	}
	for _, id := range []string{"seed.shop.raw_orders", "model.shop.stg_orders", "model.shop.orders", "model.shop.customer_totals"} {
		n := p.Manifest.Nodes[id]
		if n == nil {
			fmt.Println("missing", id)
			continue
		}
		res, err := p.Execute(ctx, a, n)
		fmt.Println(id, err, res != nil)
	}
	pe, _ := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Empty: true})
	res, err := pe.Execute(ctx, a, pe.Manifest.Nodes["model.shop.customer_totals"])
	fmt.Printf("%v\n", err)
	fmt.Printf("%+v\n", res)
	_, t, _ := a.Execute(ctx, "select * from main_marts.customer_totals", true)
	fmt.Println(t.Rows)
	_, t, _ = a.Execute(ctx, "select table_name from duckdb_tables()", true)
	fmt.Println(t.Rows)
}
