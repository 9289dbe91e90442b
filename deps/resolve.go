package deps

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler"
	"gopkg.in/yaml.v3"
)

// Pinned is one package resolved to an exact thing to install (dbt's PinnedPackage
// subclasses in dbt/deps/): a hub version, a git commit, a tarball URL or a local folder.
type Pinned struct {
	Source string

	Package, Version, Latest string // hub; Latest is the newest installable version

	Git, GitUnrendered string // git
	Revision           string // as requested, then the commit SHA once fetched
	Subdirectory       string
	WarnUnpinned       bool

	Tarball, TarballUnrendered string
	Local                      string

	// ProjectName is the name in the package's project file (its folder under the
	// install path); known once its metadata is fetched.
	ProjectName string
	tarballURL  string
}

// Name is dbt's package name: the hub name, the git URL (with /subdirectory), the
// tarball's name or the local path.
func (p *Pinned) Name() string {
	switch p.Source {
	case SourceHub:
		return p.Package
	case SourceGit:
		if p.Subdirectory != "" {
			return p.Git + "/" + p.Subdirectory
		}
		return p.Git
	case SourceTarball:
		return p.ProjectName
	}
	return p.Local
}

// String is dbt's PinnedPackage.__str__ (name@version).
func (p *Pinned) String() string {
	if v := p.versionString(); v != "" {
		return p.Name() + "@" + v
	}
	return p.Name()
}

func (p *Pinned) versionString() string {
	switch p.Source {
	case SourceHub:
		return p.Version
	case SourceGit:
		return p.Revision
	case SourceTarball:
		return "tarball"
	}
	return ""
}

// niceVersion is dbt's nice_version_name, shown after "Installed from".
func (p *Pinned) niceVersion() string {
	switch p.Source {
	case SourceHub:
		return "version " + p.Version
	case SourceGit:
		if p.Revision == "HEAD" {
			return "HEAD (default revision)"
		}
		return "revision " + p.Revision
	case SourceTarball:
		return "tarball (url: " + p.Tarball + ")"
	}
	return "<local @ " + p.Local + ">"
}

// unpinned gathers every requirement on one package across the tree (dbt's
// UnpinnedPackage.incorporate); specs[0] is the first one seen.
type unpinned struct {
	source string
	specs  []Spec
}

// names is dbt's all_names: a git URL matches with or without ".git".
func specNames(s Spec) []string {
	switch s.Source {
	case SourceHub:
		return []string{s.Package}
	case SourceGit:
		other := s.Git + ".git"
		if strings.HasSuffix(s.Git, ".git") {
			other = strings.TrimSuffix(s.Git, ".git")
		}
		name := s.Git
		if s.Subdirectory != "" {
			name += "/" + s.Subdirectory
			other += "/" + s.Subdirectory
		}
		return []string{name, other}
	case SourceTarball:
		return []string{s.Tarball}
	case SourcePrivate:
		return []string{s.Private}
	}
	return []string{s.Local}
}

// listing is dbt's PackageListing: requirements keyed by package name, in first-seen order.
type listing struct {
	keys []string
	pkgs map[string]*unpinned
}

func (l *listing) pick(s Spec) string {
	names := specNames(s)
	for _, n := range names {
		if _, ok := l.pkgs[n]; ok {
			return n
		}
	}
	return names[0]
}

func (l *listing) incorporate(s Spec) error {
	if s.Source == SourcePrivate {
		// dbt 1.10's resolver has no git provider integration either (dbt/deps/resolver.py).
		return fmt.Errorf("%s: Cannot resolve private package %s because git provider integration is missing. Please use a \"git\" package instead.", s.Origin, s.Private)
	}
	if l.pkgs == nil {
		l.pkgs = map[string]*unpinned{}
	}
	k := l.pick(s)
	if u, ok := l.pkgs[k]; ok {
		if u.source != s.Source {
			return fmt.Errorf("Cannot incorporate %s (%s, from %s) in %s (%s, from %s): mismatched types", k, s.Source, s.Origin, k, u.source, u.specs[0].Origin)
		}
		u.specs = append(u.specs, s)
		return nil
	}
	l.keys = append(l.keys, k)
	l.pkgs[k] = &unpinned{source: s.Source, specs: []Spec{s}}
	return nil
}

