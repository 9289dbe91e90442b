package deps

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gdbt-dev/gdbt/compiler"
)

// CheckInstalled is what parse, compile, run and build check before loading: with fewer
// installed packages than the packages file lists, dbt's UninstalledPackagesFoundError
// (dbt/config/runtime.py load_dependencies); and, where gdbt deps recorded what it
// installed, a packages file changed since, or a recorded package gone. Both tell the
// user to run gdbt deps instead of failing later on an unknown macro.
func CheckInstalled(projectDir, installPath string, vars map[string]any) error {
	sf, err := ReadSpecFile(projectDir, vars, "")
	if err != nil {
		return err // a broken packages file fails every command, as dbt's project load
	}
	if len(sf.Specs) == 0 {
		return nil
	}
	installDir := filepath.Join(projectDir, installPath)
	installed := 0
	entries, _ := os.ReadDir(installDir)
	for _, e := range entries {
		if e.Name()[0] == '.' {
			continue
		}
		if _, err := compiler.FindProjectFile(filepath.Join(installDir, e.Name())); err == nil {
			installed++
		}
	}
	if len(sf.Specs) > installed {
		return fmt.Errorf("dbt found %d package(s) specified in %s, but only %d package(s) installed in %s. Run \"gdbt deps\" to install package dependencies.", len(sf.Specs), sf.Name, installed, installPath)
	}
	rec := readRecord(installDir)
	if rec == nil {
		return nil
	}
	for _, p := range rec.Packages {
		if _, err := os.Stat(filepath.Join(installDir, p.Name)); err != nil {
			return fmt.Errorf("package %s is missing from %s. Run \"gdbt deps\" to install package dependencies.", p.Name, installPath)
		}
	}
	lockHash := ""
	if h, _, err := readLock(filepath.Join(projectDir, LockFile), vars); err == nil {
		lockHash = h
	}
	if cur := SpecHash(sf.Specs); cur != rec.Hash || (lockHash != "" && lockHash != rec.Hash) {
		return fmt.Errorf("%s or %s changed since the packages in %s were installed. Run \"gdbt deps\" to install package dependencies.", sf.Name, LockFile, installPath)
	}
	return nil
}
