package runner

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// CrashAtEnv names a test hook, for crash-safety tests only: with it set to N, the process
// ends abruptly (exit code CrashExitCode, no cleanup, no deferred function, no commit) at
// the N-th statement boundary of the run. Each node statement call is one boundary (before
// it runs); a transaction script ending in COMMIT (an atomic swap) is a second one, after
// everything but its COMMIT ran, so the death lands inside the open transaction. With
// --threads 1 the numbering is the same from run to run.
const CrashAtEnv = "GDBT_TEST_CRASH_AT_STATEMENT"

// CrashExitCode is the exit code of a process the CrashAtEnv hook ended.
const CrashExitCode = 86

// HangAtEnv names a second test hook, for the signal tests: with it set to N, the N-th node
// statement never returns and ignores cancellation, as a cgo call stuck in the warehouse's
// code does (after printing HangNotice on stderr), so the second-signal watchdog can be
// shown ending the process deterministically.
const HangAtEnv = "GDBT_TEST_HANG_AT_STATEMENT"

// HangNotice is what the HangAtEnv hook prints on stderr when its statement hangs.
const HangNotice = "gdbt test hook: this statement hangs"

var (
	crashAt    = func() int64 { n, _ := strconv.ParseInt(os.Getenv(CrashAtEnv), 10, 64); return n }()
	hangAt     = func() int64 { n, _ := strconv.ParseInt(os.Getenv(HangAtEnv), 10, 64); return n }()
	boundaries atomic.Int64
	statements atomic.Int64
)

// trailingCommit finds a script's final COMMIT statement.
var trailingCommit = regexp.MustCompile(`(?is);\s*commit\s*;?\s*$`)

// crashPoint is called before each node statement; it returns only when the hook is off or
// this is not the chosen boundary.
func crashPoint(ctx context.Context, sess warehouse.Session, sql string) {
	if hangAt > 0 && statements.Add(1) == hangAt {
		fmt.Fprintln(os.Stderr, HangNotice)
		for {
			time.Sleep(time.Hour) // deaf to ctx, as a stuck cgo call
		}
	}
	if crashAt <= 0 {
		return
	}
	if boundaries.Add(1) == crashAt {
		os.Exit(CrashExitCode)
	}
	loc := trailingCommit.FindStringIndex(sql)
	if loc == nil {
		return
	}
	if boundaries.Add(1) == crashAt {
		sess.Execute(ctx, sql[:loc[0]], false)
		os.Exit(CrashExitCode)
	}
}
