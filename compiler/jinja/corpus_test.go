package jinja

// The corpus parse test: every .sql file of real dbt code (the dbt global project,
// dbt-utils, dbt-duckdb, jaffle_shop_duckdb, or any directory you point it at) must parse
// with dbt's block tags registered. The directories come from GDBT_JINJA_CORPUS
// (colon-separated); testdata/corpus/fetch-corpus.sh checks the repositories out and prints
// the value. Where python3 with jinja2 is available, the same files are parsed by Jinja2
// too (testdata/corpus/parse.py), so a file that Jinja2 itself rejects is reported but not
// held against the engine.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusEnvVar names the directories the corpus test walks.
const corpusEnvVar = "GDBT_JINJA_CORPUS"

// dbtTags are the block tags dbt registers on top of Jinja2, with the header form each
// takes: {% materialization table, adapter='duckdb' %}, {% docs name %}, {% snapshot s %}
// take expressions; {% test not_null(model, column_name) %} is a macro signature.
func dbtTags() map[string]TagKind {
	return map[string]TagKind{
		"materialization": TagArgs,
		"docs":            TagArgs,
		"snapshot":        TagArgs,
		"test":            TagMacroLike,
		"data_test":       TagMacroLike,
	}
}

// corpusFiles lists the .sql files under dirs, sorted, skipping dbt's build folders.
func corpusFiles(t *testing.T, dirs []string) []string {
	t.Helper()
	var files []string
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != dir && (d.Name() == "target" || d.Name() == "dbt_packages" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(path, ".sql") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", corpusEnvVar, err)
		}
	}
	sort.Strings(files)
	return files
}

// jinja2Rejects asks Python's Jinja2 which of files it cannot parse either. It returns nil
// when python3 with jinja2 is not available.
func jinja2Rejects(t *testing.T, files []string) map[string]string {
	t.Helper()
	if err := exec.Command("python3", "-c", "import jinja2").Run(); err != nil {
		t.Logf("python3 with jinja2 unavailable (%v): not cross-checking failures with Jinja2", err)
		return nil
	}
	req, err := json.Marshal(files)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "testdata/corpus/parse.py")
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("testdata/corpus/parse.py: %v\n%s", err, stderr.String())
	}
	rejects := map[string]string{}
	if err := json.Unmarshal(out, &rejects); err != nil {
		t.Fatalf("testdata/corpus/parse.py: %v", err)
	}
	return rejects
}

// parseFile parses one file, turning an engine panic into an error.
func parseFile(env *Env, path string) (err error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, firstFrames(12))
		}
	}()
	_, err = env.Parse(path, string(src))
	return err
}

// TestCorpusParse parses every .sql file under $GDBT_JINJA_CORPUS and reports each file
// that fails, with the engine's error.
func TestCorpusParse(t *testing.T) {
	val := os.Getenv(corpusEnvVar)
	if val == "" {
		t.Skipf("%s is not set; run compiler/jinja/testdata/corpus/fetch-corpus.sh and export the value it prints", corpusEnvVar)
	}
	dirs := filepath.SplitList(val)
	files := corpusFiles(t, dirs)
	if len(files) == 0 {
		t.Fatalf("%s=%s holds no .sql files", corpusEnvVar, val)
	}
	rejects := jinja2Rejects(t, files)
	env := NewEnv()
	env.Tags = dbtTags()

	type tally struct{ files, failed, alsoJinja2 int }
	perDir := make([]tally, len(dirs))
	var total tally
	for _, path := range files {
		err := parseFile(env, path)
		di := 0
		for i, d := range dirs {
			if rel, e := filepath.Rel(d, path); e == nil && !strings.HasPrefix(rel, "..") {
				di = i
				break
			}
		}
		perDir[di].files++
		total.files++
		if err == nil {
			if why, bad := rejects[path]; bad {
				t.Logf("%s: parsed, though Jinja2 rejects it (%s)", path, why)
			}
			continue
		}
		if why, bad := rejects[path]; bad {
			perDir[di].alsoJinja2++
			total.alsoJinja2++
			t.Logf("%s: rejected, as by Jinja2 (%s): %v", path, why, err)
			continue
		}
		perDir[di].failed++
		total.failed++
		t.Errorf("%s: does not parse: %v", path, err)
	}
	for i, d := range dirs {
		t.Logf("%s: %d files, %d parsed, %d failed (+%d rejected by Jinja2 too)",
			d, perDir[i].files, perDir[i].files-perDir[i].failed-perDir[i].alsoJinja2, perDir[i].failed, perDir[i].alsoJinja2)
	}
	t.Logf("total: %d files, %d parsed, %d failed (+%d rejected by Jinja2 too)",
		total.files, total.files-total.failed-total.alsoJinja2, total.failed, total.alsoJinja2)
}
