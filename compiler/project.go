package compiler

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Project file names, gdbt's own first. A project holds exactly one of them.
const (
	ProjectFileGdbt = "project.yaml"
	ProjectFileDbt  = "dbt_project.yml"
)

// ProjectConfig is one project file (gdbt's project.yaml or dbt's dbt_project.yml) with
// dbt's defaults applied. The hierarchical resource maps (Models, Seeds, …) are kept raw:
// ResolveProjectConfig interprets them per node, because their meaning depends on the
// node's fqn.
type ProjectConfig struct {
	Name              string
	Version           string
	ConfigVersion     int
	Profile           string
	RequireDbtVersion any

	ModelPaths    []string
	MacroPaths    []string
	SeedPaths     []string
	TestPaths     []string
	SnapshotPaths []string
	AnalysisPaths []string
	DocsPaths     []string
	AssetPaths    []string

	TargetPath          string
	LogPath             string
	PackagesInstallPath string
	CleanTargets        []string

	// Vars is the raw vars: block: global vars, and per-package sub-maps keyed by the
	// package name (dbt's package-scoped vars).
	Vars map[string]any
	// OnRunStart and OnRunEnd are hook SQL strings, unrendered (they render at run time).
	OnRunStart   []string
	OnRunEnd     []string
	Quoting      map[string]any
	Dispatch     []Dispatch
	Flags        map[string]any
	QueryComment any

	// The hierarchical config trees, raw (keys starting with + are configs at any level).
	Models    map[string]any
	Seeds     map[string]any
	Tests     map[string]any
	DataTests map[string]any
	Snapshots map[string]any
	Sources   map[string]any
	Analyses  map[string]any
	Exposures map[string]any
	UnitTests map[string]any

	// File is the project file's path as read (Dir joined with its name); Dir the project
	// directory as given.
	File string
	Dir  string
	// render is what the file was rendered with (--vars and the target), reused for the
	// project files of installed packages, as dbt renders them with the same renderer.
	render projectRenderCtx
	// Warnings collected while loading (unknown keys, deprecated names), as
	// "file:line:col: message".
	Warnings []string
	// configKeys are the config keys of the hierarchical blocks (models:, seeds:, …) that
	// are not known by name; Load warns about those no macro reads either.
	configKeys []configKeyUse
}

// Dispatch is one entry of dispatch: in the project file: which packages adapter.dispatch
// searches, in order, for a macro namespace.
type Dispatch struct {
	MacroNamespace string
	SearchOrder    []string
}

// knownProjectKeys are the top-level keys dbt accepts; anything else earns a warning.
var knownProjectKeys = map[string]bool{
	"name": true, "version": true, "config-version": true, "profile": true,
	"model-paths": true, "macro-paths": true, "seed-paths": true, "test-paths": true,
	"snapshot-paths": true, "analysis-paths": true, "docs-paths": true, "asset-paths": true,
	"function-paths": true, "target-path": true, "log-path": true,
	"packages-install-path": true, "clean-targets": true, "require-dbt-version": true,
	"vars": true, "on-run-start": true, "on-run-end": true, "quoting": true, "dispatch": true,
	"models": true, "seeds": true, "tests": true, "data_tests": true, "snapshots": true,
	"sources": true, "analyses": true, "exposures": true, "metrics": true,
	"semantic-models": true, "saved-queries": true, "unit_tests": true, "functions": true,
	"query-comment": true, "flags": true, "restrict-access": true, "dbt-cloud": true,
	"source-paths": true, "data-paths": true,
}

// FindProjectFile returns the project file of dir: project.yaml or dbt_project.yml.
// Having both is an error (which one wins would be a guess), and so is having neither.
func FindProjectFile(dir string) (string, error) {
	var found []string
	for _, name := range []string{ProjectFileGdbt, ProjectFileDbt} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("no %s or %s in %s: %w", ProjectFileGdbt, ProjectFileDbt, dir, ErrProject)
	case 2:
		return "", Errorf(found[0], 0, 0, "both %s and %s exist in %s; keep one", ProjectFileGdbt, ProjectFileDbt, dir)
	}
	return found[0], nil
}

// LoadProjectConfig reads the project file of dir with dbt's defaults, rendering
// {{ env_var() }} and {{ var() }} in its values the way dbt does (hooks excepted: they render
// at run time). var() sees no command-line vars; use LoadProjectConfigVars for those.
func LoadProjectConfig(dir string) (*ProjectConfig, error) {
	return LoadProjectConfigVars(dir, nil)
}

// LoadProjectConfigVars is LoadProjectConfig with the --vars map visible to var() inside the
// project file. The target is unset, as for dbt's deps and clean (UnsetProfile in
// dbt/config/runtime.py): every target attribute is "".
func LoadProjectConfigVars(dir string, cliVars map[string]any) (*ProjectConfig, error) {
	return LoadProjectConfigTarget(dir, cliVars, nil)
}

