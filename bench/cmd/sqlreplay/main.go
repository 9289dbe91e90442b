// Command sqlreplay runs the models of a finished gdbt run again, directly on one DuckDB
// connection in dependency order (see bench/replay), and prints the warehouse-only time.
//
//	sqlreplay --target PROJECT/target --db /tmp/x/bench.duckdb [--skip model.a.b,…] [--per-node]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/bench/replay"
)

func main() {
	target := flag.String("target", "target", "the target folder of a finished gdbt run (run_results.json, manifest.json)")
	db := flag.String("db", "", "DuckDB file to create (its base name must match the catalog gdbt used); removed first")
	skip := flag.String("skip", "", "comma-separated unique ids to leave out")
	perNode := flag.Bool("per-node", false, "print every statement's time")
	dump := flag.String("dump", "", "also write the statements, in order, to this .sql file")
	flag.Parse()
	if err := run(*target, *db, *skip, *perNode, *dump); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(target, db, skip string, perNode bool, dump string) error {
	if db == "" {
		return fmt.Errorf("sqlreplay: --db is required")
	}
	sk := map[string]bool{}
	for _, s := range strings.Split(skip, ",") {
		if s != "" {
			sk[s] = true
		}
	}
	stmts, err := replay.FromTarget(target, sk)
	if err != nil {
		return err
	}
	if dump != "" {
		var b strings.Builder
		for _, s := range stmts {
			fmt.Fprintf(&b, "-- %s\n%s;\n\n", s.UniqueID, s.SQL)
		}
		if err := os.WriteFile(dump, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	_ = os.Remove(db)
	_ = os.Remove(db + ".wal")
	if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
		return err
	}
	start := time.Now()
	ts, err := replay.Run(context.Background(), db, replay.Schemas(stmts), stmts)
	wall := time.Since(start).Seconds()
	if err != nil {
		return err
	}
	sum := 0.0
	for _, t := range ts {
		sum += t.Seconds
		if perNode {
			fmt.Printf("%-60s %.4f\n", t.UniqueID, t.Seconds)
		}
	}
	fmt.Printf("statements=%d statement_sum_s=%.4f wall_s=%.4f\n", len(ts), sum, wall)
	return nil
}
