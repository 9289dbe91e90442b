package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler"
)

// cmdClean deletes the project's clean-targets (the target-path when the project file
// lists none). Paths outside the project folder are refused unless
// --no-clean-project-files-only is given, as in dbt.
func cmdClean(g *Globals, args []string) int {
	_, err := cmdArgs("clean", args)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	pc, err := compiler.LoadProjectConfig(g.ProjectDir)
	if err != nil {
		return g.ReportLoadError(err)
	}
	projectAbs, err := filepath.Abs(g.ProjectDir)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	code := ExitOK
	for _, t := range pc.CleanTargets {
		p := t
		if !filepath.IsAbs(p) {
			p = filepath.Join(projectAbs, p)
		}
		p = filepath.Clean(p)
		rel, err := filepath.Rel(projectAbs, p)
		inside := err == nil && rel != "." && !strings.HasPrefix(rel, "..")
		if p == projectAbs {
			g.Errorf("refusing to clean %q: it is the project folder itself", t)
			code = ExitLoadFailed
			continue
		}
		if !inside && g.FlagBool("clean-project-files-only", true) {
			g.Errorf("refusing to clean %q: it is outside the project folder (pass --no-clean-project-files-only to allow)", t)
			code = ExitLoadFailed
			continue
		}
		if _, err := os.Lstat(p); os.IsNotExist(err) {
			g.Infof("%s does not exist; nothing to clean", t)
			continue
		}
		if err := os.RemoveAll(p); err != nil {
			g.Errorf("clean %s: %v", t, err)
			code = ExitLoadFailed
			continue
		}
		g.Infof("Cleaned %s", t)
	}
	if code == ExitOK {
		g.Infof("Finished cleaning all paths.")
	}
	return code
}
