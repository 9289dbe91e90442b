package deps

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// DefaultHubURL is dbt's public package hub (dbt/clients/registry.py).
const DefaultHubURL = "https://hub.getdbt.com/"

// HubURL is the hub's base URL as dbt reads it: DBT_PACKAGE_HUB_URL when set, else the
// public hub. A missing trailing slash is added (dbt concatenates "api/v1/…" blindly).
func HubURL() string {
	u := os.Getenv("DBT_PACKAGE_HUB_URL")
	if u == "" {
		u = DefaultHubURL
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// hubVersion is one version of a hub package: the fields dbt's RegistryPackageMetadata
// and is_compatible_version read.
type hubVersion struct {
	Name      string          `json:"name"`
	Packages  json.RawMessage `json:"packages"`
	Downloads struct {
		Tarball string `json:"tarball"`
	} `json:"downloads"`
	RequireDbtVersion any `json:"require_dbt_version"`
}

// hubPackage is the hub's document for one package (api/v1/<namespace>/<name>.json).
type hubPackage struct {
	Name              string                `json:"name"`
	Namespace         string                `json:"namespace"`
	RedirectNamespace string                `json:"redirectnamespace"`
	RedirectName      string                `json:"redirectname"`
	Versions          map[string]hubVersion `json:"versions"`
}

// hub is a client of the package hub's JSON API, memoizing the index and each package's
// document for one deps run, as dbt's index_cached and _get_cached do.
type hub struct {
	base string
	f    *fetcher
	log  Logger

	mu    sync.Mutex
	index map[string]bool
	docs  map[string]*hubPackage
	// Requests counts the documents fetched (tests check the lock path makes none).
	requests int
}

func (h *hub) url(name string) string { return h.base + "api/v1/" + name + ".json" }

// inIndex reports whether the hub's index lists pkg (dbt's _check_in_index).
func (h *hub) inIndex(ctx context.Context, pkg string) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.index == nil {
		url := h.url("index")
		var list []string
		err := h.f.retry(ctx, "GET "+url, func(ctx context.Context) error {
			h.requests++
			body, err := h.f.get(ctx, url)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(body, &list); err != nil {
				return transient(fmt.Errorf("Request error: the hub index at %s is not a JSON list: %v", url, err))
			}
			return nil
		})
		if err != nil {
			return false, err
		}
		h.index = map[string]bool{}
		for _, p := range list {
			h.index[p] = true
		}
	}
	return h.index[pkg], nil
}

// pkg returns the hub's document for pkg, checked as dbt's registry._get checks it (a
// dict with name and versions, each version with name, packages and downloads); a
// malformed answer is retried like a network error.
func (h *hub) pkg(ctx context.Context, pkg string) (*hubPackage, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.docs[pkg]; ok {
		return d, nil
	}
	url := h.url(pkg)
	var doc *hubPackage
	err := h.f.retry(ctx, "GET "+url, func(ctx context.Context) error {
		h.requests++
		body, err := h.f.get(ctx, url)
		if err != nil {
			return err
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(body, &top); err != nil {
			return transient(fmt.Errorf("Request error: Expected a response type of <dict> from %s: %v", url, err))
		}
		for _, k := range []string{"name", "versions"} {
			if _, ok := top[k]; !ok {
				return transient(fmt.Errorf("Request error: Expected the response from %s to contain keys {'name', 'versions'} but is missing %q", url, k))
			}
		}
		var raw struct {
			Versions map[string]map[string]json.RawMessage `json:"versions"`
		}
		if err := json.Unmarshal(body, &raw); err != nil {
			return transient(fmt.Errorf("Request error: versions of %s: %v", url, err))
		}
		for v, fields := range raw.Versions {
			for _, k := range []string{"name", "packages", "downloads"} {
				if _, ok := fields[k]; !ok {
					return transient(fmt.Errorf("Request error: Expected the response for version %s from %s to contain keys {'name', 'packages', 'downloads'} but is missing %q", v, url, k))
				}
			}
		}
		d := &hubPackage{}
		if err := json.Unmarshal(body, d); err != nil {
			return transient(fmt.Errorf("Request error: %s: %v", url, err))
		}
		doc = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	if doc.RedirectName != "" || doc.RedirectNamespace != "" {
		// dbt/clients/registry.py _check_package_redirect → the package-redirect deprecation.
		ns, name := doc.RedirectNamespace, doc.RedirectName
		if ns == "" {
			ns = doc.Namespace
		}
		if name == "" {
			name = doc.Name
		}
		h.log.Warn(fmt.Sprintf("The `%s` package is deprecated in favor of `%s/%s`. Please update your `packages.yml` configuration to use `%s/%s` instead.", pkg, ns, name, ns, name))
	}
	if h.docs == nil {
		h.docs = map[string]*hubPackage{}
	}
	h.docs[pkg] = doc
	return doc, nil
}

// compatibleVersions is dbt's get_compatible_versions: every version of pkg, or with
// versionCheck only those whose require_dbt_version admits dbtVersion.
func (h *hub) compatibleVersions(ctx context.Context, pkg, dbtVersion string, versionCheck bool) ([]string, error) {
	doc, err := h.pkg(ctx, pkg)
	if err != nil {
		return nil, err
	}
	var out []string
	for v, info := range doc.Versions {
		if !versionCheck || compatibleWith(info.RequireDbtVersion, dbtVersion) {
			out = append(out, v)
		}
	}
	sort.Strings(out) // a stable order; callers sort by dbt's semver
	return out, nil
}

// compatibleWith is dbt's is_compatible_version: an empty requirement admits any version.
func compatibleWith(require any, dbtVersion string) bool {
	reqs := requireList(require)
	if len(reqs) == 0 {
		return true
	}
	installed, err := ParseVersion(dbtVersion)
	if err != nil {
		return true
	}
	specs := []Version{installed}
	for _, r := range reqs {
		v, err := ParseVersion(r)
		if err != nil {
			return false
		}
		specs = append(specs, v)
	}
	return versionsCompatible(specs...)
}

func requireList(require any) []string {
	switch x := require.(type) {
	case nil:
		return nil
	case string:
		if x == "" {
			return nil
		}
		return []string{x}
	case []any:
		var out []string
		for _, v := range x {
			out = append(out, scalarString(v))
		}
		return out
	case []string:
		return x
	}
	return []string{fmt.Sprint(require)}
}

// versionSpecs converts a hub version's packages list into Specs (JSON is YAML).
func versionSpecs(raw json.RawMessage, origin string) ([]Spec, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var n yaml.Node
	if err := yaml.Unmarshal(raw, &n); err != nil {
		return nil, fmt.Errorf("packages of %s: %w", origin, err)
	}
	if len(n.Content) == 0 {
		return nil, nil
	}
	return ParseSpecs(origin, n.Content[0], nil, origin)
}
