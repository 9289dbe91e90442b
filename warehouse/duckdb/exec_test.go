package duckdb_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/duckdb"
)

func TestValueConversion(t *testing.T) {
	a := openTemp(t)
	_, tab, err := a.Execute(context.Background(), `select
		1::tinyint as ti, 2::smallint as si, 3::integer as i, 4::ubigint as ub, 18446744073709551615::ubigint as ubmax,
		5::hugeint as h, 170141183460469231731687303715884105727::hugeint as hmax,
		1.5::float as f32, 3.25::decimal(18,3) as dec, sum(7) as s,
		'00000000-0000-0000-0000-000000000001'::uuid as u,
		interval 1 day + interval 2 hour as iv, interval 14 month as iv2,
		[1, 2] as l, {'a': 1, 'b': 'x'} as st, 'ab'::blob as bl,
		date '2020-01-02' as d, null::varchar as n`, true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"ti": int64(1), "si": int64(2), "i": int64(3), "ub": int64(4), "ubmax": float64(18446744073709551615),
		"h": int64(5), "hmax": 1.7014118346046923e38, "f32": 1.5, "dec": 3.25, "s": int64(7),
		"u": "00000000-0000-0000-0000-000000000001", "iv": "1 day 02:00:00", "iv2": "1 year 2 months",
		"l": []any{int64(1), int64(2)}, "st": map[string]any{"a": int64(1), "b": "x"}, "bl": []byte("ab"),
		"d": time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), "n": nil,
	}
	for i, c := range tab.Columns {
		got := tab.Rows[0][i]
		if !reflect.DeepEqual(got, want[c.Name]) {
			t.Errorf("%s (%s) = %#v (%T), want %#v", c.Name, c.DataType, got, got, want[c.Name])
		}
	}
}

