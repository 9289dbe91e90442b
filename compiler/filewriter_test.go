package compiler

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestFileWriterWritesCreatesAndRewrites checks the fast writer against os.WriteFile's
// contract: new files in new nested folders, from many goroutines at once; a rewrite with
// different bytes (longer, then shorter: no stale tail) replaces the content; a rewrite
// with the same bytes leaves the file untouched (its mtime does not move).
func TestFileWriterWritesCreatesAndRewrites(t *testing.T) {
	root := t.TempDir()
	w := &FileWriter{}
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := filepath.Join(root, "compiled", "pkg", "models", string(rune('a'+i%4)), "f"+string(rune('a'+i))+".sql")
			if err := w.WriteFile(name, []byte("select "+string(rune('a'+i)))); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	got, err := os.ReadFile(filepath.Join(root, "compiled", "pkg", "models", "b", "fb.sql"))
	if err != nil || string(got) != "select b" {
		t.Fatalf("fb.sql = %q, %v; want %q", got, err, "select b")
	}
	st, err := os.Stat(filepath.Join(root, "compiled", "pkg", "models", "b", "fb.sql"))
	if err != nil || st.Mode().Perm()&0o600 != 0o600 {
		t.Fatalf("mode %v, %v: want the owner to read and write", st.Mode(), err)
	}

	name := filepath.Join(root, "compiled", "x.sql")
	for _, content := range []string{"select 1 as a", "select 1 as a, 2 as b", "select 3", ""} {
		if err := w.WriteFile(name, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(name); string(got) != content {
			t.Fatalf("after writing %q the file holds %q", content, got)
		}
	}

	if err := w.WriteFile(name, []byte("select 42")); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(name, old, old); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile(name, []byte("select 42")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(name); !st.ModTime().Equal(old) {
		t.Errorf("rewriting the same bytes touched the file: mtime %v, want %v", st.ModTime(), old)
	}
	if err := w.WriteFile(name, []byte("select 43")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(name); string(got) != "select 43" {
		t.Errorf("same-size rewrite: file holds %q", got)
	}
}

// TestFileWriterReportsErrors checks that a folder that cannot be created and a path that
// is a folder are errors naming the path, as os.WriteFile's are.
func TestFileWriterReportsErrors(t *testing.T) {
	root := t.TempDir()
	blocker := filepath.Join(root, "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	w := &FileWriter{}
	if err := w.WriteFile(filepath.Join(blocker, "sub", "a.sql"), []byte("x")); err == nil {
		t.Error("writing under a regular file: no error")
	}
	if err := os.Mkdir(filepath.Join(root, "dir.sql"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := w.WriteFile(filepath.Join(root, "dir.sql"), []byte("x"))
	if err == nil {
		t.Fatal("writing over a folder: no error")
	}
	if _, ok := err.(*os.PathError); !ok {
		t.Errorf("error %T %v: want an *os.PathError", err, err)
	}
}
