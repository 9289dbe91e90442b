package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestErrorCorpus runs every broken project under testdata/errors. Each txtar archive's
// comment says how to run it and what must happen:
//
//	args: parse --target staging
//	exit: 2
//	want: file:line:col: message   (a substring of stderr)
func TestErrorCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "errors", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var args []string
			exit := -1
			var want string
			for _, line := range strings.Split(string(ar.Comment), "\n") {
				k, v, ok := strings.Cut(line, ": ")
				if !ok {
					continue
				}
				switch k {
				case "args":
					args = strings.Fields(v)
				case "exit":
					exit, _ = strconv.Atoi(v)
				case "want":
					want = v
				}
			}
			if len(args) == 0 || exit < 0 || want == "" {
				t.Fatalf("%s: the comment needs args:, exit: and want: lines", file)
			}
			dir := t.TempDir()
			for _, f := range ar.Files {
				p := filepath.Join(dir, filepath.FromSlash(f.Name))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Setenv("HOME", t.TempDir())
			t.Setenv("DBT_PROFILES_DIR", "")
			t.Setenv("GDBT_PROFILES_DIR", "")
			code, out, errText := runCLI(t, append(args, "--project-dir", dir, "--no-color")...)
			if code != exit {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exit, out, errText)
			}
			if !strings.Contains(errText, want) {
				t.Errorf("stderr lacks %q:\n%s", want, errText)
			}
		})
	}
}
