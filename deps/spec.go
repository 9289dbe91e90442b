// Package deps installs a dbt project's packages (gdbt deps): it reads packages.yml or
// dependencies.yml, resolves hub version ranges, git revisions, tarballs and local folders
// into one pinned set across the whole dependency tree, records it in package-lock.yml, and
// installs each package atomically under packages-install-path. It is a concept apart from
// compiling: the compiler only loads what deps installed. The rules follow dbt-core 1.10's
// dbt/deps/ and dbt/task/deps.py; each file names the dbt source it follows.
package deps

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler"
	"gopkg.in/yaml.v3"
)

// Source kinds, as dbt's source_type() names them.
const (
	SourceHub     = "hub"
	SourceGit     = "git"
	SourceTarball = "tarball"
	SourceLocal   = "local"
	SourcePrivate = "private"
)

// Spec is one entry of a packages list (dbt's PackageSpec contracts in
// dbt/contracts/project.py), rendered, with the raw entry kept for dbt's sha1_hash.
type Spec struct {
	Source string // SourceHub, SourceGit, …

	Package           string   // hub: "dbt-labs/dbt_utils"
	Versions          []string // hub: version or list of versions, as strings
	InstallPrerelease bool

	Git, GitUnrendered string // git: rendered URL and the URL as written (for the lock)
	Revision           string // git or private
	Subdirectory       string
	WarnUnpinned       *bool

	Tarball, TarballUnrendered string
	Name                       string // tarball's name:, or the lock's name:
	Local                      string
	Private, Provider          string

	rendered   map[string]any // the rendered entry (dbt's to_dict input)
	unrendered map[string]any // the entry as written

	// Where it was written: "packages.yml:3:5", or the package that required it.
	Origin string
}

// SpecFile is a project's packages file.
type SpecFile struct {
	Path  string // absolute path; "" when the project has none
	Name  string // "packages.yml" or "dependencies.yml" (dbt's packages_specified_path)
	Specs []Spec
}

// ReadSpecFile reads dir's packages.yml or dependencies.yml the way dbt's
// package_and_project_data_from_root does (dbt/config/project.py): "packages" may be in
// only one of them, dependencies.yml wins when it has them, and packages.yml may not hold
// "projects". Strings are rendered with env_var() and var() over cliVars.
func ReadSpecFile(dir string, cliVars map[string]any, origin string) (*SpecFile, error) {
	type doc struct {
		name string
		node *yaml.Node
	}
	var docs []doc
	for _, name := range []string{"packages.yml", "dependencies.yml"} {
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return nil, err
		}
		var n yaml.Node
		if err := yaml.Unmarshal(src, &n); err != nil {
			return nil, compiler.YAMLSyntaxError(name, src, err)
		}
		if len(n.Content) == 0 {
			docs = append(docs, doc{name, nil})
			continue
		}
		root := n.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, compiler.Errorf(name, root.Line, root.Column, "%s must be a mapping with a packages: list", name)
		}
		docs = append(docs, doc{name, root})
	}
	lookup := func(n *yaml.Node, key string) *yaml.Node {
		if n == nil {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
		return nil
	}
	var pk, dp *yaml.Node
	for _, d := range docs {
		if d.name == "packages.yml" {
			pk = d.node
		} else {
			dp = d.node
		}
	}
	if lookup(pk, "packages") != nil && lookup(dp, "packages") != nil {
		return nil, compiler.Errorf("packages.yml", 0, 0, "The 'packages' key cannot be specified in both packages.yml and dependencies.yml")
	}
	if p := lookup(pk, "projects"); p != nil {
		return nil, compiler.Errorf("packages.yml", p.Line, p.Column, "The 'projects' key cannot be specified in packages.yml")
	}
	sf := &SpecFile{Name: "packages.yml"}
	list := lookup(pk, "packages")
	if l := lookup(dp, "packages"); l != nil {
		sf.Name, list = "dependencies.yml", l
	} else if pk != nil {
		for i := 0; i+1 < len(pk.Content); i += 2 {
			if k := pk.Content[i]; k.Value != "packages" {
				return nil, compiler.Errorf(sf.Name, k.Line, k.Column, "unknown key %q in packages.yml (only packages: is allowed)", k.Value)
			}
		}
	}
	for _, d := range docs {
		if d.name == sf.Name {
			sf.Path = filepath.Join(dir, d.name)
		}
	}
	if list == nil {
		return sf, nil
	}
	specs, err := ParseSpecs(sf.Name, list, cliVars, origin)
	sf.Specs = specs
	return sf, err
}

