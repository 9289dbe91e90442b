// Command duckq runs SQL on a DuckDB file and prints each result as tab-separated rows with
// a header. The benchmark scripts use it to read gdbt's tables (the training history, the
// evaluation metrics) and to export the training table for scikit-learn, and to run the
// feature SQL directly, without needing the DuckDB command-line tool installed.
//
//	duckq --db target/instacart.duckdb "select * from main.instacart_model__history" …
//	duckq --db x.duckdb --file statements.sql --timing
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the DuckDB database/sql driver
)

func main() {
	db := flag.String("db", "", "DuckDB database file")
	file := flag.String("file", "", "also run the statements of this file (separated by lines ending in ';')")
	timing := flag.Bool("timing", false, "print each statement's wall time to stderr and the total to stdout")
	flag.Parse()
	if err := run(*db, *file, *timing, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "duckq:", err)
		os.Exit(1)
	}
}

func run(path, file string, timing bool, stmts []string) error {
	if path == "" {
		return fmt.Errorf("--db is required")
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		stmts = append(splitStatements(string(b)), stmts...)
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	total := time.Duration(0)
	for _, s := range stmts {
		start := time.Now()
		if err := query(ctx, conn, s); err != nil {
			return fmt.Errorf("%s: %w", firstLine(s), err)
		}
		d := time.Since(start)
		total += d
		if timing {
			fmt.Fprintf(os.Stderr, "%8.3f s  %s\n", d.Seconds(), firstLine(s))
		}
	}
	if timing {
		fmt.Printf("statements=%d total_s=%.3f\n", len(stmts), total.Seconds())
	}
	return nil
}

// query runs one statement and prints its rows (if any).
func query(ctx context.Context, conn *sql.Conn, s string) error {
	rows, err := conn.QueryContext(ctx, s)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	printed := false
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if !printed {
			fmt.Println(strings.Join(cols, "\t"))
			printed = true
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprint(v)
		}
		fmt.Println(strings.Join(parts, "\t"))
	}
	return rows.Err()
}

// splitStatements splits a script at lines ending in ';' (the replay dumps and the
// benchmark's SQL files are written that way; no statement-level parsing is attempted).
func splitStatements(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(src, "\n") {
		cur.WriteString(line)
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			if s := strings.TrimSpace(cur.String()); s != ";" && s != "" {
				out = append(out, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
			if len(l) > 80 {
				l = l[:80]
			}
			return l
		}
	}
	return ""
}
