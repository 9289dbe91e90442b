package runner

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRunFilesWrittenByClose: every queued file is on disk, whole, once close returns, in
// folders created as needed; close can be called again.
func TestRunFilesWrittenByClose(t *testing.T) {
	dir := t.TempDir()
	w := newRunFiles()
	want := map[string]string{}
	for i, rel := range []string{"run/p/models/a.sql", "run/p/models/sub/b.sql", "run/p/models/schema.yml/t.sql"} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		code := "create table x" + string(rune('0'+i)) + " as (select 1);\n"
		want[p] = code
		w.write(p, code)
	}
	w.close()
	w.close()
	for p, code := range want {
		b, err := os.ReadFile(p)
		if err != nil || string(b) != code {
			t.Errorf("%s = %q, %v; want %q", p, b, err, code)
		}
	}
}
