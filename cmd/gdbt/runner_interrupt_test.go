package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Interruption tests: gdbt runs in a child process (this test binary re-executed with
// GDBT_RUNNER_HELPER set, running Main) so it can be killed or interrupted for real.

const rtHelperEnv = "GDBT_RUNNER_HELPER_ARGS"

// TestRunnerHelperProcess is not a test: in a child process started by rtStartGdbt it runs
// gdbt with the arguments in GDBT_RUNNER_HELPER_ARGS and exits with its code.
func TestRunnerHelperProcess(t *testing.T) {
	raw := os.Getenv(rtHelperEnv)
	if raw == "" {
		t.Skip("helper process for the interruption tests")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		os.Exit(99)
	}
	os.Exit(Main(args, os.Stdin, os.Stdout, os.Stderr))
}

// rtStartGdbt starts gdbt in a child process and returns it with a channel of the lines it
// prints on stdout.
func rtStartGdbt(t *testing.T, dir string, args ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	full, _ := json.Marshal(append([]string{"--project-dir", dir, "--profiles-dir", dir, "--no-color"}, args...))
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunnerHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), rtHelperEnv+"="+string(full))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, lines
}

// rtWaitLine waits for a line containing s (or fails after a minute).
func rtWaitLine(t *testing.T, lines <-chan string, s string) {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("gdbt ended before printing %q", s)
			}
			if strings.Contains(l, s) {
				return
			}
		case <-timeout:
			t.Fatalf("gdbt did not print %q within a minute", s)
		}
	}
}

// rtBigRebuild makes the second build of model big scan a billion rows (tens of seconds).
var rtBigRebuild = []string{"--vars", "{big_n: 1000000000, big_mod: 100000}"}

// TestRunnerKillKeepsPreviousTable SIGKILLs gdbt in the middle of rebuilding a table: the
// previous version must still be there, whole, and the next run must succeed.
func TestRunnerKillKeepsPreviousTable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := rtProject(t, "shop.txtar")
	rtMust(t, dir, 0, "run", "-s", "big")
	before := rtQuery1(t, dir, "select count(*) || '|' || sum(i) from main.big")

	cmd, lines := rtStartGdbt(t, dir, append([]string{"run", "-s", "big"}, rtBigRebuild...)...)
	rtWaitLine(t, lines, "START sql table model main.big")
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the rebuild ended before it could be killed: %v", err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	if after := rtQuery1(t, dir, "select count(*) || '|' || sum(i) from main.big"); after != before {
		t.Errorf("after SIGKILL mid-rebuild big = %s, want the previous %s", after, before)
	}
	rtMust(t, dir, 0, "run", "-s", "big", "--vars", "{big_n: 2000}")
	if got := rtQuery1(t, dir, "select count(*) from main.big"); got != "2000" {
		t.Errorf("the run after the kill built %s rows, want 2000", got)
	}
	if got := rtQuery(t, dir, "select table_name from information_schema.tables where table_name like 'big%' and table_name <> 'big_child' order by 1"); len(got) != 1 {
		t.Errorf("leftover relations after the recovery run: %q", got)
	}
}

// TestRunnerSigintCancels interrupts a build in the middle of a long query: the query is
// cancelled promptly, gdbt exits 130, and run_results.json marks what did not run as
// skipped.
func TestRunnerSigintCancels(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := rtProject(t, "shop.txtar")
	rtMust(t, dir, 0, "run", "-s", "big")
	cmd, lines := rtStartGdbt(t, dir, append([]string{"build", "--threads", "1"}, rtBigRebuild...)...)
	rtWaitLine(t, lines, "START sql table model main.big")
	time.Sleep(time.Second)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("gdbt did not stop within 15s of SIGINT")
	}
	if took := time.Since(sent); took > 5*time.Second {
		t.Errorf("gdbt took %s to stop after SIGINT", took)
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit code %d after SIGINT, want 130", code)
	}
	res := rtResults(t, dir)
	if res["model.shop.big_child"].Status != "skipped" {
		t.Errorf("big_child, after the interrupted node, is %q, want skipped", res["model.shop.big_child"].Status)
	}
	if st := res[idBig].Status; st != "error" && st != "skipped" {
		t.Errorf("the interrupted node big is %q", st)
	}
	if got := rtQuery1(t, dir, "select count(*) from main.big"); got != "1000" {
		t.Errorf("the interrupted rebuild left big with %s rows, want the previous 1000", got)
	}
}
