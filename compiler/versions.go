package compiler

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
)

// versionPatch is one model version and the property file that declares it, found by the
// stem of the file that defines it.
type versionPatch struct {
	np       *NodeProps
	mv       *ModelVersion
	file     *SourceFile
	rendered string // the file's Properties.RenderedWith
}

// claimVersionFiles decides which model file defines each declared model version:
// defined_in, else <model>_v<v>; the latest version may also live in <model>.sql, as in
// dbt. A version without a file is a warning (dbt's "did not find matching node"); a
// <model>.sql that no version claims next to versions of the same model is an error, since
// ref('<model>') could not tell them apart.
func (p *projectImpl) claimVersionFiles(files []*SourceFile, pi *propIndex) Errors {
	if !pi.hasVersions() {
		return nil // the common case: nothing to claim, no index of every file to build
	}
	stems := map[string]*SourceFile{}
	for _, f := range files {
		if f.ResourceType == FileModel && strings.HasSuffix(f.Path, ".sql") {
			stems[f.Package.Name+"\x00"+strings.TrimSuffix(path.Base(f.Path), ".sql")] = f
		}
	}
	pi.versions = map[string]*versionPatch{}
	var errs Errors
	for _, pr := range pi.props {
		pkg := pr.File.Package.Name
		display := pr.File.DisplayPath()
		for _, np := range pr.Models {
			if len(np.Versions) == 0 {
				continue
			}
			latest := np.LatestV()
			bare := pkg + "\x00" + np.Name
			bareClaimed := false
			for _, mv := range np.Versions {
				key := pkg + "\x00" + mv.FileStem(np.Name)
				if _, ok := stems[key]; !ok && mv.DefinedIn == "" && sameVersion(mv.V, latest) && stems[bare] != nil {
					key = bare
				}
				if _, ok := stems[key]; !ok {
					p.warn(Errorf(display, mv.Line, mv.Col, "model %s version %s: no model file %s.sql was found (name it %s_v%s.sql or set defined_in)",
						np.Name, mv.Name(), mv.FileStem(np.Name), np.Name, mv.Name()).Error())
					continue
				}
				if old, dup := pi.versions[key]; dup {
					errs = append(errs, Errorf(display, mv.Line, mv.Col, "model %s versions %s and %s are both defined in %s.sql",
						np.Name, old.mv.Name(), mv.Name(), strings.TrimPrefix(key, pkg+"\x00")))
					continue
				}
				pi.versions[key] = &versionPatch{np: np, mv: mv, file: pr.File, rendered: pr.RenderedWith}
				bareClaimed = bareClaimed || key == bare
			}
			if f := stems[bare]; f != nil && !bareClaimed {
				errs = append(errs, Errorf(f.DisplayPath(), 1, 1, "dbt found versioned and unversioned models with the name %q: %s is none of the versions declared in %s (rename it, or name it in a version's defined_in)",
					np.Name, f.DisplayPath(), display))
			}
		}
	}
	return errs
}

// hasVersions reports whether any model declares versions.
func (pi *propIndex) hasVersions() bool {
	for _, pr := range pi.props {
		for _, np := range pr.Models {
			if len(np.Versions) > 0 {
				return true
			}
		}
	}
	return false
}

// version finds the model version a file of pkg named stem defines.
func (pi *propIndex) version(pkg, stem string) *versionPatch {
	if pi.versions == nil {
		return nil
	}
	return pi.versions[pkg+"\x00"+stem]
}

// applyVersion turns a node parsed from a file into the model version it defines: the
// model's name with the version in its unique id and fqn, and the model's patch as the
// version sees it (description, config, columns).
func (p *projectImpl) applyVersion(n *manifest.Node, vp *versionPatch) {
	np, mv := vp.np, vp.mv
	v := mv.Name()
	n.Name = np.Name
	n.UniqueID = manifest.Model + "." + n.PackageName + "." + np.Name + ".v" + v
	n.FQN = append(n.FQN[:len(n.FQN)-1:len(n.FQN)-1], np.Name, "v"+v)
	n.Version, n.LatestVersion = mv.V, np.LatestV()
	n.DeprecationDate = firstNonEmpty(mv.DeprecationDate, np.DeprecationDate)
	vnp := *np
	vnp.Columns = versionColumnsFor(np, mv)
	if mv.Description != "" {
		vnp.Description = mv.Description
	}
	if mv.Docs != nil {
		vnp.Docs = mv.Docs
	}
	if mv.Config != nil {
		cfg := map[string]any{}
		MergeConfig(cfg, np.Config)
		MergeConfig(cfg, mv.Config)
		vnp.Config = cfg
	}
	p.patchNode(n, &vnp, vp.file)
}

