package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/tools/txtar"
)

// Helpers of the runner's end-to-end tests: they run the real CLI (Main) in-process on
// the runner/testdata/shop.txtar project and read the tables back from its DuckDB file.

// rtProject extracts runner/testdata/<name> into a temporary folder and isolates the
// profile search, so the project's own profiles.yml is used.
func rtProject(t *testing.T, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("..", "..", "runner", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	return dir
}

// rtRun is one in-process gdbt invocation's outcome.
type rtRun struct {
	code     int
	out, err string
}

func (r rtRun) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.out, r.err)
}

// rtGdbt runs gdbt in the project dir with its profiles.yml.
func rtGdbt(t *testing.T, dir string, args ...string) rtRun {
	t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"--project-dir", dir, "--profiles-dir", dir, "--no-color"}, args...)
	code := Main(full, strings.NewReader(""), &out, &errb)
	return rtRun{code, out.String(), errb.String()}
}

// rtMust runs gdbt and fails the test unless the exit code is want.
func rtMust(t *testing.T, dir string, want int, args ...string) rtRun {
	t.Helper()
	r := rtGdbt(t, dir, args...)
	if r.code != want {
		t.Fatalf("gdbt %s: want exit %d\n%s", strings.Join(args, " "), want, r)
	}
	return r
}

// rtQuery runs a query on the project's DuckDB file (closed again before returning, so
// the next gdbt run can open it) and returns the rows as text, one string per row with
// the columns separated by "|", NULL as "∅".
func rtQuery(t *testing.T, dir, q string) []string {
	t.Helper()
	return rtQueryFile(t, filepath.Join(dir, "target", "gdbt.duckdb"), q)
}

// rtQueryFile is rtQuery on a given database file.
func rtQueryFile(t *testing.T, path, q string) []string {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				parts[i] = "∅"
			} else {
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// rtQuery1 is rtQuery for a query with one row and one column.
func rtQuery1(t *testing.T, dir, q string) string {
	t.Helper()
	rows := rtQuery(t, dir, q)
	if len(rows) != 1 {
		t.Fatalf("%s: want one row, got %q", q, rows)
	}
	return rows[0]
}

// rtResult is the part of a run_results.json entry the tests look at.
type rtResult struct {
	UniqueID string  `json:"unique_id"`
	Status   string  `json:"status"`
	Message  *string `json:"message"`
	Failures *int64  `json:"failures"`
}

// rtResults reads target/run_results.json, validating it against dbt's schema first.
func rtResults(t *testing.T, dir string) map[string]rtResult {
	t.Helper()
	b := rtValidate(t, filepath.Join(dir, "target", "run_results.json"), "run-results_v6.json")
	var rr struct {
		Results []rtResult `json:"results"`
	}
	if err := json.Unmarshal(b, &rr); err != nil {
		t.Fatal(err)
	}
	m := map[string]rtResult{}
	for _, r := range rr.Results {
		m[r.UniqueID] = r
	}
	return m
}

// rtStatuses is "unique id → status" of the last run, for compact comparisons.
func rtStatuses(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for id, r := range rtResults(t, dir) {
		m[id] = r.Status
	}
	return m
}

// rtValidate reads an artifact and validates it against a dbt schema from
// the repository's testdata/dbt-schemas (or GDBT_SCHEMAS_DIR).
func rtValidate(t *testing.T, path, schema string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sp := cliSchemaFile(t, schema)
	sch, err := jsonschema.NewCompiler().Compile(sp)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s does not validate against %s:\n%v", path, schema, err)
	}
	return b
}

// rtWrite replaces a project file (to break or fix a model between runs).
func rtWrite(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The unique ids of the shop project.
const (
	idCustomers  = "seed.shop.customers"
	idOrders     = "seed.shop.orders"
	idStgCust    = "model.shop.stg_customers"
	idStgOrders  = "model.shop.stg_orders"
	idTotals     = "model.shop.customer_totals"
	idTop        = "model.shop.top_customer"
	idInc        = "model.shop.inc_orders"
	idBig        = "model.shop.big"
	totalsSQL    = "models/customer_totals.sql"
	brokenTotals = "select id, name, count(o.id) as n_orders from {{ ref('stg_customers') }} group by all\n"
	dupTotals    = "select id, name, 1 as n_orders, 1.0 as total from {{ ref('stg_customers') }} union all select 1, 'DUP', 0, 0\n"
	sourceFresh  = "source.shop.raw.events"
)

// rtPostgresProject writes the txtar project archive with a profile (named profile)
// pointing at GDBT_PG_URL in a fresh schema starting with prefix, dropped when the test
// ends; it skips the test when GDBT_PG_URL is not set.
func rtPostgresProject(t *testing.T, archive, profile, prefix string) (dir, schema string) {
	t.Helper()
	u := rtPGURL(t)
	dir = rtProject(t, archive)
	schema = fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano()%1e9)
	pass, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	rtWrite(t, dir, "profiles.yml", fmt.Sprintf("%s:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: %s\n      port: %s\n      user: %s\n      password: %q\n      dbname: %s\n      schema: %s\n      threads: 2\n",
		profile, u.Hostname(), port, u.User.Username(), pass, strings.TrimPrefix(u.Path, "/"), schema))
	t.Cleanup(func() { dropPGSchema(t, u, schema) })
	return dir, schema
}
