// Command sqlreplay runs the models of a finished gdbt run again, directly on one DuckDB
// connection in the order that run started them (see bench/replay), and prints the
// warehouse-only time.
//
//	sqlreplay --target PROJECT/target --db /tmp/x/bench.duckdb [--skip model.a.b,…] [--per-node]
//
// With --per-node it prints, per statement, wall and CPU seconds and the process's
// peak resident memory during that statement (the statements run one at a time, so these
// are each statement's own).
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
	perNode := flag.Bool("per-node", false, "print every statement's wall and CPU time and peak memory (tab-separated)")
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
	if perNode {
		// One tab-separated row per statement (summarize.py's per-node table reads them).
		fmt.Printf("node\twall_s\tcpu_s\tpeak_rss_kb\n")
	}
	for _, t := range ts {
		sum += t.Seconds
		if perNode {
			fmt.Printf("%s\t%.4f\t%.4f\t%d\n", t.UniqueID, t.Seconds, t.CPUSeconds, t.PeakRSSKB)
		}
	}
	fmt.Printf("statements=%d statement_sum_s=%.4f wall_s=%.4f\n", len(ts), sum, wall)
	return nil
}