// ParseSpecs reads a packages: list node (of a packages file or of package-lock.yml).
// origin labels who asked for these packages in conflict messages ("" for the root
// project, where the entry's file:line:col is used).
func ParseSpecs(file string, list *yaml.Node, cliVars map[string]any, origin string) ([]Spec, error) {
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, compiler.Errorf(file, list.Line, list.Column, "packages: must be a list of package entries")
	}
	var specs []Spec
	var errs compiler.Errors
	for _, item := range list.Content {
		s, err := parseSpec(file, item, cliVars)
		if err != nil {
			errs = append(errs, compiler.AsErrors(err)...)
			continue
		}
		s.Origin = fmt.Sprintf("%s:%d:%d", file, item.Line, item.Column)
		if origin != "" {
			s.Origin = origin
		}
		specs = append(specs, s)
	}
	return specs, errs.Err()
}

// specKeys are the keys each kind of entry may hold (dbt/contracts/project.py). dbt's
// field is install_prerelease; the dashed spelling is accepted as a synonym.
var specKeys = map[string]map[string]bool{
	SourceHub:     {"package": true, "version": true, "install_prerelease": true, "install-prerelease": true, "name": true},
	SourceGit:     {"git": true, "revision": true, "warn-unpinned": true, "subdirectory": true, "name": true},
	SourceTarball: {"tarball": true, "name": true},
	SourceLocal:   {"local": true, "name": true},
	SourcePrivate: {"private": true, "provider": true, "revision": true, "warn-unpinned": true, "subdirectory": true, "name": true},
}