func TestExternalSQLReadsFiles(t *testing.T) {
	a := openTemp(t)
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	csv := "id,name\n1,a\n2,b\n3,c\n"
	write("o.csv", csv)
	write("o.tsv", "id\tname\n1\ta\n2\tb\n3\tc\n")
	f, err := os.Create(filepath.Join(dir, "o.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write([]byte(csv))
	zw.Close()
	f.Close()
	for _, part := range []string{"p1", "p2"} {
		if _, _, err := a.Execute(ctx, "copy (select * from read_csv_auto('"+filepath.Join(dir, "o.csv")+"')) to '"+filepath.Join(dir, part+".parquet")+"' (format parquet)", false); err != nil {
			t.Fatal(err)
		}
	}
	d := a.Dialect()
	for loc, want := range map[string]int64{"o.csv": 3, "o.csv.gz": 3, "o.tsv": 3, "p1.parquet": 3, "p*.parquet": 6} {
		_, tab, err := a.Execute(ctx, "select count(*), count(name) from "+d.ExternalSQL(filepath.Join(dir, loc)), true)
		if err != nil {
			t.Errorf("%s: %v", loc, err)
			continue
		}
		if tab.Rows[0][0] != want || tab.Rows[0][1] != want {
			t.Errorf("%s: counts %v, want %d", loc, tab.Rows[0], want)
		}
	}
}

func TestOpenConfig(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := duckdb.ParseConfig(map[string]any{
		"path": "sub/dev.duckdb", "threads": 3, "schema": "analytics",
		"extensions": []any{"parquet", map[string]any{"name": "json"}},
		"settings":   map[string]any{"memory_limit": "1GB", "threads": 2, "preserve_insertion_order": false},
	}, "target/gdbt.duckdb", dir)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Path != filepath.Join(dir, "sub", "dev.duckdb") || cfg.Threads != 3 || cfg.Schema != "analytics" {
		t.Errorf("config = %+v", cfg)
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755) // Open creates the file, not its folder
	a, err := duckdb.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if d := a.Dialect(); d.DefaultDatabase() != "dev" || d.DefaultSchema() != "analytics" {
		t.Errorf("database.schema = %s.%s, want dev.analytics", d.DefaultDatabase(), d.DefaultSchema())
	}
	// Settings reach every connection, including ones opened later (a session pins one
	// while another query needs a second).
	s, err := a.Session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, ex := range []warehouse.Executor{s, a} {
		_, tab, err := ex.Execute(ctx, "select current_setting('threads'), current_setting('preserve_insertion_order')", true)
		if err != nil {
			t.Fatal(err)
		}
		if tab.Rows[0][0] != int64(2) || tab.Rows[0][1] != false {
			t.Errorf("settings = %v, want [2 false]", tab.Rows[0])
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for name, fields := range map[string]map[string]any{
		"bad threads":     {"threads": "many"},
		"bad settings":    {"settings": []any{"x"}},
		"unsupported":     {"plugins": []any{}},
		"bad attach":      {"attach": []any{map[string]any{"alias": "x"}}},
		"bad extensions":  {"extensions": "parquet"},
		"bad path type":   {"path": 3},
		"nameless ext":    {"extensions": []any{map[string]any{"repo": "x"}}},
		"zero threads":    {"threads": 0},
		"bad setting val": {"settings": map[string]any{"x": []any{1}}},
	} {
		cfg, err := duckdb.ParseConfig(fields, "x.duckdb", dir)
		if err == nil {
			_, err = duckdb.Open(ctx, cfg)
		}
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for name, cfg := range map[string]duckdb.Config{
		"unknown setting":   {Path: ":memory:", Settings: map[string]any{"no_such_setting": 1}},
		"missing extension": {Path: ":memory:", Extensions: []string{"no_such_extension_here"}},
		"wrong database":    {Path: filepath.Join(dir, "a.duckdb"), Database: "other"},
	} {
		a, err := duckdb.Open(ctx, cfg)
		if err == nil {
			a.Close()
			t.Errorf("%s: no error", name)
		}
	}
	// The database may be named as the file's catalog, in any case.
	a, err := duckdb.Open(ctx, duckdb.Config{Path: filepath.Join(dir, "a.duckdb"), Database: "A"})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	m, err := duckdb.Open(ctx, duckdb.Config{Path: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if db := m.Dialect().DefaultDatabase(); db != "memory" {
		t.Errorf("in-memory database = %q, want memory", db)
	}
	// All connections of an in-memory pool see one database.
	if _, _, err := m.Execute(ctx, "create table t as select 1 as x", false); err != nil {
		t.Fatal(err)
	}
	s, err := m.Session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Execute(ctx, "select * from t", true); err != nil {
		t.Errorf("a second connection does not see the table: %v", err)
	}
}

func TestCopyToReadsBack(t *testing.T) {
	a := openTemp(t)
	ctx := context.Background()
	d := a.Dialect().(duckdb.Dialect)
	for _, name := range []string{"x.parquet", "x.csv", "x.json"} {
		loc := filepath.Join(t.TempDir(), name)
		sql, err := d.CopyToSQL("select range as id, 'n' || range as name from range(5)", loc, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Execute(ctx, sql, false); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_, tab, err := a.Execute(ctx, "select count(*), sum(id) from "+d.ExternalSQL(loc), true)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if tab.Rows[0][0] != int64(5) || tab.Rows[0][1] != int64(10) {
			t.Errorf("%s read back %v, want [5 10]", name, tab.Rows[0])
		}
	}
}

func TestExecuteFetchDDL(t *testing.T) {
	a := openTemp(t)
	ctx := context.Background()
	for _, fetch := range []bool{true, false} {
		name := fmt.Sprintf("t%v", fetch)
		resp, tab, err := a.Execute(ctx, "create table "+name+" as select range as x from range(4)", fetch)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Code != "CREATE TABLE" || resp.RowsAffected != 4 || (tab != nil) != fetch {
			t.Errorf("fetch %v: response = %+v, table = %+v; want 4 rows created", fetch, resp, tab)
		}
	}
	if _, _, err := a.Execute(ctx, "create table t as select 1 as x", false); err != nil {
		t.Fatal(err)
	}
	resp, _, err := a.Execute(ctx, "create view v as select 1 as x", false)
	if err != nil || resp.RowsAffected != -1 || resp.Code != "CREATE VIEW" {
		t.Errorf("create view: response = %+v, %v", resp, err)
	}
	resp, tab, err := a.Execute(ctx, "insert into t values (2), (3), (4)", true)
	if err != nil {
		t.Fatal(err)
	}
	if resp.RowsAffected != 3 {
		t.Errorf("insert with fetch: response = %+v, table = %+v", resp, tab)
	}
	resp, _, err = a.Execute(ctx, "update t set x = x + 1 where x > 2", false)
	if err != nil || resp.RowsAffected != 2 || resp.Code != "UPDATE" {
		t.Errorf("update: response = %+v, %v", resp, err)
	}
	if _, _, err := a.Execute(ctx, "select * from t; selec broken", true); err == nil {
		t.Error("a bad last statement succeeded")
	}
	for _, empty := range []string{"", " \n", "-- nothing to do", "/* c */ ;"} {
		for _, fetch := range []bool{false, true} {
			resp, tab, err := a.Execute(ctx, empty, fetch)
			if err != nil || resp.RowsAffected != -1 || (tab != nil && len(tab.Rows) != 0) || (tab != nil) != fetch {
				t.Errorf("Execute(%q, %v) = %+v, %+v, %v; want a no-op", empty, fetch, resp, tab, err)
			}
		}
	}
}

// TestConcurrentSchemaCreation has workers create the same schemas at once, as nodes of one
// schema do when each creates it: DuckDB refuses all but one with a write-write conflict,
// which Execute retries.
func TestConcurrentSchemaCreation(t *testing.T) {
	a := openTemp(t)
	ctx := context.Background()
	errs := make(chan error, 100)
	done := make(chan bool)
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; j < 10; j++ {
				if _, _, err := a.Execute(ctx, fmt.Sprintf("create schema if not exists s%d", j), false); err != nil {
					errs <- err
				}
				if _, _, err := a.Execute(ctx, fmt.Sprintf("create table s%d.t%d as select %d as x", j, i, i), false); err != nil {
					errs <- err
				}
			}
			done <- true
		}()
	}
	for i := 0; i < 8; i++ {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	_, tab, err := a.Execute(ctx, "select count(*) from duckdb_tables() where schema_name like 's%'", true)
	if err != nil || tab.Rows[0][0] != int64(80) {
		t.Errorf("tables = %v, %v; want 80", tab, err)
	}
}

func TestRetrySafe(t *testing.T) {
	for q, want := range map[string]bool{
		"create schema if not exists s":                      true,
		"create schema s; -- done":                           true,
		"begin; alter table a rename to b; commit":           true,
		"insert into t values (1); insert into t values (2)": false,
	} {
		if got := duckdb.RetrySafeForTest(q); got != want {
			t.Errorf("retrySafe(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestExtensionInstallFailsLoudly: an extension DuckDB has not installed is INSTALLed as
// dbt-duckdb does (from the entry's repo when it names one); when that cannot reach a
// repository the error names the extension, the statement and what to do. An installed or
// built-in extension loads without INSTALL.
func TestExtensionInstallFailsLoudly(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]struct {
		fields map[string]any
		want   []string
	}{
		"default repository": {map[string]any{"extensions": []any{"no_such_extension_here"}},
			[]string{"profile extension no_such_extension_here is not installed", "INSTALL no_such_extension_here failed", "~/.duckdb/extensions"}},
		"repo of its own": {map[string]any{"extensions": []any{map[string]any{"name": "no_such_ext2", "repo": "http://127.0.0.1:9/"}}},
			[]string{"INSTALL no_such_ext2 from http://127.0.0.1:9/ failed"}},
	} {
		cfg, err := duckdb.ParseConfig(c.fields, ":memory:", t.TempDir())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a, err := duckdb.Open(ctx, cfg)
		if err == nil {
			a.Close()
			t.Errorf("%s: no error", name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", name, err, w)
			}
		}
	}
	if _, err := duckdb.ParseConfig(map[string]any{"extensions": []any{map[string]any{"name": "x", "repo": 3}}}, ":memory:", "."); err == nil {
		t.Errorf("a non-string repo: no error")
	}
	// Built in: loads offline with no INSTALL.
	a, err := duckdb.Open(ctx, duckdb.Config{Path: ":memory:", Extensions: []string{"parquet", "json"}})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
}

// TestExactDecimalsNested: exact decimals inside a list (the conformance suite checks
// top-level values on every engine).
func TestExactDecimalsNested(t *testing.T) {
	a := openTemp(t)
	_, tab, err := a.Execute(warehouse.WithExactDecimals(context.Background()), "select [1.5::decimal(4,1)] as l", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{warehouse.Decimal("1.5")}; !reflect.DeepEqual(tab.Rows[0][0], want) {
		t.Errorf("%#v, want %#v", tab.Rows[0][0], want)
	}
}
