package main

import (
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/gdbt-dev/gdbt/runner"
)

// cmdRetry re-runs, with the previous command, the nodes of the last run_results.json that
// errored, failed or were skipped (dbt's retry); after run-operation, the operation. With
// nothing to retry it succeeds.
func cmdRetry(g *Globals, args []string) int {
	if _, err := cmdArgs("retry", args); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	prev, err := runner.ReadRunResults(filepath.Join(g.projectTargetDir(), "run_results.json"))
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	command, _ := prev.Args["which"].(string)
	if command == "run-operation" {
		// dbt's retry runs the operation again, with its macro and arguments, whether it
		// failed or not (task/retry.py: RunOperationTask takes no node subset).
		macro, _ := prev.Args["macro"].(string)
		if macro == "" {
			g.Errorf("the last run was an operation, but run_results.json does not name its macro")
			return ExitLoadFailed
		}
		kwargs, _ := jsonInts(prev.Args["args"]).(map[string]any)
		inheritRunArgs(g, prev.Args)
		return runOperation(g, macro, kwargs, time.Now())
	}
	if _, ok := runner.ExecutableTypes[command]; !ok {
		g.Errorf("the last run was %q, which retry cannot repeat (run, build, test, seed, snapshot, run-operation)", command)
		return ExitLoadFailed
	}
	var ids []string
	for _, r := range prev.Results {
		switch r.Status {
		case runner.StatusError, runner.StatusFail, runner.StatusSkipped, runner.StatusPartialSuccess:
			ids = append(ids, r.UniqueID)
		}
	}
	if len(ids) == 0 {
		g.Infof("Nothing to retry: the last %s had no errors, failures or skips.", command)
		return ExitOK
	}
	// Microbatch models that had both successful and failed batches rerun only the failed
	// ones (RetryTask.run's batch_map in dbt-core's core/dbt/task/retry.py).
	for _, r := range prev.Results {
		if b := r.BatchResults; b != nil && len(b.Successful) > 0 && len(b.Failed) > 0 {
			if g.retryBatches == nil {
				g.retryBatches = map[string]*runner.BatchResults{}
			}
			g.retryBatches[r.UniqueID] = b
		}
	}
	inheritRunArgs(g, prev.Args)
	s, code := openSession(g)
	if s == nil {
		return code
	}
	defer s.close()
	var known []string
	for _, id := range ids {
		_, isNode := s.p.Manifest.Nodes[id]
		if _, isUnit := s.p.Manifest.UnitTests[id]; isNode || isUnit {
			known = append(known, id)
		} else {
			g.Warn(fmt.Sprintf("retry: %s is no longer in the project", id))
		}
	}
	return runSelected(g, s, command, known)
}

// inheritRunArgs gives retry the flags of the run it repeats (as dbt's retry does) where
// the retry's own command line does not set them: vars, target, threads, full refresh,
// empty and fail-fast shape what the retried nodes build.
func inheritRunArgs(g *Globals, args map[string]any) {
	if v, ok := args["vars"].(string); ok && g.Vars == "" {
		g.Vars = v
	}
	if v, ok := args["target"].(string); ok && g.Target == "" {
		g.Target = v
	}
	if v, ok := args["threads"].(float64); ok && g.Threads == 0 {
		g.Threads = int(v)
	}
	for key, dst := range map[string]*bool{"full_refresh": &g.FullRefresh, "empty": &g.Empty, "fail_fast": &g.FailFast} {
		if v, ok := args[key].(bool); ok && v {
			*dst = true
		}
	}
}

// jsonInts turns the whole numbers of decoded JSON (float64) back into integers, as
// Python's json module reads them, so an operation's {days: 3} is 3 again, not 3.0.
func jsonInts(v any) any {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = jsonInts(e)
		}
	case []any:
		for i, e := range x {
			x[i] = jsonInts(e)
		}
	}
	return v
}
