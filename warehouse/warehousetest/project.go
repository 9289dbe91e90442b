package warehousetest

import (
	"context"
	"fmt"
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

// WriteTxtar unpacks a txtar archive (a small multi-file project) into a temporary folder
// and returns the folder.
func WriteTxtar(t *testing.T, archive string) string {
	t.Helper()
	ar, err := txtar.ParseFile(archive)
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

// Built is what BuildProject reports: each node's "status message" by name (tests as
// "test:<name>"), the console lines, and the run's summary.
type Built struct {
	Status  map[string]string
	Console []string
	Summary *runner.Summary
}

// ConsoleText is the console, one line per event, for failure messages.
func (b Built) ConsoleText() string { return strings.Join(b.Console, "\n") }

// BuildProject runs `gdbt build` on every node (and unit test, reported as "unit:<name>") of the project in opts (its profile picks
// the adapter) with the runner, as the CLI does, so the adapters' end-to-end tests share
// one driver. The run's artifacts go to opts.ProjectDir/targetDir.
func BuildProject(t *testing.T, opts compiler.Options, threads int, targetDir string) Built {
	t.Helper()
	opts.Which = "build"
	p, err := compiler.Load(opts)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	ctx := context.Background()
	if p.Profile.ZeroConfig {
		os.MkdirAll(filepath.Join(p.Dir, filepath.Dir(fmt.Sprint(p.Target.Fields["path"]))), 0o755)
	}
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
	for id := range p.Manifest.UnitTests {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	log := &consoleLog{}
	sum, err := runner.Run(ctx, p, a, runner.Options{Command: "build", IDs: ids, Threads: threads,
		TargetDir: filepath.Join(opts.ProjectDir, targetDir), InvocationID: "e2e-" + p.Target.Name,
		Console: runner.NewConsole(log, nil)})
	if err != nil {
		t.Fatalf("%s build: %v", p.Target.Name, err)
	}
	out := Built{Status: map[string]string{}, Summary: sum}
	for _, r := range sum.Results {
		name := r.UniqueID[strings.LastIndex(r.UniqueID, ".")+1:]
		if n := p.Manifest.Nodes[r.UniqueID]; n != nil && n.ResourceType == manifest.Test {
			name = "test:" + n.Name
		} else if p.Manifest.UnitTests[r.UniqueID] != nil {
			name = "unit:" + name
		}
		msg := ""
		if r.Message != nil {
			msg = *r.Message
		}
		out.Status[name] = r.Status + " " + msg
	}
	out.Console = log.snapshot()
	return out
}

// consoleLog collects the runner's console events.
type consoleLog struct {
	mu    sync.Mutex
	lines []string
}

// Event records one console line.
func (l *consoleLog) Event(level, msg string, _ map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level+": "+msg)
}

func (l *consoleLog) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}