func parseSpec(file string, item *yaml.Node, cliVars map[string]any) (Spec, error) {
	var s Spec
	at := func(n *yaml.Node, format string, args ...any) error {
		return compiler.Errorf(file, n.Line, n.Column, format, args...)
	}
	if item.Kind != yaml.MappingNode {
		return s, at(item, "a package entry must be a mapping (package:, git:, tarball:, local: or private:)")
	}
	var raw map[string]any
	if err := item.Decode(&raw); err != nil {
		return s, at(item, "%v", err)
	}
	s.unrendered = raw
	rendered, err := renderTree(file, item, cliVars)
	if err != nil {
		return s, err
	}
	var r map[string]any
	if err := rendered.Decode(&r); err != nil {
		return s, at(item, "%v", err)
	}
	s.rendered = r
	keyNode := map[string]*yaml.Node{}
	for i := 0; i+1 < len(item.Content); i += 2 {
		keyNode[item.Content[i].Value] = item.Content[i]
	}
	for _, k := range []string{"package", "git", "tarball", "local", "private"} {
		if _, ok := r[k]; ok {
			if s.Source != "" {
				return s, at(item, "a package entry has both %s: and %s:; give one source per entry", s.Source, k)
			}
			s.Source = k
		}
	}
	if s.Source == "package" {
		s.Source = SourceHub
	}
	if s.Source == "" {
		return s, at(item, "a package entry needs one of package:, git:, tarball:, local: or private:")
	}
	for k := range r {
		if !specKeys[s.Source][k] {
			return s, at(keyNode[k], "unknown key %q in a %s package entry", k, s.Source)
		}
	}
	str := func(k string) string {
		switch v := r[k].(type) {
		case nil:
			return ""
		case string:
			return v
		case float64:
			return pyFloat(v)
		default:
			return fmt.Sprint(v)
		}
	}
	boolOf := func(k string) (*bool, error) {
		v, ok := r[k]
		if !ok || v == nil {
			return nil, nil
		}
		switch x := v.(type) {
		case bool:
			return &x, nil
		case string:
			switch strings.ToLower(x) {
			case "true":
				t := true
				return &t, nil
			case "false":
				f := false
				return &f, nil
			}
		}
		return nil, at(keyNode[k], "%s must be true or false, not %v", k, v)
	}
	s.Name = str("name")
	switch s.Source {
	case SourceHub:
		s.Package = str("package")
		if s.Package == "" {
			return s, at(item, "A hub package is missing the value. It is a required property.")
		}
		switch v := r["version"].(type) {
		case nil:
			return s, at(item, "%s is missing the version. When installing from the Hub package index, version is a required property", s.Package)
		case []any:
			for _, x := range v {
				s.Versions = append(s.Versions, scalarString(x))
			}
		default:
			s.Versions = []string{scalarString(v)}
		}
		if !strings.Contains(s.Package, "/") {
			return s, at(item, "%s was not found in the package index. Packages on the index require a namespace, e.g dbt-labs/dbt_utils", s.Package)
		}
		for _, k := range []string{"install_prerelease", "install-prerelease"} {
			b, err := boolOf(k)
			if err != nil {
				return s, err
			}
			if b != nil {
				s.InstallPrerelease = *b
			}
		}
	case SourceGit, SourcePrivate:
		s.Git, s.Private, s.Provider = str("git"), str("private"), str("provider")
		if s.Source == SourceGit && s.Git == "" {
			return s, at(item, "A git package is missing the value. It is a required property.")
		}
		s.GitUnrendered = scalarString(raw["git"])
		s.Revision, s.Subdirectory = str("revision"), str("subdirectory")
		if s.WarnUnpinned, err = boolOf("warn-unpinned"); err != nil {
			return s, err
		}
	case SourceTarball:
		s.Tarball, s.TarballUnrendered = str("tarball"), scalarString(raw["tarball"])
		if s.Name == "" {
			return s, at(item, "a tarball package needs name: (the package's project name)")
		}
	case SourceLocal:
		s.Local = str("local")
		if s.Local == "" {
			return s, at(item, "A local package is missing the value. It is a required property.")
		}
	}
	return s, nil
}

// scalarString is Python's str() of a YAML scalar, as dbt's get_versions/get_revisions do.
func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return x
	case float64:
		return pyFloat(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	}
	return fmt.Sprint(v)
}

// reYAML12Octal is YAML 1.2's octal integer, a plain string in YAML 1.1.
var reYAML12Octal = regexp.MustCompile(`^[-+]?0o[0-7]+$`)

// renderTree returns a copy of n with every string scalar holding "{{" or "{%" rendered
// with dbt's load-time context (env_var, var), as dbt's PackageRenderer does.
func renderTree(file string, n *yaml.Node, cliVars map[string]any) (*yaml.Node, error) {
	c := *n
	c.Content = nil
	for _, ch := range n.Content {
		r, err := renderTree(file, ch, cliVars)
		if err != nil {
			return nil, err
		}
		c.Content = append(c.Content, r)
	}
	if c.Kind == yaml.ScalarNode && c.Style == 0 && c.Tag == "!!int" && reYAML12Octal.MatchString(c.Value) {
		// dbt reads these files with PyYAML (YAML 1.1), whose int resolver has no 0o17
		// form (yaml/resolver.py): a string there, so PyYAML writes it unquoted into the
		// lock; yaml.v3 (YAML 1.2) would read it as 15.
		c.Tag = "!!str"
	}
	if c.Kind == yaml.ScalarNode && (c.Tag == "!!str" || c.Tag == "") && (strings.Contains(c.Value, "{{") || strings.Contains(c.Value, "{%")) {
		out, err := compiler.RenderString(file, c.Value, cliVars)
		if err != nil {
			return nil, compiler.Errorf(file, n.Line, n.Column, "%s", compiler.Redact(err.Error()))
		}
		c.Value, c.Tag, c.Style = out, "!!str", 0
	}
	return &c, nil
}
