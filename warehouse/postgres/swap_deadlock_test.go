package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/runner"
	"github.com/gdbt-dev/gdbt/warehouse/postgres"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// swapPairProject: two tables and a view that reads both, as dbt-utils' test_safe_divide
// reads three seeds (its --full-refresh build deadlocked on PostgreSQL, one seed's swap
// recreating the view while another's waited to drop it).
var swapPairProject = map[string]string{
	"dbt_project.yml": "name: swappair\nprofile: swapproj\nmodels:\n  swappair:\n    +materialized: table\n",
	"profiles.yml":    swapProject["profiles.yml"],
	"models/a.sql":    "select 1 as id\n",
	"models/b.sql":    "select 2 as id\n",
	"models/v.sql":    "{{ config(materialized='view') }}\nselect id from {{ ref('a') }} union all select id from {{ ref('b') }}\n",
}

// TestSwapsSharingAViewDoNotDeadlock rebuilds a and b at the same time, in the order that
// deadlocked: b's swap locks b (it waits behind another session's lock on b, which the
// test holds), then a's swap drops the view with its old table and, recreating it on the
// new one, needs b; when the test lets go, b's swap must drop that view too. Both must
// succeed and the view must read both new tables. The moments are found by asking the
// server who blocks whom (pg_blocking_pids), not by waiting.
func TestSwapsSharingAViewDoNotDeadlock(t *testing.T) {
	fields := testFields(t)
	schema := fmt.Sprintf("gdbt_swappair_%d", time.Now().UnixNano()%1e9)
	setProjectEnv(t, fields, schema)
	a := openTest(t)
	ctx := context.Background()
	t.Cleanup(func() { a.Execute(context.Background(), "drop schema if exists "+schema+" cascade", false) })
	dir := writeProject(t, swapPairProject)
	built := warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir}, 1, "target")
	for _, n := range []string{"a", "b", "v"} {
		if !strings.HasPrefix(built.Status[n], "success") {
			t.Fatalf("first build: %s: %q\n%s", n, built.Status[n], built.ConsoleText())
		}
	}

	// The holder: a session of its own with a share lock on b, so b's swap waits for it.
	u := url.URL{Scheme: "postgres", User: url.UserPassword(fmt.Sprint(fields["user"]), fmt.Sprint(fields["password"])),
		Host: fmt.Sprintf("%v:%v", fields["host"], fields["port"]), Path: "/" + fmt.Sprint(fields["dbname"]),
		RawQuery: "sslmode=" + fmt.Sprint(fields["sslmode"])}
	holder, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	var holderPID int
	if err := holder.QueryRow(ctx, "select pg_backend_pid()").Scan(&holderPID); err != nil {
		t.Fatal(err)
	}
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, fmt.Sprintf("lock table %q.b in access share mode", schema)); err != nil {
		t.Fatal(err)
	}

	type outcome struct {
		name, status string
	}
	done := make(chan outcome, 2)
	run := func(name string) {
		st, err := runOne(dir, name)
		if err != nil {
			st = err.Error()
		}
		done <- outcome{name, st}
	}
	// blockedBy waits until some session waits for pid and returns that session's pid.
	blockedBy := func(pid int, what string) int {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			_, tab, err := a.Execute(ctx, fmt.Sprintf("select pid from pg_stat_activity where %d = any(pg_blocking_pids(pid)) limit 1", pid), true)
			if err != nil {
				t.Fatal(err)
			}
			if len(tab.Rows) == 1 {
				n, err := strconv.Atoi(fmt.Sprint(tab.Rows[0][0]))
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			select {
			case o := <-done:
				t.Fatalf("%s ended (%s) before %s", o.name, o.status, what)
			default:
			}
		}
		t.Fatalf("no session waited for %s", what)
		return 0
	}
	go run("b")
	bPID := blockedBy(holderPID, "b's swap to wait for the test's lock on b")
	go run("a")
	blockedBy(bPID, "a's swap to wait for b's")
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if o := <-done; !strings.HasPrefix(o.status, "success") {
			t.Errorf("%s: %s", o.name, o.status)
		}
	}
	if _, tab, err := a.Execute(ctx, fmt.Sprintf("select string_agg(id::text, ',' order by id) from %q.v", schema), true); err != nil {
		t.Errorf("the view after both swaps: %v", err)
	} else if got := fmt.Sprint(tab.Rows[0][0]); got != "1,2" {
		t.Errorf("the view after both swaps reads %s, want 1,2", got)
	}
}

// runOne runs model name of the project in dir on its own adapter, as one thread of a run
// (the schema's run lock is left out: the two runs stand for two threads of one run), and
// returns its status (with the message when it failed).
func runOne(dir, name string) (string, error) {
	ctx := context.Background()
	p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Which: "run"})
	if err != nil {
		return "", err
	}
	cfg, err := postgres.ParseConfig(p.Target.Fields)
	if err != nil {
		return "", err
	}
	a, err := postgres.Open(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer a.Close()
	id := "model.swappair." + name
	sum, err := runner.Run(ctx, p, a, runner.Options{Command: "run", IDs: []string{id}, Threads: 1, NoLock: true,
		TargetDir: dir + "/target-" + name, InvocationID: "swappair-" + name, Console: runner.NewConsole(discard{}, nil)})
	if err != nil {
		return "", err
	}
	for _, r := range sum.Results {
		if r.UniqueID == id {
			if r.Message != nil && r.Status != "success" {
				return r.Status + ": " + *r.Message, nil
			}
			return r.Status, nil
		}
	}
	return "", fmt.Errorf("%s did not run", id)
}

// discard is a console log that keeps nothing.
type discard struct{}

// Event drops the line.
func (discard) Event(string, string, map[string]any) {}