// LoadProjectConfigTarget is LoadProjectConfigVars with target visible to the project file's
// Jinja ({{ target.name }}, {{ target.type }}), as dbt renders dbt_project.yml with the
// profile's target (DbtProjectYamlRenderer in dbt/config/renderer.py). nil is the unset
// target.
func LoadProjectConfigTarget(dir string, cliVars map[string]any, target *Target) (*ProjectConfig, error) {
	file, err := FindProjectFile(dir)
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read project file: %w", err)
	}
	return parseProjectConfig(dir, file, src, projectRenderCtx{cliVars: cliVars, target: target})
}

// ParseProjectConfig parses project file contents; file is used in messages and as
// ProjectConfig.File. The target is unset (see LoadProjectConfigVars).
func ParseProjectConfig(dir, file string, src []byte, cliVars map[string]any) (*ProjectConfig, error) {
	return parseProjectConfig(dir, file, src, projectRenderCtx{cliVars: cliVars})
}

func parseProjectConfig(dir, file string, src []byte, rc projectRenderCtx) (*ProjectConfig, error) {
	rel := relTo(dir, file)
	root, err := parseYAMLDoc(rel, src)
	if err != nil {
		return nil, err
	}
	pc := &ProjectConfig{File: file, Dir: dir, render: rc}
	if root == nil {
		return nil, Errorf(rel, 1, 1, "project file is empty")
	}
	if root.Kind != yaml.MappingNode {
		return nil, nodeErr(rel, root, "project file must be a mapping, got %s", kindName(root))
	}
	for _, k := range duplicateKeys(root) {
		pc.Warnings = append(pc.Warnings, nodeErr(rel, k, "duplicate key %q; the last one wins", k.Value).Error())
	}
	var errs Errors
	errs = append(errs, rc.renderProject(rel, root)...)
	d := &decoder{file: rel}
	for _, kv := range mappingPairs(root) {
		k, v := kv.Key.Value, kv.Value
		if !knownProjectKeys[k] {
			pc.Warnings = append(pc.Warnings, nodeErr(rel, kv.Key, "unknown key %q in project file", k).Error())
			continue
		}
		if strings.HasSuffix(k, "-paths") && k != "clean-targets" {
			pc.Warnings = append(pc.Warnings, projectPathWarnings(rel, dir, k, v)...)
		}
		switch k {
		case "name":
			pc.Name = d.str(v)
			// dbt's Project contract: name matches ^[^\d\W]\w*$ (core/dbt/contracts/project.py).
			if pc.Name != "" && !projectNameRE.MatchString(pc.Name) {
				d.fail(v, "invalid project name %q: a name starts with a letter or underscore and has only letters, digits and underscores (dbt's Identifier)", pc.Name)
			}
		case "version":
			pc.Version = d.scalar(v)
		case "config-version":
			pc.ConfigVersion = d.integer(v)
			// dbt-core's parser/base.py: "Got an unexpected project version=…, expected 2".
			if pc.ConfigVersion != 0 && pc.ConfigVersion != 2 {
				d.fail(v, "unexpected config-version %d: gdbt, as dbt 1.x, reads config-version 2 only", pc.ConfigVersion)
			}
		case "profile":
			pc.Profile = d.str(v)
		case "require-dbt-version":
			pc.RequireDbtVersion = d.any(v)
		case "model-paths":
			pc.ModelPaths = d.strList(v)
		case "macro-paths":
			pc.MacroPaths = d.strList(v)
		case "seed-paths":
			pc.SeedPaths = d.strList(v)
		case "test-paths":
			pc.TestPaths = d.strList(v)
		case "snapshot-paths":
			pc.SnapshotPaths = d.strList(v)
		case "analysis-paths":
			pc.AnalysisPaths = d.strList(v)
		case "docs-paths":
			pc.DocsPaths = d.strList(v)
		case "asset-paths":
			pc.AssetPaths = d.strList(v)
		case "source-paths", "data-paths":
			d.errs = append(d.errs, nodeErr(rel, kv.Key, "%s was renamed in dbt 1.0; use %s",
				k, map[string]string{"source-paths": "model-paths", "data-paths": "seed-paths"}[k]))
		case "target-path":
			pc.TargetPath = d.str(v)
		case "log-path":
			pc.LogPath = d.str(v)
		case "packages-install-path":
			pc.PackagesInstallPath = d.str(v)
		case "clean-targets":
			pc.CleanTargets = d.strList(v)
		case "vars":
			pc.Vars = d.mapping(v)
		case "on-run-start":
			pc.OnRunStart = d.strList(v)
		case "on-run-end":
			pc.OnRunEnd = d.strList(v)
		case "quoting":
			pc.Quoting = d.quoting(v)
		case "flags":
			pc.Flags = d.mapping(v)
			pc.Warnings = append(pc.Warnings, checkProjectFlags(rel, v)...)
		case "query-comment":
			pc.QueryComment = d.any(v)
		case "dispatch":
			pc.Dispatch = d.dispatch(v)
		case "models":
			pc.Models = d.mapping(v)
			d.checkConfigTree(v, "models")
		case "seeds":
			pc.Seeds = d.mapping(v)
			d.checkConfigTree(v, "seeds")
		case "tests":
			pc.Tests = d.mapping(v)
			d.checkConfigTree(v, "tests")
		case "data_tests":
			pc.DataTests = d.mapping(v)
			d.checkConfigTree(v, "data_tests")
		case "snapshots":
			pc.Snapshots = d.mapping(v)
			d.checkConfigTree(v, "snapshots")
		case "sources":
			pc.Sources = d.mapping(v)
		case "analyses":
			pc.Analyses = d.mapping(v)
			d.checkConfigTree(v, "analyses")
		case "exposures":
			pc.Exposures = d.mapping(v)
		case "unit_tests":
			pc.UnitTests = d.mapping(v)
		}
	}
	errs = append(errs, d.errs...)
	pc.configKeys = d.cfgKeys
	if pc.Name == "" && len(errs) == 0 {
		errs = append(errs, Errorf(rel, 1, 1, "project file has no name"))
	}
	pc.applyDefaults()
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return pc, nil
}

