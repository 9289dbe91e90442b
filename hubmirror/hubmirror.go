// Package hubmirror serves dbt's package hub API (hub.getdbt.com's api/v1 documents and
// tarballs) on loopback from local git repositories of the packages, so that `gdbt deps`
// resolves hub packages offline exactly as it resolves them against the real hub: the
// compatibility harness (scripts/compat.sh, through cmd/hubmirror) and tests point
// DBT_PACKAGE_HUB_URL at it.
//
// Every tag of a repository that is a version becomes one hub version; its name, packages
// and require_dbt_version come from that tag's dbt_project.yml and packages.yml, as the
// hub's own builder (dbt-labs/hubcap) derives them, and its tarball is `git archive` of the
// tag. The document shape is the one dbt-core's clients/registry.py reads.
package hubmirror

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"sort"
	"strings"
	"sync"

	"github.com/gdbt-dev/gdbt/deps"
	"gopkg.in/yaml.v3"
)

// Hub is an http.Handler serving the hub API for a fixed set of packages.
type Hub struct {
	base  string            // the URL the hub is reachable at, for tarball links
	repos map[string]string // "namespace/name" → git directory
	mu    sync.Mutex
	docs  map[string][]byte
}

// ParseSpec reads "namespace/name=/path/to/repo.git,…" (GDBT_HUB_MIRRORS' format).
func ParseSpec(spec string) (map[string]string, error) {
	repos := map[string]string{}
	for _, kv := range strings.Split(spec, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		name, dir, ok := strings.Cut(kv, "=")
		if !ok || !strings.Contains(name, "/") || dir == "" {
			return nil, fmt.Errorf("hub mirror %q is not namespace/name=/path/to/git-repository", kv)
		}
		repos[name] = dir
	}
	if len(repos) == 0 {
		return nil, fmt.Errorf("no hub mirrors given (namespace/name=/path/to/git-repository,…)")
	}
	return repos, nil
}

// New returns a hub for repos ("namespace/name" → git directory) reachable at base (its
// tarball links point there).
func New(base string, repos map[string]string) *Hub {
	return &Hub{base: strings.TrimSuffix(base, "/"), repos: repos, docs: map[string][]byte{}}
}

func git(dir string, args ...string) ([]byte, error) {
	return exec.Command("git", append([]string{"--git-dir", dir}, args...)...).Output()
}

// doc builds (once) the api/v1/<namespace>/<name>.json document of one package.
func (h *Hub) doc(name string) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if d, ok := h.docs[name]; ok {
		return d, nil
	}
	dir := h.repos[name]
	out, err := git(dir, "tag", "--list")
	if err != nil {
		return nil, fmt.Errorf("git tag in %s: %v", dir, err)
	}
	versions := map[string]any{}
	for _, tag := range strings.Fields(string(out)) {
		if _, err := deps.ParseVersion(tag); err != nil {
			continue
		}
		proj, err := git(dir, "show", tag+":dbt_project.yml")
		if err != nil {
			continue
		}
		var p struct {
			Name    string `yaml:"name"`
			Require any    `yaml:"require-dbt-version"`
		}
		if yaml.Unmarshal(proj, &p) != nil {
			continue
		}
		pkgs := []any{}
		for _, f := range []string{"packages.yml", "dependencies.yml"} {
			src, err := git(dir, "show", tag+":"+f)
			if err != nil {
				continue
			}
			var pf struct {
				Packages []any `yaml:"packages"`
			}
			if yaml.Unmarshal(src, &pf) == nil && pf.Packages != nil {
				pkgs = pf.Packages
				break
			}
		}
		versions[tag] = map[string]any{"name": p.Name, "version": tag, "packages": pkgs, "require_dbt_version": p.Require,
			"downloads": map[string]any{"tarball": h.base + "/tar/" + name + "/" + tag + ".tar.gz"}}
	}
	ns, short, _ := strings.Cut(name, "/")
	d, err := json.Marshal(map[string]any{"name": short, "namespace": ns, "versions": versions})
	if err == nil {
		h.docs[name] = d
	}
	return d, err
}

// ServeHTTP answers api/v1/index.json, api/v1/<namespace>/<name>.json and the tarballs.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/api/v1/index.json":
		names := make([]string, 0, len(h.repos))
		for n := range h.repos {
			names = append(names, n)
		}
		sort.Strings(names)
		_ = json.NewEncoder(w).Encode(names)
	case strings.HasPrefix(p, "/api/v1/"):
		name := strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/"), ".json")
		if _, ok := h.repos[name]; !ok {
			http.NotFound(w, r)
			return
		}
		d, err := h.doc(name)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(d)
	case strings.HasPrefix(p, "/tar/"):
		rest := strings.TrimSuffix(strings.TrimPrefix(p, "/tar/"), ".tar.gz")
		i := strings.LastIndex(rest, "/")
		if i < 0 {
			http.NotFound(w, r)
			return
		}
		name, tag := rest[:i], rest[i+1:]
		dir, ok := h.repos[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		out, err := git(dir, "archive", "--format=tar.gz", "--prefix="+strings.ReplaceAll(name, "/", "-")+"-"+tag+"/", "refs/tags/"+tag)
		if err != nil {
			http.Error(w, fmt.Sprintf("git archive %s %s: %v", dir, tag, err), http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(out)
	default:
		http.NotFound(w, r)
	}
}