// resolver turns requirements into Pinned packages, fetching what it must to read each
// package's own requirements (dbt/deps/resolver.py resolve_packages).
type resolver struct {
	ctx        context.Context
	root       string // root project dir (local: paths are relative to it, as in dbt)
	rootName   string
	downloads  string
	hub        *hub
	fetch      *fetcher
	vars       map[string]any
	dbtVersion string
	checkDbt   bool
	log        Logger

	meta map[string]*fetched
}

// fetched is what fetching a pinned package gave: its project name, its requirements and,
// for git and tarballs, the folder it was fetched into.
type fetched struct {
	name  string
	specs []Spec
	dir   string
	sha   string
	url   string // hub tarball
}

// pin resolves one package's requirements (dbt's resolved() of each unpinned class).
func (r *resolver) pin(u *unpinned) (*Pinned, error) {
	s0 := u.specs[0]
	switch u.source {
	case SourceHub:
		return r.pinHub(u)
	case SourceGit:
		revs := map[string]bool{}
		warn := true
		var order []string
		for _, s := range u.specs {
			if s.Revision != "" && !revs[s.Revision] {
				revs[s.Revision] = true
				order = append(order, fmt.Sprintf("%s (%s)", s.Revision, s.Origin))
			}
			if s.WarnUnpinned != nil && !*s.WarnUnpinned {
				warn = false
			}
		}
		if len(revs) > 1 {
			return nil, fmt.Errorf("git dependencies should contain exactly one version. %s contains: %s", compiler.Redact(s0.Git), strings.Join(order, ", "))
		}
		rev := "HEAD"
		for v := range revs {
			rev = v
		}
		return &Pinned{Source: SourceGit, Git: s0.Git, GitUnrendered: s0.GitUnrendered, Revision: rev, Subdirectory: s0.Subdirectory, WarnUnpinned: warn}, nil
	case SourceTarball:
		return &Pinned{Source: SourceTarball, Tarball: s0.Tarball, TarballUnrendered: s0.TarballUnrendered, ProjectName: s0.Name}, nil
	}
	return &Pinned{Source: SourceLocal, Local: s0.Local}, nil
}

// pinHub is RegistryUnpinnedPackage.resolved (dbt/deps/registry.py): every requirement
// reduced to one range, the hub's versions compatible with this dbt, prereleases only
// when asked for, and the highest version in range.
func (r *resolver) pinHub(u *unpinned) (*Pinned, error) {
	name := u.specs[0].Package
	ok, err := r.hub.inIndex(r.ctx, name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s: Package %s was not found in the package index", u.specs[0].Origin, name)
	}
	var specs []Version
	prerelease := u.specs[0].InstallPrerelease
	for _, s := range u.specs {
		for _, v := range s.Versions {
			pv, err := ParseVersion(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", s.Origin, err)
			}
			if pv.Prerelease != "" {
				prerelease = true
			}
			specs = append(specs, pv)
		}
	}
	rng, err := ReduceVersions(specs...)
	if err != nil {
		var b strings.Builder
		fmt.Fprintf(&b, "Version error for package %s: %v", name, err)
		for _, s := range u.specs {
			fmt.Fprintf(&b, "\n  %s requires %s", s.Origin, pyList(s.Versions))
		}
		return nil, fmt.Errorf("%s", b.String())
	}
	compatible, err := r.hub.compatibleVersions(r.ctx, name, r.dbtVersion, r.checkDbt)
	if err != nil {
		return nil, err
	}
	installable := FilterInstallable(compatible, prerelease)
	target := ""
	if len(installable) > 0 {
		target = ResolveToSpecificVersion(rng, installable)
	}
	if target == "" {
		msg := fmt.Sprintf("Could not find a matching compatible version for package %s\n  Requested range: %s\n  Compatible versions: %s\n", name, rng, pyList(installable))
		if r.checkDbt {
			msg += "\n  Not shown: package versions incompatible with installed version of dbt-core\n  To include them, run 'gdbt deps --no-version-check'"
		}
		for _, s := range u.specs {
			msg += fmt.Sprintf("\n  %s requires %s", s.Origin, pyList(s.Versions))
		}
		return nil, fmt.Errorf("%s", msg)
	}
	return &Pinned{Source: SourceHub, Package: name, Version: target, Latest: installable[len(installable)-1]}, nil
}

