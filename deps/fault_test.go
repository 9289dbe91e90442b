package deps

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHub500ThenOK(t *testing.T) {
	h := utilsHub(t)
	h.fail["/api/v1/index.json"] = 2
	h.fail["/api/v1/dbt-labs/dbt_utils.json"] = 1
	h.fail["/tarballs/dbt-labs/dbt_utils/1.3.0.tar.gz"] = 1
	dir := project(t, "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n")
	log := mustDeps(t, h, dir, nil)
	if v := installedVersion(t, dir, "dbt_utils"); v != "1.3.0" {
		t.Errorf("installed %q", v)
	}
	contains(t, "debug log", log.all(), "GET "+h.srv.URL+"/api/v1/index.json failed (500 Internal Server Error for url: "+h.srv.URL+"/api/v1/index.json); retrying in 1ms (attempt 1 of 3)",
		"retrying in 2ms (attempt 2 of 3)", "/tarballs/dbt-labs/dbt_utils/1.3.0.tar.gz failed (500")
	// 404 is not retried, and every attempt failing gives up naming the URL
	h.fail["/api/v1/index.json"] = 10
	os.Remove(filepath.Join(dir, LockFile))
	_, err := runDeps(t, h, dir, nil)
	if err == nil || !strings.Contains(err.Error(), "External connection exception occurred: GET "+h.srv.URL+"/api/v1/index.json: 500 Internal Server Error") || !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Errorf("persistent 500: %v", err)
	}
}

func TestHubNeverAnswers(t *testing.T) {
	h := utilsHub(t)
	release := make(chan struct{})
	defer close(release)
	h.hook["/api/v1/index.json"] = func(w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-r.Context().Done():
		case <-release:
		}
		return true
	}
	dir := project(t, "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n")
	_, err := runDeps(t, h, dir, func(o *Options) { o.Timeout = 50 * time.Millisecond; o.Retries = 1 })
	if err == nil || !strings.Contains(err.Error(), "no answer from "+h.srv.URL+"/api/v1/index.json within 50ms") {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "dbt_packages", "dbt_utils")); err == nil {
		t.Error("a package was installed")
	}
}

// A deps interrupted while downloading leaves each package whole: the old version where
// it was, no partial folder, no leftovers.
func TestInterruptedInstall(t *testing.T) {
	h := newFakeHub(t)
	h.add("dbt-labs/a", "1.0.0", fakeVersion{})
	h.add("dbt-labs/b", "1.0.0", fakeVersion{})
	h.add("dbt-labs/b", "2.0.0", fakeVersion{files: map[string]string{"macros/big.sql": strings.Repeat("x", 1<<16)}})
	dir := project(t, "packages:\n  - package: dbt-labs/a\n    version: 1.0.0\n  - package: dbt-labs/b\n    version: 1.0.0\n")
	mustDeps(t, h, dir, nil)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.hook["/tarballs/dbt-labs/b/2.0.0.tar.gz"] = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Length", "100000")
		w.Write(makeTarGz(t, "b-2.0.0/", map[string]string{"dbt_project.yml": "name: b\n"})[:20])
		w.(http.Flusher).Flush()
		cancel() // Ctrl-C arrives mid-download
		<-r.Context().Done()
		return true
	}
	writeFile(t, filepath.Join(dir, "packages.yml"), "packages:\n  - package: dbt-labs/a\n    version: 1.0.0\n  - package: dbt-labs/b\n    version: 2.0.0\n")
	log := &testLog{}
	err := Run(ctx, Options{ProjectDir: dir, HubURL: h.srv.URL, Log: log, Timeout: 5 * time.Second, Backoff: time.Millisecond, Retries: 3})
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("err = %v\n%s", err, log.all())
	}
	if v := installedVersion(t, dir, "b"); v != "1.0.0" {
		t.Errorf("b is %q after the interrupted upgrade; want the old 1.0.0 intact", v)
	}
	if v := installedVersion(t, dir, "a"); v != "1.0.0" {
		t.Errorf("a is %q", v)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "dbt_packages"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".gdbt-downloads") || strings.Contains(e.Name(), "staged") {
			t.Errorf("leftover %s", e.Name())
		}
	}
	// the lock already pins 2.0.0 (as in dbt, it is written before installing): parse
	// must not run on the old b silently.
	if err := CheckInstalled(dir, "dbt_packages", nil); err == nil || !strings.Contains(err.Error(), `Run "gdbt deps"`) {
		t.Errorf("check after an interrupted deps: %v", err)
	}
	delete(h.hook, "/tarballs/dbt-labs/b/2.0.0.tar.gz")
	mustDeps(t, h, dir, nil)
	if v := installedVersion(t, dir, "b"); v != "2.0.0" {
		t.Errorf("b is %q after deps completed", v)
	}
}

func TestTarballEscapingPathsRefused(t *testing.T) {
	for name, build := range map[string]func() []byte{
		"dotdot": func() []byte {
			return makeTarGz(t, "", map[string]string{"pkg/dbt_project.yml": "name: pkg\n", "pkg/../../evil.sql": "boom"})
		},
		"absolute": func() []byte {
			return makeTarGz(t, "", map[string]string{"pkg/dbt_project.yml": "name: pkg\n", "/tmp/evil.sql": "boom"})
		},
		"symlink": func() []byte {
			var buf bytes.Buffer
			gz := gzip.NewWriter(&buf)
			tw := tar.NewWriter(gz)
			tw.WriteHeader(&tar.Header{Name: "pkg/", Typeflag: tar.TypeDir, Mode: 0o755})
			tw.WriteHeader(&tar.Header{Name: "pkg/escape", Typeflag: tar.TypeSymlink, Linkname: "../../.."})
			tw.Close()
			gz.Close()
			return buf.Bytes()
		},
	} {
		t.Run(name, func(t *testing.T) {
			body := build()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
			dir := project(t, "packages:\n  - tarball: "+srv.URL+"/pkg.tar.gz\n    name: pkg\n")
			_, err := runDeps(t, nil, dir, nil)
			if err == nil || !strings.Contains(err.Error(), "tarball entry points outside the package folder") {
				t.Fatalf("err = %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "dbt_packages", "evil.sql")); err == nil {
				t.Error("a file escaped")
			}
			if _, err := os.Stat(filepath.Join(dir, "dbt_packages", "pkg")); err == nil {
				t.Error("the refused package was installed")
			}
		})
	}
}

// A truncated tarball is retried like a network error (dbt retries ReadError/EOFError).
func TestTruncatedTarballRetried(t *testing.T) {
	good := makeTarGz(t, "pkg-main/", map[string]string{"dbt_project.yml": "name: pkg\n"})
	n := 0
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n++
		if n == 1 {
			w.Write(good[:len(good)/2])
			return
		}
		w.Write(good)
	})
	dir := project(t, "packages:\n  - tarball: "+srv.URL+"/pkg.tar.gz\n    name: pkg\n")
	log := mustDeps(t, nil, dir, nil)
	if _, err := os.Stat(filepath.Join(dir, "dbt_packages", "pkg", "dbt_project.yml")); err != nil {
		t.Fatal(err)
	}
	contains(t, "output", log.String(), "Installing pkg\ninfo: Installed from tarball (url: "+srv.URL+"/pkg.tar.gz)")
	contains(t, "lock", readFile(t, filepath.Join(dir, LockFile)), "  - name: pkg\n    tarball: "+srv.URL+"/pkg.tar.gz\n")
}
