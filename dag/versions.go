package dag

import (
	"strings"

	"github.com/gdbt-dev/gdbt/manifest"
)

// Model versions in selection, as dbt selects them. A versioned model's fqn ends with its
// name and the version ("pkg.core.dim_customers.v2"): the bare name selects every version,
// and "dim_customers.v2" or "dim_customers_v2" selects one.

// versionSelectors are the values of the version: method.
var versionSelectors = map[string]bool{"latest": true, "prerelease": true, "old": true, "none": true}

// versionedLeaf is dbt's exact-name match for a model version: the selector equals the
// model name (the fqn's part before the version), or its last two dot-separated parts,
// joined by "_", equal the name and version joined the same way.
func (f *fqnMatcher) versionedLeaf(fqn []string) bool {
	if len(fqn) < 2 {
		return false
	}
	name, v := fqn[len(fqn)-2], fqn[len(fqn)-1]
	if name == f.sel {
		return true
	}
	last := f.parts
	if len(last) > 2 {
		last = last[len(last)-2:]
	}
	return name+"_"+v == strings.Join(last, "_")
}

// versionMatch is the version: method: latest is the version equal to latest_version,
// prerelease one above it, old one below it, none an unversioned model.
func versionMatch(n *manifest.Node, sel string) bool {
	if sel == "none" {
		return !n.IsVersioned()
	}
	if !n.IsVersioned() || n.LatestVersion == nil {
		return false
	}
	v, latest := n.Version, n.LatestVersion
	switch sel {
	case "latest":
		return manifest.VersionString(v) == manifest.VersionString(latest)
	case "prerelease":
		return manifest.VersionLess(latest, v)
	case "old":
		return manifest.VersionLess(v, latest)
	}
	return false
}