func pyList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "'" + x + "'"
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func (p *Pinned) key() string { return p.Source + "|" + p.Name() + "|" + p.Revision + p.Version }

// fetchMeta is dbt's fetch_metadata: the package's project name and requirements. Git
// packages are cloned (and their revision replaced by the commit SHA), tarballs
// downloaded and unpacked, local folders read in place; hub metadata comes from the hub.
func (r *resolver) fetchMeta(p *Pinned) (*fetched, error) {
	k := p.key()
	if m, ok := r.meta[k]; ok {
		p.apply(m)
		return m, nil
	}
	var m *fetched
	var err error
	switch p.Source {
	case SourceHub:
		m, err = r.hubMeta(p)
	case SourceGit:
		if (p.Revision == "HEAD" || p.Revision == "main" || p.Revision == "master") && p.WarnUnpinned {
			// dbt's DepsUnpinned warning (dbt/events/types.py M029)
			what := "not pinned, using HEAD (default branch)"
			if p.Revision != "HEAD" {
				what = fmt.Sprintf("pinned to the %q branch", p.Revision)
			}
			r.log.Warn(fmt.Sprintf("The git package %q \n\tis %s.\n\tThis can introduce breaking changes into your project without warning!\n\nSee https://docs.getdbt.com/docs/package-management#section-specifying-package-versions", compiler.Redact(p.Git), what))
		}
		var dir, sha string
		dir, sha, err = gitCheckout(r.ctx, r.downloads, p.Name(), p.Git, p.Revision, p.Subdirectory)
		if err == nil {
			m, err = r.readProject(dir, p)
			if m != nil {
				m.dir, m.sha = dir, sha
			}
		}
	case SourceTarball:
		var dir string
		dir, err = r.fetch.downloadAndUntar(r.ctx, p.Tarball, filepath.Join(r.downloads, "tarball-"+checkoutName(p.Tarball)))
		if err == nil {
			m, err = r.readProject(dir, p)
			if m != nil {
				m.dir = dir
				if p.ProjectName != "" && m.name != p.ProjectName {
					r.log.Warn(fmt.Sprintf("tarball %s: its project file names it %q; installing it as %q, the name: given in its entry", compiler.Redact(p.Tarball), m.name, p.ProjectName))
				}
				m.name = p.ProjectName // dbt: metadata.name = self.package
			}
		}
	case SourceLocal:
		m, err = r.readProject(r.localPath(p.Local), p)
		if m != nil {
			m.dir = r.localPath(p.Local)
		}
	}
	if err != nil {
		return nil, err
	}
	if r.meta == nil {
		r.meta = map[string]*fetched{}
	}
	r.meta[k] = m
	p.apply(m)
	return m, nil
}

func (p *Pinned) apply(m *fetched) {
	p.ProjectName = m.name
	if m.sha != "" {
		p.Revision = m.sha
	}
	if m.url != "" {
		p.tarballURL = m.url
	}
}

func (r *resolver) localPath(local string) string {
	if filepath.IsAbs(local) {
		return local
	}
	return filepath.Join(r.root, local)
}

func (r *resolver) hubMeta(p *Pinned) (*fetched, error) {
	doc, err := r.hub.pkg(r.ctx, p.Package)
	if err != nil {
		return nil, err
	}
	v, ok := doc.Versions[p.Version]
	if !ok {
		return nil, fmt.Errorf("hub package %s has no version %s (at %s)", p.Package, p.Version, r.hub.url(p.Package))
	}
	specs, err := versionSpecs(v.Packages, "package "+p.Package+"@"+p.Version)
	if err != nil {
		return nil, err
	}
	return &fetched{name: v.Name, specs: specs, url: v.Downloads.Tarball}, nil
}

