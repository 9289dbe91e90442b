package main

import (
	"path/filepath"
	"time"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/runner"
)

// cmdSource is `gdbt source freshness`: it checks the selected sources' freshness policies
// and writes target/sources.json. Exit 1 when a source is stale past error_after or the
// check failed.
func cmdSource(g *Globals, args []string) int {
	fl, err := cmdArgs("source", args)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	if len(fl.Args) != 1 || fl.Args[0] != "freshness" {
		g.Errorf("usage: gdbt source freshness [--select source:name] [-o target/sources.json]")
		return ExitLoadFailed
	}
	s, code := openSession(g)
	if s == nil {
		return code
	}
	defer s.close()
	_, ids, err := selectNodes(g, s.p, []string{manifest.SourceRT})
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	start := time.Now()
	g.Infof("Running with gdbt=%s", buildVersion())
	res := runner.Freshness(s.ctx, s.p.Manifest, s.a, ids, runner.NewConsole(g, g.Color))
	out := g.FlagStr("output", filepath.Join(s.targetDir, "sources.json"))
	art := &runner.SourcesArtifact{Metadata: runner.RunMetadata{InvocationID: invocationID, DbtVersion: buildVersion(), InvocationStartedAt: start.UTC().Format(time.RFC3339Nano)}, Results: res, ElapsedTime: time.Since(start).Seconds()}
	if err := runner.WriteSources(out, art); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	if len(res) == 0 {
		g.Warn("no selected source has a freshness policy with a loaded_at_field")
	}
	for _, r := range res {
		if r.Status == "error" || r.Status == "runtime error" {
			return ExitNodeFailed
		}
	}
	return ExitOK
}
