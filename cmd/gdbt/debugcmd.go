package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler"
	"github.com/gdbt-dev/gdbt/warehouse"
	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// cmdDebug shows the resolved project, profile and target, then opens the adapter and
// runs `select 1`. Exit code 1 when a check fails.
func cmdDebug(g *Globals, args []string) int {
	_, err := cmdArgs("debug", args)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	g.Printf("gdbt version: %s (dbt-compatible %s)\n", buildVersion(), compiler.DbtVersion)
	failed := false
	check := func(name string, err error) {
		if err != nil {
			failed = true
			g.Printf("  %s: ERROR\n", name)
			for _, e := range compiler.AsErrors(err) {
				g.Printf("    %s\n", e.Error())
			}
			return
		}
		g.Printf("  %s: OK\n", name)
	}
	cliVars, err := compiler.ParseCLIVars(g.Vars)
	if err != nil {
		check("--vars", err)
		return ExitNodeFailed
	}
	g.Printf("project dir: %s\n", g.ProjectDir)
	if g.FlagBool("config-dir", false) {
		dirs := compiler.ProfileDirs(g.Options())
		g.Printf("profiles are searched in: %s\n", strings.Join(dirs, ", "))
		return ExitOK
	}
	pc, err := compiler.LoadProjectConfigVars(g.ProjectDir, cliVars)
	if err == nil {
		g.Printf("project file: %s\n", pc.File)
		g.Printf("project: %s (profile %q)\n", pc.Name, pc.Profile)
		for _, w := range pc.Warnings {
			g.Warn(w)
		}
	}
	if !g.FlagBool("connection", false) {
		check("project file", err)
	}
	if pc == nil {
		pc = &compiler.ProjectConfig{TargetPath: "target"}
	}
	t, info, perr := compiler.LoadProfileFor(g.Options(), pc)
	switch {
	case perr != nil:
	case info.ZeroConfig:
		g.Printf("profiles.yml: none used (%s)\n", info.Reason)
		g.Printf("using the zero-config target: embedded DuckDB at %s\n", t.Fields["path"])
	default:
		g.Printf("profiles.yml: %s\n", info.File)
	}
	g.Debugf("profiles searched in: %s", strings.Join(info.Searched, ", "))
	check("profile", perr)
	if perr != nil {
		return ExitNodeFailed
	}
	g.Printf("profile: %s\ntarget: %s\nadapter type: %s\n", t.ProfileName, t.Name, t.Type)
	g.Printf("database: %s\nschema: %s\nthreads: %d\n", t.Database, t.Schema, t.Threads)
	keys := make([]string, 0, len(t.Fields))
	for k := range t.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	g.Printf("connection:\n")
	for _, k := range keys {
		v := warehouse.MaskSecrets(fmt.Sprint(compiler.MaskSecrets(k, t.Fields[k])))
		g.Printf("  %s: %s\n", k, v)
	}
	ctx, stop := g.Context()
	defer stop()
	compiler.MakeTargetFolder(g.ProjectDir, pc.TargetPath)
	a, err := adapters.Open(ctx, t.Type, t.Fields, g.ProjectDir)
	if err == nil {
		_, _, err = a.Execute(ctx, "select 1", true)
		a.Close()
	}
	check("connection test (select 1)", err)
	if failed {
		g.Errorf("1 or more checks failed")
		return ExitNodeFailed
	}
	g.Printf("All checks passed!\n")
	return ExitOK
}
