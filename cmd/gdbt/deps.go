package main

import (
	"errors"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/deps"
)

// depsLog routes the deps package's lines to the console (dbt's deps events).
type depsLog struct{ g *Globals }

func (l depsLog) Info(msg string)  { l.g.Event("info", compiler.Redact(msg), nil) }
func (l depsLog) Warn(msg string)  { l.g.Warn(compiler.Redact(msg)) }
func (l depsLog) Debug(msg string) { l.g.Debugf("%s", compiler.Redact(msg)) }

// cmdDeps is gdbt deps: hub, git, tarball and local packages from packages.yml or
// dependencies.yml, resolved, locked in package-lock.yml and installed under
// packages-install-path (see the deps package).
func cmdDeps(g *Globals, args []string) int {
	if _, err := cmdArgs("deps", args); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	vars, err := compiler.ParseCLIVars(g.Vars)
	if err != nil {
		g.Errorf("--vars: %v", err)
		return ExitLoadFailed
	}
	ctx, stop := g.Context()
	defer stop()
	err = deps.Run(ctx, deps.Options{
		ProjectDir: g.ProjectDir, Vars: vars,
		Upgrade: g.FlagBool("upgrade", false), LockOnly: g.FlagBool("lock", false),
		AddPackage: g.FlagStr("add-package", ""), Source: g.FlagStr("source", "hub"),
		NoVersionCheck: g.NoVersionCheck,
		Log:            depsLog{g},
	})
	if err != nil {
		errs := compiler.AsErrors(err)
		errs.Sort()
		for _, e := range errs {
			g.Errorf("%s", compiler.Redact(e.Error()))
		}
		return ExitLoadFailed
	}
	return ExitOK
}

// checkPackages stops parse, compile, run and build early, with dbt's advice to run
// deps, when the packages file lists packages that are not (or no longer) installed.
func checkPackages(g *Globals) error {
	pc, err := compiler.LoadProjectConfig(g.ProjectDir)
	if err != nil {
		return nil // the load that follows reports it
	}
	vars, err := compiler.ParseCLIVars(g.Vars)
	if err != nil {
		return nil
	}
	if err := deps.CheckInstalled(pc.Dir, pc.PackagesInstallPath, vars); err != nil {
		var located *compiler.Error
		if errors.As(err, &located) {
			e := *located
			e.Msg = compiler.Redact(e.Msg)
			return &e
		}
		return compiler.Errorf("", 0, 0, "%s", compiler.Redact(err.Error()))
	}
	return nil
}
