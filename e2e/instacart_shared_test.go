package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gdbt-dev/gdbt/runner"
)

// The Instacart project is built once per test binary and shared by the tests that only
// read it (the pipeline's data checks, the docs site in a browser): a build is tens of
// seconds under -race, so building it twice would double the suite's longest step.
var shared struct {
	once sync.Once
	ok   bool
	dir  string
	sum  *runner.Summary
	raw  string
	ext  string
	vars string
}

// TestMain removes the shared build's folder after every test ran.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// instacartBuilt returns the folder of a copy of the repository's project built on the raw
// sample (`gdbt build`: every model, seed and data test), its build summary and the raw data
// folder and extension. Callers must not change the project or its database.
func instacartBuilt(t *testing.T) (dir string, sum *runner.Summary, raw, ext string) {
	t.Helper()
	shared.once.Do(func() {
		raw, ext := rawData(t)
		dir, err := os.MkdirTemp("", "gdbt-instacart-")
		if err != nil {
			t.Fatal(err)
		}
		shared.dir, shared.raw, shared.ext = dir, raw, ext
		for _, d := range []string{"models", "macros", "seeds", "tests"} {
			copyTree(t, filepath.Join("..", d), filepath.Join(dir, d))
		}
		projectFile, err := os.ReadFile(filepath.Join("..", "project.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, "project.yaml", string(projectFile))
		vars := fmt.Sprintf("{instacart_raw_dir: %q, instacart_raw_ext: %q}", raw, ext)
		if !sourcesRenderVars(t, dir, vars) {
			// Work around the compiler not rendering Jinja in external_location (see
			// TestInstacartSourcesRenderVars): the same location with the vars written out.
			t.Log("external_location is not rendered by the compiler: building with the vars written into sources.yml")
			path := filepath.Join(dir, "models", "staging", "sources.yml")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s := strings.NewReplacer("{{ var('instacart_raw_dir') }}", raw, "{{ var('instacart_raw_ext') }}", ext).Replace(string(b))
			writeFile(t, dir, "models/staging/sources.yml", s)
		}
		shared.vars = vars
		shared.sum = buildProject(t, dir, "build", vars)
		shared.ok = true
	})
	if !shared.ok {
		t.Fatal("the shared Instacart build failed (see the first test that asked for it)")
	}
	return shared.dir, shared.sum, shared.raw, shared.ext
}
