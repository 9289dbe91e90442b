package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/runner"
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
	hardExit = os.Exit
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
	if st := res[idBig].Status; st != "skipped" {
		t.Errorf("the interrupted node big is %q, want skipped (cancelled, not failed)", st)
	}
	if got := rtQuery1(t, dir, "select count(*) from main.big"); got != "1000" {
		t.Errorf("the interrupted rebuild left big with %s rows, want the previous 1000", got)
	}
}

// rtStuckModel is a model whose single statement DuckDB parses for many seconds without
// looking at interrupts (300,000 select-list items, ~5 MB): the cgo call ignores the
// cancellation that the first Ctrl-C sends.
func rtStuckModel() string {
	var b strings.Builder
	b.WriteString("{{ config(materialized='table') }}\n-- depends_on: {{ ref('stg_customers') }}\nselect ")
	for i := range 300000 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("1 as c")
		b.WriteString(strconv.Itoa(i))
	}
	b.WriteString("\n")
	return b.String()
}

// TestSecondSigintEndsStuckCall: a second SIGINT (and SIGTERM after SIGINT) ends gdbt while
// a DuckDB call is stuck in cgo: the watchdog writes run_results.json with what finished
// (the stuck node skipped, nothing marked as an error) and exits 130, without waiting for
// the statement.
func TestSecondSigintEndsStuckCall(t *testing.T) {
	if os.Getenv("GDBT_STUCK_TEST") == "" {
		t.Skip("GDBT_STUCK_TEST=1 runs it: it needs an idle machine (the signals must reach DuckDB while it parses a 5 MB statement)")
	}
	for _, second := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(second.String(), func(t *testing.T) {
			dir := rtProject(t, "shop.txtar")
			rtWrite(t, dir, "models/stuck.sql", rtStuckModel())
			cmd, lines := rtStartGdbt(t, dir, "build", "-s", "+stuck", "--threads", "1")
			rtWaitLine(t, lines, "START sql table model main.stuck")
			time.Sleep(3 * time.Second) // rendering done, DuckDB parsing (≈10 s or more on an idle machine)
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond)
			if err := cmd.Process.Signal(second); err != nil {
				t.Fatal(err)
			}
			if code := rtWaitExit(t, cmd, "the second signal"); code != 130 {
				t.Errorf("exit code %d after the second signal, want 130", code)
			}
			log, _ := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
			if !strings.Contains(string(log), "a warehouse call did not return after the interruption") {
				t.Errorf("the watchdog did not end the stuck call (the statement returned first?); log:\n%s", lastLines(string(log), 15))
			}
			res := rtResults(t, dir)
			if st := res["model.shop.stuck"].Status; st != "skipped" {
				t.Errorf("the stuck node is %q, want skipped", st)
			}
			for id, r := range res {
				if r.Status == "error" {
					t.Errorf("%s is an error after an interruption", id)
				}
			}
			if st := res[idStgCust].Status; st != "success" {
				t.Errorf("stg_customers, finished before the interruption, is %q in run_results.json, want success", st)
			}
		})
	}
}

// TestSecondSignalEndsHungCall is TestSecondSigintEndsStuckCall made deterministic for CI:
// the runner's test hook (runner.HangAtEnv) makes the third node statement of a build hang,
// deaf to cancellation as a stuck cgo call is; SIGINT, then SIGINT or SIGTERM, must end gdbt
// within 2 s of the second signal, exit 130, with run_results.json holding what finished
// (success) and the rest skipped, nothing an error.
func TestSecondSignalEndsHungCall(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	for _, second := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(second.String(), func(t *testing.T) {
			dir := rtProject(t, "shop.txtar")
			full, _ := json.Marshal([]string{"--project-dir", dir, "--profiles-dir", dir, "--no-color", "build", "--threads", "1"})
			cmd := exec.Command(os.Args[0], "-test.run=^TestRunnerHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), rtHelperEnv+"="+string(full), runner.HangAtEnv+"=3")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			hung := make(chan bool, 1)
			go func() {
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					if strings.Contains(sc.Text(), runner.HangNotice) {
						hung <- true
					}
				}
				close(hung)
			}()
			select {
			case ok := <-hung:
				if !ok {
					t.Fatal("gdbt ended before its third statement hung")
				}
			case <-time.After(time.Minute):
				cmd.Process.Kill()
				t.Fatal("the third statement never hung")
			}
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond)
			if err := cmd.Process.Signal(second); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(2 * time.Second): // the bound, not a speed figure
				cmd.Process.Kill()
				t.Fatal("gdbt did not end within 2 s of the second signal")
			}
			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Errorf("exit code %d after the second signal, want 130", code)
			}
			log, _ := os.ReadFile(filepath.Join(dir, "logs", "gdbt.log"))
			if !strings.Contains(string(log), "a warehouse call did not return after the interruption") {
				t.Errorf("the watchdog did not end the hung call; log:\n%s", lastLines(string(log), 15))
			}
			res := rtResults(t, dir)
			ok, skipped := 0, 0
			for id, r := range res {
				switch r.Status {
				case "success", "pass":
					ok++
				case "skipped":
					skipped++
				default:
					t.Errorf("%s is %q after an interruption, want success or skipped", id, r.Status)
				}
			}
			if ok == 0 || skipped == 0 {
				t.Errorf("run_results.json: %d finished, %d skipped; want what finished before the hang and the rest skipped", ok, skipped)
			}
		})
	}
}

// lastLines is the end of a log, for failure messages.
func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	for i := range l {
		if len(l[i]) > 200 {
			l[i] = l[i][:200] + "…"
		}
	}
	return strings.Join(l, "\n")
}

// TestSigintWhileConnecting: Ctrl-C while gdbt waits for a PostgreSQL server that accepted
// the connection and never answers exits 130 (interrupted), not 2 (a bad profile).
func TestSigintWhileConnecting(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			accepted <- c // held open, never answered
		}
	}()
	dir := rtProject(t, "shop.txtar")
	rtWrite(t, dir, "profiles.yml", fmt.Sprintf("shop:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: 127.0.0.1\n      port: %d\n      user: u\n      password: p\n      dbname: d\n      schema: s\n      connect_timeout: 120\n",
		silent.Addr().(*net.TCPAddr).Port))
	cmd, _ := rtStartGdbt(t, dir, "run")
	select {
	case c := <-accepted:
		defer c.Close()
	case <-time.After(time.Minute):
		t.Fatal("gdbt did not connect to the server within a minute")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := rtWaitExit(t, cmd, "SIGINT while connecting"); code != 130 {
		t.Errorf("exit code %d after SIGINT while connecting, want 130", code)
	}
}

// rtWaitExit waits for the child to end (failing after 30 s: a hang) and returns its exit
// code.
func rtWaitExit(t *testing.T, cmd *exec.Cmd, after string) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("gdbt did not stop within 30 s of %s", after)
	}
	return cmd.ProcessState.ExitCode()
}