// applyDefaults fills dbt's defaults for every key left out.
func (pc *ProjectConfig) applyDefaults() {
	def := func(p *[]string, v ...string) {
		if *p == nil {
			*p = v
		}
	}
	def(&pc.ModelPaths, "models")
	def(&pc.MacroPaths, "macros")
	def(&pc.SeedPaths, "seeds")
	def(&pc.TestPaths, "tests")
	def(&pc.SnapshotPaths, "snapshots")
	def(&pc.AnalysisPaths, "analyses")
	def(&pc.AssetPaths)
	if pc.DocsPaths == nil {
		// dbt looks for docs blocks in every resource folder when docs-paths is unset.
		seen := map[string]bool{}
		for _, l := range [][]string{pc.ModelPaths, pc.SeedPaths, pc.TestPaths, pc.AnalysisPaths, pc.MacroPaths, pc.SnapshotPaths} {
			for _, p := range l {
				if !seen[p] {
					seen[p] = true
					pc.DocsPaths = append(pc.DocsPaths, p)
				}
			}
		}
	}
	if pc.TargetPath == "" {
		pc.TargetPath = "target"
	}
	if pc.LogPath == "" {
		pc.LogPath = "logs"
	}
	if pc.PackagesInstallPath == "" {
		pc.PackagesInstallPath = "dbt_packages"
	}
	if pc.CleanTargets == nil {
		// dbt: without clean-targets, `dbt clean` removes the target-path only.
		pc.CleanTargets = []string{pc.TargetPath}
	}
	if pc.ConfigVersion == 0 {
		pc.ConfigVersion = 2
	}
}

// projectNameRE is dbt's Identifier pattern for a project's name.
var projectNameRE = regexp.MustCompile(`^[^\d\W]\w*$`)

// RelFile is the project file's path relative to the project dir, as used in messages.
func (pc *ProjectConfig) RelFile() string { return relTo(pc.Dir, pc.File) }

// ParseCLIVars parses --vars, a YAML or JSON mapping ("{key: value}" or '{"key": 1}').
func ParseCLIVars(s string) (map[string]any, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return map[string]any{}, nil
	}
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("--vars: %v: %w", strings.TrimPrefix(err.Error(), "yaml: "), ErrProject)
	}
	m, ok := normalizeYAML(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("--vars must be a YAML or JSON mapping, got %q: %w", s, ErrProject)
	}
	return m, nil
}

// relTo returns path relative to dir with forward slashes when it lies inside dir, and path
// unchanged otherwise.
func relTo(dir, path string) string {
	if dir == "" {
		return filepath.ToSlash(path)
	}
	r, err := filepath.Rel(dir, path)
	if err != nil || strings.HasPrefix(r, "..") {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(r)
}

// isDir reports whether p exists and is a directory.
func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var _ = errors.New
var _ fs.FileMode

// projectPathWarnings warns, at the value's position, about a folder list written as one
// string (dbt's Project contract wants a list: model_paths: Optional[List[str]]; gdbt takes
// the string as a one-item list) and about model folders that do not exist, which would
// otherwise silently hold nothing.
func projectPathWarnings(rel, dir, key string, v *yaml.Node) []string {
	v = resolveAlias(v)
	var out []string
	var items []*yaml.Node
	switch v.Kind {
	case yaml.ScalarNode:
		if isNull(v) {
			return nil
		}
		out = append(out, nodeErr(rel, v, "%s should be a list of folders, e.g. [%q]; taking %q as a list of one", key, v.Value, v.Value).Error())
		items = []*yaml.Node{v}
	case yaml.SequenceNode:
		items = v.Content
	}
	if dir == "" || key != "model-paths" {
		// Only model-paths: projects list analysis, snapshot and test folders they leave empty.
		return out
	}
	for _, it := range items {
		it = resolveAlias(it)
		if it.Kind != yaml.ScalarNode || it.Value == "" || strings.Contains(it.Value, "{{") {
			continue
		}
		p := it.Value
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if _, err := os.Stat(p); os.IsNotExist(err) {
			out = append(out, nodeErr(rel, it, "%s: folder %q does not exist, so nothing is read from it (check the spelling)", key, it.Value).Error())
		}
	}
	return out
}
