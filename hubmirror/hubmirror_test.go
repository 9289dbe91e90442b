package hubmirror

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/deps"
)

// gitRun runs git in dir with a fixed identity, failing the test on error.
func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x", "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestDepsThroughMirror serves a package repository with two version tags (and one tag
// that is not a version) and runs gdbt's deps against it: a version range resolves to the
// newest matching tag, whose files are installed under the package's project name.
func TestDepsThroughMirror(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed (.ci/run installs it)")
	}
	src := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitRun(t, src, "init", "-q", "-b", "main")
	os.MkdirAll(filepath.Join(src, "macros"), 0o755)
	for _, v := range []string{"1.0.0", "1.1.0"} {
		write("dbt_project.yml", "name: my_pkg\nversion: '"+v+"'\nrequire-dbt-version: ['>=1.0.0', '<3.0.0']\n")
		write("macros/m.sql", "{% macro which() %}"+v+"{% endmacro %}\n")
		gitRun(t, src, "add", "-A")
		gitRun(t, src, "commit", "-q", "-m", v)
		gitRun(t, src, "tag", v)
	}
	gitRun(t, src, "tag", "not-a-version")
	repos, err := ParseSpec("acme/my_pkg=" + filepath.Join(src, ".git"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseSpec("acme-my_pkg"); err == nil {
		t.Error("ParseSpec accepted an entry without namespace/name=dir")
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = New("http://"+srv.Listener.Addr().String(), repos)
	srv.Start()
	defer srv.Close()

	proj := t.TempDir()
	os.WriteFile(filepath.Join(proj, "dbt_project.yml"), []byte("name: p\nprofile: p\n"), 0o644)
	os.WriteFile(filepath.Join(proj, "packages.yml"), []byte("packages:\n  - package: acme/my_pkg\n    version: ['>=1.0.0', '<2.0.0']\n"), 0o644)
	log := &logBuf{}
	err = deps.Run(context.Background(), deps.Options{ProjectDir: proj, HubURL: srv.URL + "/", Log: log})
	if err != nil {
		t.Fatalf("deps through the mirror: %v\n%s", err, log.String())
	}
	got, err := os.ReadFile(filepath.Join(proj, "dbt_packages", "my_pkg", "macros", "m.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "1.1.0") {
		t.Errorf("installed %q, want the 1.1.0 tag's macro", got)
	}
}

// logBuf collects deps' log lines for a failure message.
type logBuf struct{ strings.Builder }

func (l *logBuf) Info(msg string)  { l.WriteString(msg + "\n") }
func (l *logBuf) Warn(msg string)  { l.WriteString(msg + "\n") }
func (l *logBuf) Debug(msg string) { l.WriteString(msg + "\n") }