// readProject reads a fetched package's name, require-dbt-version and packages file
// (dbt's PartialProject.render_package_metadata).
func (r *resolver) readProject(dir string, p *Pinned) (*fetched, error) {
	file, err := compiler.FindProjectFile(dir)
	if err != nil {
		return nil, fmt.Errorf("package %s: %v", compiler.Redact(p.String()), err)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Name    string `yaml:"name"`
		Require any    `yaml:"require-dbt-version"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("package %s: %s: %v", compiler.Redact(p.String()), filepath.Base(file), err)
	}
	name, err := compiler.RenderString(file, doc.Name, r.vars)
	if err != nil {
		return nil, fmt.Errorf("package %s: name: %v", compiler.Redact(p.String()), err)
	}
	if name == "" {
		return nil, fmt.Errorf("package %s: Package defined in %s must have a name!", compiler.Redact(p.String()), filepath.Base(file))
	}
	if r.checkDbt && !compatibleWith(doc.Require, r.dbtVersion) {
		// dbt/config/project.py INVALID_VERSION_ERROR (dbt raises it when the project
		// loads; deps warns now so the user learns it before parse fails).
		r.log.Warn(fmt.Sprintf("This version of dbt is not supported with the '%s' package.\n  Installed version of dbt: =%s\n  Required version of dbt for '%s': %s\nCheck for a different version of the '%s' package, or run dbt again with --no-version-check", name, r.dbtVersion, name, pyList(requireList(doc.Require)), name))
	}
	sf, err := ReadSpecFile(dir, r.vars, "package "+compiler.Redact(p.String()))
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", compiler.Redact(p.String()), err)
	}
	return &fetched{name: name, specs: sf.Specs}, nil
}

// resolve is dbt's resolve_packages: breadth-first over the tree, each round
// incorporating the requirements of the packages pinned in the previous one, then the
// final pins, checked for duplicate project names.
func (r *resolver) resolve(root []Spec) ([]*Pinned, error) {
	var pending, final listing
	for _, s := range root {
		if err := pending.incorporate(s); err != nil {
			return nil, err
		}
	}
	for len(pending.keys) > 0 {
		var next listing
		for _, k := range pending.keys {
			for _, s := range pending.pkgs[k].specs {
				if err := final.incorporate(s); err != nil {
					return nil, err
				}
			}
			p, err := r.pin(final.pkgs[final.pick(pending.pkgs[k].specs[0])])
			if err != nil {
				return nil, err
			}
			m, err := r.fetchMeta(p)
			if err != nil {
				return nil, err
			}
			for _, s := range m.specs {
				if err := next.incorporate(s); err != nil {
					return nil, err
				}
			}
		}
		pending = next
	}
	var out []*Pinned
	seen := map[string]string{}
	for _, k := range final.keys {
		p, err := r.pin(final.pkgs[k])
		if err != nil {
			return nil, err
		}
		if _, err := r.fetchMeta(p); err != nil {
			return nil, err
		}
		// dbt/deps/resolver.py _check_for_duplicate_project_names
		if prev, ok := seen[p.ProjectName]; ok {
			return nil, fmt.Errorf("Found duplicate project %q. This occurs when a dependency has the same project name as some other dependency (%s and %s).", p.ProjectName, compiler.Redact(prev), compiler.Redact(p.Name()))
		}
		if p.ProjectName == r.rootName {
			return nil, fmt.Errorf("Found a dependency with the same name as the root project %q. Package names must be unique in a project. Please rename one of these packages.", p.ProjectName)
		}
		seen[p.ProjectName] = p.Name()
		out = append(out, p)
	}
	return out, nil
}

// sortedNames lists names for messages in a stable order.
func sortedNames(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
