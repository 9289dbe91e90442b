package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/runner"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// testLogger collects the runner's console events so a failing build can print them.
type testLogger struct {
	mu    sync.Mutex
	lines []string
}

// Event implements runner.Logger.
func (l *testLogger) Event(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level+": "+msg)
}

func (l *testLogger) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// buildProject loads the project in dir, runs command over every node of its manifest with
// one thread, and fails the test unless every executed node passed. It closes the adapter
// before returning, so the DuckDB file can be opened by the caller. It returns the runner's
// summary.
func buildProject(t *testing.T, dir, command, vars string) *runner.Summary {
	t.Helper()
	ctx := context.Background()
	p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: vars, Which: command})
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, p.Dir)
	if err != nil {
		t.Fatalf("open %s adapter: %v", p.Target.Type, err)
	}
	ids := make([]string, 0, len(p.Manifest.Nodes))
	for id := range p.Manifest.Nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	log := &testLogger{}
	sum, err := runner.Run(ctx, p, a, runner.Options{
		Command:   command,
		IDs:       ids,
		Threads:   1,
		TargetDir: filepath.Join(dir, "target"),
		Console:   runner.NewConsole(log, nil),
	})
	if cerr := a.Close(); cerr != nil {
		t.Errorf("close adapter: %v", cerr)
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", command, err, log)
	}
	if sum.Error > 0 || sum.Skip > 0 || sum.Warn > 0 || sum.Interrupted {
		t.Fatalf("%s: PASS=%d WARN=%d ERROR=%d SKIP=%d\n%s", command, sum.Pass, sum.Warn, sum.Error, sum.Skip, log)
	}
	if sum.Pass == 0 {
		t.Fatalf("%s: nothing ran\n%s", command, log)
	}
	slow := append([]runner.NodeResult(nil), sum.Results...)
	sort.SliceStable(slow, func(i, j int) bool { return slow[i].ExecutionTime > slow[j].ExecutionTime })
	var parts []string
	for _, r := range slow[:min(5, len(slow))] {
		parts = append(parts, fmt.Sprintf("%s %.2fs", r.UniqueID, r.ExecutionTime))
	}
	t.Logf("%s: %d nodes passed in %.1fs; slowest: %s", command, sum.Pass, sum.Elapsed.Seconds(), strings.Join(parts, ", "))
	return sum
}

// openDB opens the project's zero-config DuckDB file read-only.
func openDB(t *testing.T, dir string) *sql.DB {
	t.Helper()
	path := filepath.Join(dir, adapters.DefaultDuckDBPath)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// queryFloat returns the single float64 result of q.
func queryFloat(t *testing.T, db *sql.DB, q string, args ...any) float64 {
	t.Helper()
	var v sql.NullFloat64
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if !v.Valid {
		t.Fatalf("%s: NULL", q)
	}
	return v.Float64
}

// queryInt returns the single int64 result of q.
func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var v int64
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// writeFile writes content to dir/rel, creating folders.
func writeFile(t *testing.T, dir, rel, content string) {
	t.Helper()
	path := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies the regular files under src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// rowsFloat reads every row of q as float64 columns.
func rowsFloat(t *testing.T, db *sql.DB, q string) [][]float64 {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]float64
	for rows.Next() {
		vals := make([]sql.NullFloat64, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		row := make([]float64, len(cols))
		for i, v := range vals {
			if !v.Valid {
				t.Fatalf("%s: NULL in column %s", q, cols[i])
			}
			row[i] = v.Float64
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}
