package duckdb_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/duckdb"
)

// killDBEnv makes the test binary act as the process that gets killed mid-build.
const killDBEnv = "GDBT_TEST_KILLED_BUILD_DB"

// TestKilledBuildHelper is not a test on its own: run by TestKilledBuild in a child
// process, it starts replacing table "big" with a query that runs for minutes.
func TestKilledBuildHelper(t *testing.T) {
	path := os.Getenv(killDBEnv)
	if path == "" {
		t.Skip("helper process for TestKilledBuild")
	}
	a, err := duckdb.Open(context.Background(), duckdb.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	r := warehouse.Relation{Database: a.Dialect().DefaultDatabase(), Schema: "main", Identifier: "big", Type: "table"}
	os.Stdout.WriteString("building\n")
	_, err = warehouse.Replace(context.Background(), a, nil, r,
		"select a.range as x from range(100000000) a, range(1000000) b where b.range < 1000000")
	t.Fatalf("the build was expected to be killed, it ended with %v", err)
}

// TestKilledBuild kills (SIGKILL) a process in the middle of a large table rebuild and
// checks that the previous table is intact and that the next build succeeds.
func TestKilledBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	path := filepath.Join(t.TempDir(), "killed.duckdb")
	ctx := context.Background()
	a, err := duckdb.Open(ctx, duckdb.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	r := warehouse.Relation{Database: "killed", Schema: "main", Identifier: "big", Type: "table"}
	if _, err := warehouse.Replace(ctx, a, nil, r, "select range as x from range(1000)"); err != nil {
		t.Fatal(err)
	}
	a.Close() // the file lock belongs to one process at a time

	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledBuildHelper$", "-test.v")
	cmd.Env = append(os.Environ(), killDBEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "building") {
				started <- true
			}
		}
		close(started)
	}()
	select {
	case ok := <-started:
		if !ok {
			t.Fatal("helper exited before building")
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("helper did not start")
	}
	time.Sleep(300 * time.Millisecond) // well into the CREATE TABLE … AS, writing rows
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the helper was not killed mid-build: %v", err)
	}

	a, err = duckdb.Open(ctx, duckdb.Config{Path: path})
	if err != nil {
		t.Fatalf("reopening after the kill: %v", err)
	}
	defer a.Close()
	_, tab, err := a.Execute(ctx, "select count(*) from "+a.Dialect().RelationSQL(r), true)
	if err != nil {
		t.Fatalf("the previous table is gone: %v", err)
	}
	if tab.Rows[0][0] != int64(1000) {
		t.Errorf("previous table has %v rows, want 1000", tab.Rows[0][0])
	}
	if _, err := warehouse.Replace(ctx, a, nil, r, "select range as x from range(10)"); err != nil {
		t.Fatalf("the next build failed: %v", err)
	}
	rels, err := a.ListRelations(ctx, "killed", "main")
	if err != nil {
		t.Fatal(err)
	}
	want := []warehouse.Relation{{Database: "killed", Schema: "main", Identifier: "big", Type: "table"}}
	if !reflect.DeepEqual(rels, want) {
		t.Errorf("relations after the next build = %+v, want %+v", rels, want)
	}
}
