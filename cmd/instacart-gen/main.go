// Command instacart-gen writes a synthetic Instacart Market Basket dataset:
// the six Kaggle CSV files with their exact schemas, calibrated to the
// published statistics of the real data (../shared/data/instacart/FACTS.md),
// deterministic for a seed, at any scale up to the full 206,209 users, in
// bounded memory. The gdbt Instacart project reads its output unchanged,
// exactly as it would read the real download.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "instacart-gen:", err)
		os.Exit(1)
	}
}

// run parses flags and generates; it is main without the process exit, so
// tests drive the real command line.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("instacart-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	var seed int64
	var showProgress bool
	fs.StringVar(&cfg.out, "out", "", "output folder (created if missing)")
	fs.IntVar(&cfg.users, "users", 3000, "number of users (the real dataset has 206209)")
	fs.Int64Var(&seed, "seed", 1, "random seed: the same seed gives byte-identical files")
	fs.StringVar(&cfg.catalog, "catalog", "", "folder with the real products.csv, aisles.csv, departments.csv (default: synthetic catalog)")
	fs.IntVar(&cfg.products, "products", 49688, "products in the synthetic catalog")
	fs.BoolVar(&cfg.gzip, "gzip", false, "write NAME.csv.gz instead of NAME.csv")
	fs.BoolVar(&showProgress, "progress", false, "show the progress bar even when stderr is not a terminal")
	fs.IntVar(&cfg.workers, "workers", 0, "generator goroutines (default GOMAXPROCS; output does not depend on it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.out == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: instacart-gen --out DIR [--users N] [--seed S] [--catalog DIR] [--gzip]")
	}
	if cfg.products < 1 {
		return fmt.Errorf("--products must be at least 1")
	}
	cfg.seed = uint64(seed)
	if showProgress || isTerminal(stderr) {
		cfg.progress = stderr
	}
	st, err := generate(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d users, %d orders, %d prior lines, %d train lines\n",
		cfg.out, st.users, st.orders, st.priorLines, st.trainLines)
	return nil
}

// isTerminal reports whether w is a character device (an interactive terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
