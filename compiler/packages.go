package compiler

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Package is one dbt project taking part in a load: the root project or an installed
// package under packages-install-path. Resource names, macros and vars are scoped by it.
type Package struct {
	Name   string // the project name from its project file (not the folder name)
	Dir    string
	Config *ProjectConfig
	Root   bool
	// RelDir is Dir relative to the root project dir, slash-separated ("" for the root), so
	// a package file prints as "dbt_packages/utils/macros/x.sql" in messages.
	RelDir string
}

// LoadPackages returns the root project first, then every project installed under the
// root's packages-install-path, sorted by name. A folder without a project file is skipped
// with a warning in root.Warnings; two packages with one name are an error.
func LoadPackages(root *ProjectConfig) ([]*Package, error) {
	pkgs := []*Package{{Name: root.Name, Dir: root.Dir, Config: root, Root: true}}
	installDir := filepath.Join(root.Dir, root.PackagesInstallPath)
	entries, err := os.ReadDir(installDir)
	if err != nil {
		if os.IsNotExist(err) {
			return pkgs, nil
		}
		return nil, fmt.Errorf("read %s: %w", installDir, err)
	}
	var deps []*Package
	var errs Errors
	for _, e := range entries {
		dir := filepath.Join(installDir, e.Name())
		if !isDir(dir) || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, err := FindProjectFile(dir); err != nil {
			root.Warnings = append(root.Warnings, fmt.Sprintf("%s: skipped: %v", relTo(root.Dir, dir), strings.TrimSuffix(err.Error(), ": "+ErrProject.Error())))
			continue
		}
		pc, err := LoadProjectConfigTarget(dir, root.render.cliVars, root.render.target)
		if err != nil {
			for _, e := range AsErrors(err) {
				if e.File != "" && !filepath.IsAbs(e.File) {
					e.File = relTo(root.Dir, filepath.Join(dir, e.File))
				}
				errs = append(errs, e)
			}
			continue
		}
		for _, w := range pc.Warnings {
			root.Warnings = append(root.Warnings, relTo(root.Dir, dir)+"/"+w)
		}
		deps = append(deps, &Package{Name: pc.Name, Dir: dir, Config: pc, RelDir: relTo(root.Dir, dir)})
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	seen := map[string]string{root.Name: root.Dir}
	for _, p := range deps {
		if prev, ok := seen[p.Name]; ok {
			errs = append(errs, Errorf(relTo(root.Dir, p.Config.File), 0, 0, "package name %q is also used by %s", p.Name, prev))
			continue
		}
		seen[p.Name] = p.Dir
		pkgs = append(pkgs, p)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return pkgs, nil
}
