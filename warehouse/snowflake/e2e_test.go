package snowflake_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/runner"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// eventLog collects the runner's console events.
type eventLog struct {
	mu    sync.Mutex
	lines []string
}

// Event records one console line.
func (l *eventLog) Event(level, msg string, _ map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level+": "+msg)
}

// writeProject unpacks testdata/project.txtar into a temporary folder.
func writeProject(t *testing.T) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", "project.txtar"))
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
	return dir
}

// build runs `gdbt build` on every node through adapters.Open("snowflake"), returning each
// node's status and message by name.
func build(t *testing.T, dir, vars string) (map[string]string, *eventLog) {
	t.Helper()
	p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: vars, Which: "build"})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	ctx := context.Background()
	a, err := adapters.Open(ctx, p.Target.Type, p.Target.Fields, p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var ids []string
	for id, n := range p.Manifest.Nodes {
		for _, typ := range runner.ExecutableTypes["build"] {
			if n.ResourceType == typ {
				ids = append(ids, id)
			}
		}
	}
	sort.Strings(ids)
	log := &eventLog{}
	sum, err := runner.Run(ctx, p, a, runner.Options{Command: "build", IDs: ids, Threads: 3,
		TargetDir: filepath.Join(dir, "target"), InvocationID: "sf-e2e", Console: runner.NewConsole(log, nil)})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	out := map[string]string{}
	for _, r := range sum.Results {
		name := r.UniqueID[strings.LastIndex(r.UniqueID, ".")+1:]
		if n := p.Manifest.Nodes[r.UniqueID]; n != nil && n.ResourceType == manifest.Test {
			name = "test:" + n.Name
		}
		msg := ""
		if r.Message != nil {
			msg = *r.Message
		}
		out[name] = r.Status + " " + msg
	}
	return out, log
}

// TestEndToEnd builds a small project through the compiler, the runner and the
// snowflake__ macros against the fake server. The core nodes (seed, view, table, tests)
// must succeed; the cross-database models exercise snowflake__ macros on DuckDB, so their
// outcome is logged (a failure there is either a macro bug or SQL DuckDB does not share
// with Snowflake).
func TestEndToEnd(t *testing.T) {
	srv := startFake(t)
	u, err := url.Parse(fmt.Sprint("http://", srv.Fields("x")["host"], ":", srv.Fields("x")["port"]))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GDBT_TEST_SF_DB", srv.Database)
	t.Setenv("GDBT_TEST_SF_SCHEMA", "analytics")
	t.Setenv("GDBT_TEST_SF_HOST", u.Hostname())
	t.Setenv("GDBT_TEST_SF_PORT", u.Port())
	dir := writeProject(t)
	first, log := build(t, dir, "{batch: 1}")
	names := make([]string, 0, len(first))
	for n := range first {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%s: %s", n, first[n])
	}
	for _, name := range []string{"people", "stg_people", "people_summary", "events"} {
		if !strings.HasPrefix(first[name], "success") {
			t.Errorf("%s: %s\nconsole:\n%s", name, first[name], strings.Join(log.lines, "\n"))
		}
	}
	a := openFields(t, srv.Fields("analytics"))
	_, tab, err := a.Execute(context.Background(), `select count(*) from "analytics"."people_summary"`, true)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := tab.Rows[0][0].(int64); n == 0 {
		t.Errorf("people_summary is empty")
	}
	// The second build takes the incremental paths of the snowflake__ macros.
	second, log := build(t, dir, "{batch: 2}")
	for _, n := range []string{"events", "events_append", "events_delete_insert", "people_check", "people_ts"} {
		t.Logf("second build: %s: %s", n, second[n])
	}
	if !strings.HasPrefix(second["events"], "success") {
		t.Fatalf("second build: events: %s\nconsole:\n%s", second["events"], strings.Join(log.lines, "\n"))
	}
	_, tab, err = a.Execute(context.Background(), `select id, batch from "analytics"."events" order by id`, true)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(tab.Rows), "[[1 1] [2 1] [3 2]]"; got != want {
		t.Errorf("events after merge = %s, want %s", got, want)
	}
	for _, c := range []struct{ sql, want string }{
		{`select count(*), max(batch) from "analytics"."events_append"`, "[[4 2]]"},
		{`select count(*), min(batch) from "analytics"."events_delete_insert"`, "[[3 2]]"},
		{`select count(*), count(dbt_valid_to) from "analytics"."people_check"`, "[[4 1]]"},
		{`select count(*), count(dbt_valid_to) from "analytics"."people_ts"`, "[[4 1]]"},
	} {
		_, tab, err := a.Execute(context.Background(), c.sql, true)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if got := fmt.Sprint(tab.Rows); got != c.want {
			t.Errorf("%s = %s, want %s", c.sql, got, c.want)
		}
	}
}