// pickVersion narrows the nodes named by a ref to the version it asks for: the pinned one
// (v=/version=), else the latest version of a versioned model (unversioned nodes stay).
func pickVersion(ra manifest.RefArgs, cands []*manifest.Node) ([]*manifest.Node, error) {
	var out []*manifest.Node
	versioned := false
	for _, n := range cands {
		versioned = versioned || n.IsVersioned()
		switch {
		case ra.Version != nil && sameVersion(n.Version, ra.Version):
			out = append(out, n)
		case ra.Version == nil && (!n.IsVersioned() || sameVersion(n.Version, n.LatestVersion)):
			out = append(out, n)
		}
	}
	if len(out) > 0 || len(cands) == 0 {
		return out, nil
	}
	if ra.Version != nil && !versioned {
		return nil, fmt.Errorf("%s: model '%s' has no versions (remove v=%s)", refHint(ra), ra.Name, manifest.VersionString(ra.Version))
	}
	if ra.Version != nil {
		return nil, fmt.Errorf("%s: model '%s' has no version %s; available versions: %s", refHint(ra), ra.Name, manifest.VersionString(ra.Version), versionList(cands))
	}
	return nil, fmt.Errorf("%s: the latest version (%s) of model '%s' was not found; available versions: %s",
		refHint(ra), manifest.VersionString(cands[0].LatestVersion), ra.Name, versionList(cands))
}

// versionList is the sorted, comma-separated versions of nodes.
func versionList(ns []*manifest.Node) string {
	var vs []any
	seen := map[string]bool{}
	for _, n := range ns {
		if s := manifest.VersionString(n.Version); n.IsVersioned() && !seen[s] {
			seen[s] = true
			vs = append(vs, n.Version)
		}
	}
	sort.Slice(vs, func(i, j int) bool { return versionLess(vs[i], vs[j]) })
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = manifest.VersionString(v)
	}
	return strings.Join(out, ", ")
}

// defaultAlias is the relation name of a node without a custom alias, as dbt's
// default__generate_alias_name computes it: <name>_v<version> (dots replaced by
// underscores) for a model version, the name otherwise.
func defaultAlias(n *manifest.Node) string {
	if !n.IsVersioned() {
		return n.Name
	}
	return n.Name + "_v" + strings.ReplaceAll(manifest.VersionString(n.Version), ".", "_")
}

// testedVersionArg is the version a generic test's ref to its model pins, as dbt writes
// it (a string, from ref('<model>', version='<v>')); nil for an unversioned model.
func testedVersionArg(td *TestDef) any {
	if td.TestedVersion == nil {
		return nil
	}
	return manifest.VersionString(td.TestedVersion)
}

// deprecationDate is a deprecation_date as the manifest writes it: a date alone becomes
// midnight of that day (dbt stores a datetime), anything else is kept as written.
func deprecationDate(s string) any {
	if s == "" {
		return nil
	}
	if len(s) == len("2006-01-02") && s[4] == '-' && s[7] == '-' {
		return s + "T00:00:00"
	}
	return s
}

// versionFields sets a model's version, latest_version and deprecation_date in its Jinja
// dict (model, graph.nodes) with their YAML types: a JSON round trip turns 2 into 2.0,
// which would make a project's own generate_alias_name build dim_customers_v2_0. An
// unversioned model has them as none, as dbt's nodes do.
func versionFields(d map[string]any, n *manifest.Node) {
	if n.ResourceType != manifest.Model {
		return
	}
	d["version"], d["latest_version"] = n.Version, n.LatestVersion
	if n.DeprecationDate != "" {
		d["deprecation_date"] = n.DeprecationDate
	} else {
		d["deprecation_date"] = nil
	}
}
