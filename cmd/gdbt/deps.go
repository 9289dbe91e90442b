package main

import (
	"github.com/gdbt-dev/gdbt/compiler"
)

// cmdDeps installs the packages listed in packages.yml / dependencies.yml into the
// project's packages-install-path. Only local: packages are supported for now.
func cmdDeps(g *Globals, args []string) int {
	if _, err := cmdArgs("deps", args); err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	pc, err := compiler.LoadProjectConfig(g.ProjectDir)
	if err != nil {
		return g.ReportLoadError(err)
	}
	specs, err := compiler.ReadPackageSpecs(pc)
	if err != nil {
		return g.ReportLoadError(err)
	}
	if len(specs) == 0 {
		g.Warn("nothing to do: no packages.yml or dependencies.yml with packages in " + g.ProjectDir)
		return ExitOK
	}
	if err := compiler.InstallDeps(pc); err != nil {
		return g.ReportLoadError(err)
	}
	for _, s := range specs {
		g.Infof("Installed local package from %s", s.Local)
	}
	g.Infof("Installed %d package(s) into %s", len(specs), pc.PackagesInstallPath)
	return ExitOK
}
