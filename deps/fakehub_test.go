package deps

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeHub is a loopback stand-in for hub.getdbt.com: the index, one JSON document per
// package shaped like the real API's, and codeload-like tarballs built on the fly.
type fakeHub struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	pkgs     map[string]map[string]fakeVersion // "ns/name" → version → …
	requests []string
	fail     map[string]int // path → how many 500s before answering
	hook     map[string]func(w http.ResponseWriter, r *http.Request) bool
}

type fakeVersion struct {
	project    string           // the project name (dbt_project.yml and the hub's "name")
	deps       []map[string]any // the version's packages
	requireDbt []string
	files      map[string]string // extra files in the tarball
}

func newFakeHub(t *testing.T) *fakeHub {
	h := &fakeHub{t: t, pkgs: map[string]map[string]fakeVersion{}, fail: map[string]int{}, hook: map[string]func(http.ResponseWriter, *http.Request) bool{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *fakeHub) add(pkg, version string, v fakeVersion) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pkgs[pkg] == nil {
		h.pkgs[pkg] = map[string]fakeVersion{}
	}
	if v.project == "" {
		v.project = pkg[strings.Index(pkg, "/")+1:]
	}
	h.pkgs[pkg][version] = v
}

func (h *fakeHub) reqs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.requests...)
}

func (h *fakeHub) resetReqs() {
	h.mu.Lock()
	h.requests = nil
	h.mu.Unlock()
}

func (h *fakeHub) serve(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.requests = append(h.requests, r.URL.Path)
	hook := h.hook[r.URL.Path]
	if h.fail[r.URL.Path] > 0 {
		h.fail[r.URL.Path]--
		h.mu.Unlock()
		http.Error(w, "upstream exploded", http.StatusInternalServerError)
		return
	}
	h.mu.Unlock()
	if hook != nil && hook(w, r) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	p := r.URL.Path
	switch {
	case p == "/api/v1/index.json":
		var names []string
		for n := range h.pkgs {
			names = append(names, n)
		}
		sort.Strings(names)
		json.NewEncoder(w).Encode(names)
	case strings.HasPrefix(p, "/api/v1/") && strings.HasSuffix(p, ".json"):
		name := strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/"), ".json")
		vs, ok := h.pkgs[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		ns, short, _ := strings.Cut(name, "/")
		versions := map[string]any{}
		latest := ""
		for ver, v := range vs {
			deps := v.deps
			if deps == nil {
				deps = []map[string]any{}
			}
			versions[ver] = map[string]any{
				"id": name + "/" + ver, "name": v.project, "version": ver, "published_at": "2024-01-01T00:00:00+00:00",
				"packages": deps, "works_with": []string{}, "require_dbt_version": v.requireDbt,
				"_source":   map[string]any{"type": "github", "url": "https://github.com/" + name + "/", "readme": ""},
				"downloads": map[string]any{"tarball": h.srv.URL + "/tarballs/" + name + "/" + ver + ".tar.gz", "format": "tgz", "sha1": "0"},
			}
			latest = ver
		}
		json.NewEncoder(w).Encode(map[string]any{"name": short, "namespace": ns, "description": "", "latest": latest, "versions": versions})
	case strings.HasPrefix(p, "/tarballs/"):
		rest := strings.TrimSuffix(strings.TrimPrefix(p, "/tarballs/"), ".tar.gz")
		i := strings.LastIndex(rest, "/")
		name, ver := rest[:i], rest[i+1:]
		v, ok := h.pkgs[name][ver]
		if !ok {
			http.NotFound(w, r)
			return
		}
		files := map[string]string{"dbt_project.yml": fmt.Sprintf("name: %s\nversion: '%s'\nconfig-version: 2\n", v.project, ver),
			"macros/" + v.project + ".sql": fmt.Sprintf("{%% macro %s_version() %%}%s{%% endmacro %%}\n", v.project, ver)}
		if len(v.deps) > 0 {
			b, _ := json.Marshal(map[string]any{"packages": v.deps})
			files["packages.yml"] = string(b)
		}
		for k, c := range v.files {
			files[k] = c
		}
		w.Write(makeTarGz(h.t, strings.ReplaceAll(name, "/", "-")+"-"+ver+"/", files))
	default:
		http.NotFound(w, r)
	}
}

// makeTarGz builds a gzip'd tar whose entries are prefix+name (names may hold "../").
func makeTarGz(t *testing.T, prefix string, files map[string]string) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	if prefix != "" {
		tw.WriteHeader(&tar.Header{Name: prefix, Typeflag: tar.TypeDir, Mode: 0o755})
	}
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: prefix + n, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(files[n]))}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(files[n]))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// testLog collects deps' lines.
type testLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *testLog) add(level, msg string) {
	l.mu.Lock()
	l.lines = append(l.lines, level+": "+msg)
	l.mu.Unlock()
}
func (l *testLog) Info(msg string)  { l.add("info", msg) }
func (l *testLog) Warn(msg string)  { l.add("warn", msg) }
func (l *testLog) Debug(msg string) { l.add("debug", msg) }

// String is the console at info level (debug lines left out).
func (l *testLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, x := range l.lines {
		if !strings.HasPrefix(x, "debug: ") {
			out = append(out, x)
		}
	}
	return strings.Join(out, "\n")
}

// all includes the debug lines.
func (l *testLog) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// project makes a root project with the given packages.yml ("" for none).
func project(t *testing.T, packagesYML string) string {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "dbt_project.yml"), "name: root\nconfig-version: 2\n")
	if packagesYML != "" {
		writeFile(t, filepath.Join(dir, "packages.yml"), packagesYML)
	}
	return dir
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runDeps runs deps against the fake hub with test-sized timeouts.
func runDeps(t *testing.T, h *fakeHub, dir string, edit func(*Options)) (*testLog, error) {
	t.Helper()
	log := &testLog{}
	o := Options{ProjectDir: dir, Log: log, Timeout: 5 * time.Second, Backoff: time.Millisecond, Retries: 3}
	if h != nil {
		o.HubURL = h.srv.URL
	} else {
		o.HubURL = "http://127.0.0.1:1/"
	}
	if edit != nil {
		edit(&o)
	}
	err := Run(context.Background(), o)
	return log, err
}

func mustDeps(t *testing.T, h *fakeHub, dir string, edit func(*Options)) *testLog {
	t.Helper()
	log, err := runDeps(t, h, dir, edit)
	if err != nil {
		t.Fatalf("deps: %v\n%s", err, log)
	}
	return log
}

// gitRepo makes a git repository with files committed, tagged with each tag in turn
// (one commit per map), and returns its file:// URL and the commit SHAs.
func gitRepo(t *testing.T, commits []map[string]string, tags []string) (string, []string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed (.ci/run installs it)")
	}
	dir := filepath.Join(t.TempDir(), "repo")
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	os.MkdirAll(dir, 0o755)
	git("init", "-q", "-b", "main")
	var shas []string
	for i, files := range commits {
		for n, c := range files {
			writeFile(t, filepath.Join(dir, n), c)
		}
		git("add", "-A")
		git("commit", "-q", "-m", fmt.Sprint("commit ", i))
		shas = append(shas, git("rev-parse", "HEAD"))
		if i < len(tags) && tags[i] != "" {
			git("tag", tags[i])
		}
	}
	return "file://" + dir, shas
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// newServer is a loopback HTTP server for tarball URLs and the like.
func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
