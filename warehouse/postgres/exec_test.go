package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/postgres"
)

// TestCancelStopsServerQuery checks that cancelling the context makes the server stop the
// statement (a cancel request), not just the client give up on it.
func TestCancelStopsServerQuery(t *testing.T) {
	a := openTest(t)
	marker := fmt.Sprintf("gdbt_cancel_%d", time.Now().UnixNano())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := a.Execute(ctx, "select pg_sleep(60) as "+marker, true)
		done <- err
	}()
	active := "select count(*) from pg_stat_activity where state = 'active' and query like '%" + marker + "%' and pid <> pg_backend_pid()"
	waitFor := func(want int64) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, tab, err := a.Execute(context.Background(), active, true)
			if err != nil {
				t.Fatal(err)
			}
			if tab.Rows[0][0] == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("server-side running copies = %v, want %d", tab.Rows[0][0], want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor(1)
	start := time.Now()
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "57014" {
		t.Errorf("error = %v, want the server's query_canceled (57014)", err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("cancel took %v", el)
	}
	waitFor(0)
}

func TestTypedValues(t *testing.T) {
	a := openTest(t)
	_, tab, err := a.Execute(context.Background(), `select 1::smallint as i2, 2::int as i4, 3::bigint as i8,
		1.25::real as f4, 2.5::float8 as f8, 10.125::numeric(10,3) as num, 'x'::varchar(3) as vc, 'y'::char(2) as ch,
		'2024-02-29'::date as d, '2024-02-29 01:02:03.5'::timestamp as ts,
		'2024-02-29 01:02:03+02'::timestamptz as tstz, false as b, '00000000-0000-0000-0000-000000000001'::uuid as u,
		interval '1 day 2 hours' as iv, '{"k": 1}'::jsonb as j, array[1,2] as arr, 'NaN'::numeric as nan`, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{int64(1), int64(2), int64(3), 1.25, 2.5, 10.125, "x", "y ",
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 1, 2, 3, 5e8, time.UTC),
		time.Date(2024, 2, 28, 23, 2, 3, 0, time.UTC), false, "00000000-0000-0000-0000-000000000001",
		"1 day 02:00:00", `{"k": 1}`, []any{int64(1), int64(2)}}
	row := tab.Rows[0]
	for i, w := range want {
		got := row[i]
		if wt, ok := w.(time.Time); ok {
			if gt, ok := got.(time.Time); !ok || !gt.Equal(wt) {
				t.Errorf("%s = %#v, want %v", tab.Columns[i].Name, got, wt)
			}
			continue
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %#v (%T), want %#v", tab.Columns[i].Name, got, got, w)
		}
	}
	if f, ok := row[len(row)-1].(float64); !ok || f == f {
		t.Errorf("nan = %#v, want NaN", row[len(row)-1])
	}
	if got := tab.Columns[5].DataType; got != "numeric" {
		t.Errorf("numeric column type = %q", got)
	}
}

func TestExecuteResponses(t *testing.T) {
	a := openTest(t)
	ctx := context.Background()
	schema := "gdbt_exec_responses"
	t.Cleanup(func() { a.Execute(context.Background(), "drop schema if exists "+schema+" cascade", false) })
	cases := []struct {
		sql      string
		code     string
		rows     int64
		fetchLen int
	}{
		{"drop schema if exists " + schema + " cascade; create schema " + schema, "CREATE SCHEMA", -1, 0},
		{"create table " + schema + ".t as select generate_series(1, 4) as x", "SELECT", 4, 0},
		{"update " + schema + ".t set x = x + 1 where x > 2", "UPDATE", 2, 0},
		{"-- only a comment\n", "", -1, 0},
		{"select * from " + schema + ".t where x > 1; -- trailing", "SELECT", 3, 3},
	}
	for _, c := range cases {
		resp, tab, err := a.Execute(ctx, c.sql, true)
		if err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		if resp.Code != c.code || resp.RowsAffected != c.rows || len(tab.Rows) != c.fetchLen {
			t.Errorf("%q: response %+v with %d rows, want code %q, %d affected, %d rows", c.sql, resp, len(tab.Rows), c.code, c.rows, c.fetchLen)
		}
	}
	_, _, err := a.Execute(ctx, "select 1;\nselect nope\n  from nowhere_table", false)
	if err == nil || !strings.Contains(err.Error(), "line 3, column 8") {
		t.Errorf("error = %v, want the position of nowhere_table (line 3, column 8)", err)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42P01" {
		t.Errorf("error %v does not wrap the server's undefined_table", err)
	}
}

func TestListAndColumns(t *testing.T) {
	a := openTest(t)
	ctx := context.Background()
	schema := "gdbt_list_columns"
	t.Cleanup(func() { a.Execute(context.Background(), "drop schema if exists "+schema+" cascade", false) })
	_, _, err := a.Execute(ctx, `drop schema if exists `+schema+` cascade; create schema `+schema+`;
		create table `+schema+`.t (id bigint, name varchar(20), amount numeric(28,6), at timestamp);
		create view `+schema+`.v as select id from `+schema+`.t;
		create materialized view `+schema+`.mv as select count(*) as n from `+schema+`.t;
		alter table `+schema+`.t drop column at`, false)
	if err != nil {
		t.Fatal(err)
	}
	rels, err := a.ListRelations(ctx, "", strings.ToUpper(schema))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rels {
		got = append(got, r.Identifier+":"+r.Type)
	}
	if want := []string{"mv:materialized_view", "t:table", "v:view"}; !reflect.DeepEqual(got, want) {
		t.Errorf("relations = %v, want %v", got, want)
	}
	cols, err := a.Columns(ctx, warehouse.Relation{Schema: schema, Identifier: "t"})
	if err != nil {
		t.Fatal(err)
	}
	want := []warehouse.Column{{Name: "id", DataType: "bigint"}, {Name: "name", DataType: "character varying(20)"}, {Name: "amount", DataType: "numeric(28,6)"}}
	if !reflect.DeepEqual(cols, want) {
		t.Errorf("columns = %v, want %v", cols, want)
	}
	if _, err := a.ListRelations(ctx, "other_db", schema); err == nil {
		t.Error("listing another database succeeded")
	}
	// A materialized view is dropped and renamed with its own keyword.
	d := a.Dialect().(interface {
		DropRelationSQL(warehouse.Relation) string
	})
	if _, _, err := a.Execute(ctx, d.DropRelationSQL(rels[0]), false); err != nil {
		t.Fatal(err)
	}
}

func TestProfileOptions(t *testing.T) {
	f := testFields(t)
	f["search_path"], f["role"], f["keepalives_idle"], f["connect_timeout"] = "gdbt_sp_test, public", f["user"], 30, 5
	cfg, err := postgres.ParseConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	a, err := postgres.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	_, tab, err := a.Execute(context.Background(), "select current_setting('search_path'), current_user, current_setting('application_name')", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{"gdbt_sp_test, public", f["user"], "gdbt"}; !reflect.DeepEqual(tab.Rows[0], want) {
		t.Errorf("session = %v, want %v", tab.Rows[0], want)
	}
	bad := cfg
	bad.Password = "wrong-password"
	if _, err := postgres.Open(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "connecting to") {
		t.Errorf("open with a wrong password: %v", err)
	}
}

// TestExactNumerics: exact numerics as the server keeps them where the conformance
// suite's portable SQL cannot go: an unconstrained numeric and an array.
func TestExactNumerics(t *testing.T) {
	a := openTest(t)
	_, tab, err := a.Execute(warehouse.WithExactDecimals(context.Background()), "select 1200::numeric as whole, array[1.5::numeric(4,1)] as l", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{warehouse.Decimal("1200"), []any{warehouse.Decimal("1.5")}}; !reflect.DeepEqual(tab.Rows[0], want) {
		t.Errorf("%#v, want %#v", tab.Rows[0], want)
	}
}
