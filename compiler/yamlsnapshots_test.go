package compiler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestYAMLSnapshotErrors: a relation: that is not a ref() or source() call, and one naming
// a model that does not exist, fail the load pointing at the relation in the YAML file.
func TestYAMLSnapshotErrors(t *testing.T) {
	for _, c := range []struct{ relation, want string }{
		{`"select 1"`, `snapshots/s.yml:5:15: snapshot snap: relation must be a ref() or source() call`},
		{`"ref('a') ~ 'x'"`, `snapshots/s.yml:5:15: snapshot snap: relation must be a ref() or source() call`},
		{`"{{ ref('a') }}"`, `snapshots/s.yml:5:15:`},
		{`ref('nope')`, `snapshots/s.yml:5:15: snapshot snap: ref('nope') names a node which was not found`},
	} {
		dir := t.TempDir()
		files := map[string]string{
			"dbt_project.yml": "name: p\nprofile: p\nversion: '1'\nconfig-version: 2\n",
			"profiles.yml":    "p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/x.duckdb\n",
			"models/a.sql":    "select 1 as id",
			"snapshots/s.yml": "version: 2\nsnapshots:\n  - name: snap\n    config: {unique_key: id, strategy: check, check_cols: all}\n    relation: " + c.relation + "\n",
		}
		for name, body := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := Load(Options{ProjectDir: dir, ProfilesDir: dir})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("relation %s: error %v, want one containing %q", c.relation, err, c.want)
		}
	}
}
