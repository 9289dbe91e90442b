package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// TestLockSchema: a second holder of one schema's lock waits, told who holds it, until the
// first lets go; another schema is not blocked; cancelling a wait ends it.
func TestLockSchema(t *testing.T) {
	a1, a2 := openTest(t), openTest(t)
	ctx := context.Background()
	schema := fmt.Sprintf("gdbt_lock_%d", time.Now().UnixNano()%1e9)
	unlock1, err := a1.LockSchema(ctx, schema, func(string) { t.Error("the first lock waited") })
	if err != nil {
		t.Fatal(err)
	}
	// Another schema is free.
	unlockOther, err := a2.LockSchema(ctx, schema+"_other", func(string) { t.Error("another schema's lock waited") })
	if err != nil {
		t.Fatal(err)
	}
	unlockOther()

	// A wait that is cancelled ends with the context's error.
	cctx, cancel := context.WithCancel(ctx)
	waited := make(chan string, 2)
	go func() { <-waited; cancel() }()
	if _, err := a2.LockSchema(cctx, schema, func(h string) { waited <- h }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: err = %v, want context.Canceled", err)
	}

	got := make(chan error, 1)
	var unlock2 func()
	go func() {
		var err error
		unlock2, err = a2.LockSchema(ctx, schema, func(h string) { waited <- h })
		got <- err
	}()
	holder := <-waited
	if !strings.Contains(holder, "server process") {
		t.Errorf("holder = %q, want the holding server process", holder)
	}
	select {
	case err := <-got:
		t.Fatalf("the second lock was granted while the first was held (err %v)", err)
	default:
	}
	unlock1()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	unlock2()
}

// TestRunWaitsForLock: a build into a schema another run holds waits (saying so) and
// builds once the lock is free.
func TestRunWaitsForLock(t *testing.T) {
	fields := testFields(t)
	schema := fmt.Sprintf("gdbt_lockrun_%d", time.Now().UnixNano()%1e9)
	setProjectEnv(t, fields, schema)
	a := openTest(t)
	t.Cleanup(func() { a.Execute(context.Background(), "drop schema if exists "+schema+" cascade", false) })
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": "name: swapproj\nprofile: swapproj\n",
		"profiles.yml":    swapProject["profiles.yml"],
		"models/m.sql":    "select 1 as id\n",
	})
	ctx := context.Background()
	unlock, err := a.LockSchema(ctx, schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan warehousetest.Built, 1)
	go func() {
		done <- warehousetest.BuildProject(t, compiler.Options{ProjectDir: dir, ProfilesDir: dir}, 1, "target")
	}()
	// Wait until the build is blocked on the lock (polling the server, not timing it).
	for {
		_, tab, err := a.Execute(ctx, "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'advisory' and query like '%pg_advisory_lock(%'", true)
		if err != nil {
			t.Fatal(err)
		}
		if tab.Rows[0][0] != int64(0) {
			break
		}
		select {
		case b := <-done:
			t.Fatalf("the build ran while another run held the schema's lock: %v", b.Status)
		case <-time.After(50 * time.Millisecond):
		}
	}
	unlock()
	b := <-done
	if !strings.HasPrefix(b.Status["m"], "success") {
		t.Fatalf("m = %q\n%s", b.Status["m"], b.ConsoleText())
	}
	if !strings.Contains(b.ConsoleText(), "Waiting for another run into schema "+schema) {
		t.Errorf("console does not say it waited:\n%s", b.ConsoleText())
	}
}
