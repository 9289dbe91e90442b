package compiler

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
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

// PackageSpec is one entry of packages.yml / dependencies.yml.
type PackageSpec struct {
	Local   string // local: path, relative to the project dir
	Git     string
	Package string // hub name, e.g. dbt-labs/dbt_utils
	Version any
	File    string
	Line    int
	Col     int
}

// ReadPackageSpecs reads packages.yml, or dependencies.yml's packages: list, of a project
// (nil when there is neither).
func ReadPackageSpecs(root *ProjectConfig) ([]PackageSpec, error) {
	var specs []PackageSpec
	var errs Errors
	for _, name := range []string{"packages.yml", "dependencies.yml"} {
		path := filepath.Join(root.Dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		rel := relTo(root.Dir, path)
		doc, err := parseYAMLDoc(rel, src)
		if err != nil {
			return nil, err
		}
		if doc == nil {
			continue
		}
		if err := renderNodeTree(rel, doc, nil, nil); err != nil {
			return nil, err
		}
		d := &decoder{file: rel}
		for _, p := range mappingPairs(doc) {
			if p.Key.Value != "packages" {
				if p.Key.Value != "projects" {
					errs = append(errs, nodeErr(rel, p.Key, "unknown key %q in %s", p.Key.Value, name))
				}
				continue
			}
			for _, item := range d.list(p.Value, "packages") {
				s := PackageSpec{File: rel, Line: item.Line, Col: item.Column}
				for _, f := range mappingPairs(item) {
					switch f.Key.Value {
					case "local":
						s.Local = d.str(f.Value)
					case "git":
						s.Git = d.str(f.Value)
					case "package":
						s.Package = d.str(f.Value)
					case "version", "revision":
						s.Version = d.any(f.Value)
					case "subdirectory", "warn-unpinned", "install-prerelease", "name", "tarball", "private":
					default:
						errs = append(errs, nodeErr(rel, f.Key, "unknown key %q in package entry", f.Key.Value))
					}
				}
				specs = append(specs, s)
			}
		}
		errs = append(errs, d.errs...)
	}
	return specs, errs.Err()
}

// InstallDeps installs the packages of packages.yml / dependencies.yml into
// packages-install-path (gdbt deps). Only local packages are supported: each is linked (or,
// where symlinks are unavailable, copied) to <install-path>/<package name>.
func InstallDeps(root *ProjectConfig) error {
	specs, err := ReadPackageSpecs(root)
	if err != nil {
		return err
	}
	var errs Errors
	for _, s := range specs {
		switch {
		case s.Local != "":
		case s.Git != "":
			errs = append(errs, Errorf(s.File, s.Line, s.Col, "git package %s: only local packages are supported for now", s.Git))
			continue
		case s.Package != "":
			errs = append(errs, Errorf(s.File, s.Line, s.Col, "hub package %s: only local packages are supported for now", s.Package))
			continue
		default:
			errs = append(errs, Errorf(s.File, s.Line, s.Col, "package entry needs local:, git: or package:"))
			continue
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	installDir := filepath.Join(root.Dir, root.PackagesInstallPath)
	for _, s := range specs {
		src := s.Local
		if !filepath.IsAbs(src) {
			src = filepath.Join(root.Dir, src)
		}
		pc, err := LoadProjectConfig(src)
		if err != nil {
			errs = append(errs, Errorf(s.File, s.Line, s.Col, "local package %s: %v", s.Local, err))
			continue
		}
		if err := os.MkdirAll(installDir, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", installDir, err)
		}
		dst := filepath.Join(installDir, pc.Name)
		if err := os.RemoveAll(dst); err != nil {
			return fmt.Errorf("remove old %s: %w", dst, err)
		}
		abs, err := filepath.Abs(src)
		if err != nil {
			return err
		}
		if err := os.Symlink(abs, dst); err != nil {
			if err := copyTree(abs, dst); err != nil {
				return fmt.Errorf("install %s: %w", pc.Name, err)
			}
		}
	}
	return errs.Err()
}

// copyTree copies the regular files and folders under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

var _ = yaml.Node{}
