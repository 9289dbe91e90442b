// Package replay runs the SQL a gdbt run executed for its models directly on one DuckDB
// connection, in dependency order, with no orchestration: no templating, no scheduler, no
// introspection, no artifacts. Its time is the warehouse's own share of a run, which the
// per-node execution_time in run_results.json is not (that includes gdbt's rendering and
// bookkeeping), so the benchmarks subtract it from gdbt's wall time to get the overhead.
package replay

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the DuckDB database/sql driver
)

// Statement is one model's DDL as the replay runs it.
type Statement struct {
	UniqueID string
	SQL      string
}

// Timing is what one statement cost. The replay runs one statement at a time in one
// process, so the process's CPU time and peak resident memory over the statement are the
// statement's own (DuckDB reports neither per query).
type Timing struct {
	UniqueID string
	Seconds  float64
	// CPUSeconds is the process's user+system CPU time during the statement.
	CPUSeconds float64
	// PeakRSSKB is the process's peak resident memory during the statement (the kernel's
	// high-water mark, reset before it); 0 where the platform has no such counter.
	PeakRSSKB int64
}

// FromTarget builds the statements of every successful model in targetDir/run_results.json
// as CREATE OR REPLACE VIEW/TABLE over the compiled code gdbt ran, in the order gdbt ran them
// (by the start of each result's execute timing; the order of run_results.json where that is
// missing). The replay then runs the same statements in the same sequence as the gdbt run it
// is compared with: which tables DuckDB has just written and still holds in its buffer pool
// when a statement starts is the same on both sides. gdbt starts a node only after its
// parents finished, so that order has parents first at any --threads. skip lists unique ids
// to leave out (nodes whose SQL is not the model's select, like a training materialization)
// with everything downstream of them (by manifest.json's depends_on); FromTarget adds those
// descendants to skip.
func FromTarget(targetDir string, skip map[string]bool) ([]Statement, error) {
	var rr struct {
		Results []struct {
			UniqueID     string  `json:"unique_id"`
			Status       string  `json:"status"`
			CompiledCode *string `json:"compiled_code"`
			RelationName *string `json:"relation_name"`
			Timing       []struct {
				Name      string `json:"name"`
				StartedAt string `json:"started_at"`
			} `json:"timing"`
		} `json:"results"`
	}
	var man struct {
		Nodes map[string]struct {
			ResourceType string `json:"resource_type"`
			Database     string `json:"database"`
			Schema       string `json:"schema"`
			Alias        string `json:"alias"`
			Name         string `json:"name"`
			Config       struct {
				Materialized string `json:"materialized"`
			} `json:"config"`
			DependsOn struct {
				Nodes []string `json:"nodes"`
			} `json:"depends_on"`
		} `json:"nodes"`
	}
	if err := readJSON(filepath.Join(targetDir, "run_results.json"), &rr); err != nil {
		return nil, err
	}
	if err := readJSON(filepath.Join(targetDir, "manifest.json"), &man); err != nil {
		return nil, err
	}
	if skip == nil {
		skip = map[string]bool{}
	}
	// skipped tells whether id or anything it depends on (through nodes that are not run
	// too, such as ephemeral models) is left out: its parent's table would not exist.
	state := map[string]int8{} // 0 unseen, 1 visiting, 2 done
	var skipped func(id string) (bool, error)
	skipped = func(id string) (bool, error) {
		switch state[id] {
		case 1:
			return false, fmt.Errorf("replay: dependency cycle through %s", id)
		case 2:
			return skip[id], nil
		}
		state[id] = 1
		for _, d := range man.Nodes[id].DependsOn.Nodes {
			s, err := skipped(d)
			if err != nil {
				return false, err
			}
			if s {
				skip[id] = true
			}
		}
		state[id] = 2
		return skip[id], nil
	}
	type started struct {
		at   time.Time
		stmt Statement
	}
	timed := true // every result has an execute start
	var out []started
	for _, r := range rr.Results {
		n, ok := man.Nodes[r.UniqueID]
		if !ok || n.ResourceType != "model" || r.Status != "success" || r.CompiledCode == nil {
			continue
		}
		if s, err := skipped(r.UniqueID); err != nil {
			return nil, err
		} else if s {
			continue
		}
		kind := "table"
		switch n.Config.Materialized {
		case "view":
			kind = "view"
		case "ephemeral":
			continue
		}
		rel := fmt.Sprintf("%q.%q.%q", n.Database, n.Schema, firstNonEmpty(n.Alias, n.Name))
		if r.RelationName != nil && *r.RelationName != "" {
			rel = *r.RelationName
		}
		var at time.Time
		ok = false
		for _, t := range r.Timing {
			if t.Name == "execute" {
				at, ok = parseTime(t.StartedAt)
			}
		}
		timed = timed && ok
		out = append(out, started{at, Statement{UniqueID: r.UniqueID, SQL: fmt.Sprintf("create or replace %s %s as (\n%s\n)", kind, rel, *r.CompiledCode)}})
	}
	if timed {
		sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	}
	stmts := make([]Statement, len(out))
	for i, s := range out {
		stmts[i] = s.stmt
	}
	return stmts, nil
}

// Run executes stmts in order on one connection to the DuckDB database at dbPath (created;
// the file name decides the catalog name, so pass the same base name gdbt used). setup runs
// first and is not timed (e.g. the schema creation gdbt also does).
func Run(ctx context.Context, dbPath string, setup []string, stmts []Statement) ([]Timing, error) {
	db, err := sql.Open("duckdb", dbPath)
	if err != nil {
		return nil, fmt.Errorf("replay: open %s: %w", dbPath, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("replay: connect: %w", err)
	}
	defer conn.Close()
	for _, s := range setup {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("replay: setup %q: %w", s, err)
		}
	}
	out := make([]Timing, 0, len(stmts))
	for _, s := range stmts {
		resetPeakRSS()
		cpu0 := processCPU()
		start := time.Now()
		if _, err := conn.ExecContext(ctx, s.SQL); err != nil {
			return out, fmt.Errorf("replay: %s: %w", s.UniqueID, err)
		}
		out = append(out, Timing{UniqueID: s.UniqueID, Seconds: time.Since(start).Seconds(), CPUSeconds: processCPU() - cpu0, PeakRSSKB: peakRSSKB()})
	}
	return out, nil
}

// Schemas returns "create schema if not exists" for every schema the statements write to
// other than main, so a fresh database accepts them.
func Schemas(stmts []Statement) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range stmts {
		// relation is the fourth word: create or replace <kind> <relation> as (
		f := strings.Fields(s.SQL)
		if len(f) < 5 {
			continue
		}
		parts := strings.Split(f[4], ".")
		if len(parts) == 3 && parts[1] != `"main"` && !seen[parts[1]] {
			seen[parts[1]] = true
			out = append(out, "create schema if not exists "+parts[1])
		}
	}
	return out
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("replay: %s: %w", path, err)
	}
	return nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
