package main

import (
	"fmt"
	"path/filepath"

	"github.com/gdbt-dev/gdbt/runner"
)

// cmdRetry re-runs, with the previous command, the nodes of the last run_results.json that
// errored, failed or were skipped (dbt's retry). With nothing to retry it succeeds.
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
	if _, ok := runner.ExecutableTypes[command]; !ok {
		g.Errorf("the last run was %q, which retry cannot repeat (run, build, test, seed, snapshot)", command)
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
