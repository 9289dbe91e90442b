package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/gdbt-dev/gdbt/runner"
)

// cmdRunOperation calls a macro: gdbt run-operation <macro> [--args '{key: value}'].
// The arguments are a YAML (or JSON) mapping passed as keyword arguments. Like dbt, it
// writes run_results.json with the operation as its one result.
func cmdRunOperation(g *Globals, args []string) int {
	start := time.Now()
	fl, err := cmdArgs("run-operation", args)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	if len(fl.Args) != 1 {
		g.Errorf("usage: gdbt run-operation <macro> [--args '{key: value}']")
		return ExitLoadFailed
	}
	kwargs := map[string]any{}
	if a := g.FlagStr("args", ""); a != "" {
		if err := yaml.Unmarshal([]byte(a), &kwargs); err != nil {
			g.Errorf("--args must be a YAML or JSON mapping: %v", err)
			return ExitLoadFailed
		}
	}
	return runOperation(g, fl.Args[0], kwargs, start)
}

// runOperation calls macro with kwargs and writes run_results.json (run-operation, and
// retry after one, which dbt's retry repeats whatever its status: task/retry.py).
func runOperation(g *Globals, macro string, kwargs map[string]any, start time.Time) int {
	s, code := openSession(g)
	if s == nil {
		return code
	}
	defer s.close()
	g.Infof("Running with gdbt=%s", buildVersion())
	id, ok := s.p.OperationMacroID(macro)
	if !ok {
		// dbt raises UndefinedMacroError after the failed call (task/run_operation.py), an
		// unhandled error: exit 2 and no run_results.json.
		g.Errorf("Encountered an error while running operation: could not find a macro with the name '%s' in any package", macro)
		return ExitLoadFailed
	}
	compiled := time.Now()
	out, err := s.p.RunOperation(s.ctx, s.a, macro, kwargs)
	end := time.Now()
	if !g.NoWriteJSON {
		rr := operationResults(g, id, macro, kwargs, err == nil, start, compiled, end)
		if werr := runner.WriteRunResults(filepath.Join(s.targetDir, "run_results.json"), rr); werr != nil {
			g.Errorf("%v", werr)
			return ExitLoadFailed
		}
	}
	if err != nil {
		g.Errorf("Encountered an error while running operation: %v", err)
		return ExitNodeFailed
	}
	if out != nil && out != "" {
		if b, err := json.Marshal(out); err == nil && g.LogFormat == "json" {
			fmt.Fprintln(g.Stdout, string(b))
		}
	}
	return ExitOK
}

// operationResults is run_results.json of an operation, as dbt-core's
// task/run_operation.py RunOperationTask.run writes it: one result whose unique id is the
// macro's, success or error with failures 0 or 1, timed from the start of the command
// ("compile") to the macro's end ("execute"), on the main thread, with no adapter response,
// message or compiled code (a HookNode's, artifacts/schemas/run/v5/run.py
// process_run_result).
func operationResults(g *Globals, id, macro string, kwargs map[string]any, ok bool, start, compiled, end time.Time) *runner.RunResults {
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
	status, failures := runner.StatusSuccess, int64(0)
	if !ok {
		status, failures = runner.StatusError, 1
	}
	no := false
	elapsed := end.Sub(start).Seconds()
	args := runArgs(g, "run-operation", 1)
	args["macro"], args["args"] = macro, kwargs
	return &runner.RunResults{
		Metadata: runner.RunMetadata{InvocationID: invocationID, DbtVersion: buildVersion(), InvocationStartedAt: start.UTC().Format(time.RFC3339Nano), GeneratedAt: ts(end)},
		Results: []runner.NodeResult{{UniqueID: id, Status: status, ThreadID: "MainThread", ExecutionTime: elapsed, Failures: &failures, Compiled: &no,
			Timing: []runner.Timing{{Name: "compile", StartedAt: ts(start), CompletedAt: ts(compiled)}, {Name: "execute", StartedAt: ts(compiled), CompletedAt: ts(end)}}}},
		ElapsedTime: elapsed,
		Args:        args,
	}
}
