package compiler

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestLoadErrorCorpus loads each broken project under testdata/compile/errors and compares
// the whole error text (every error, sorted, positioned) with its expected.txt.
func TestLoadErrorCorpus(t *testing.T) {
	root := filepath.Join("testdata", "compile", "errors")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			dir := filepath.Join(root, e.Name())
			_, err := Load(Options{ProjectDir: dir, ProfilesDir: dir})
			if err == nil {
				t.Fatal("Load succeeded, want errors")
			}
			if !errors.Is(err, ErrProject) {
				t.Errorf("error does not match ErrProject: %v", err)
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error is %T, want Errors", err)
			}
			for _, x := range es {
				if x.File == "" || x.Line == 0 {
					t.Errorf("unpositioned error: %v", x)
				}
			}
			golden(t, filepath.Join(dir, "expected.txt"), err.Error()+"\n")
		})
	}
}
