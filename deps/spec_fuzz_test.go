package deps

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadSpecFile: no packages.yml or dependencies.yml, however malformed, panics the
// reader, and an error names the file it is about.
func FuzzReadSpecFile(f *testing.F) {
	f.Add("packages:\n  - package: dbt-labs/dbt_utils\n    version: [\">=1.0.0\", \"<2.0.0\"]\n", "")
	f.Add("packages:\n  - git: https://github.com/dbt-labs/dbt-utils.git\n    revision: \"{{ var('rev', '1.1.1') }}\"\n    subdirectory: x\n", "")
	f.Add("packages:\n  - local: ../x\n  - tarball: https://example.com/a.tgz\n    name: a\n", "projects:\n  - name: other\n")
	f.Add("packages:\n  - package: a/b\n", "packages:\n  - package: c/d\n")
	f.Add("packages: {package: x}\n", "")
	f.Add("packages:\n  - version: 1\n", "")
	f.Add("packages:\n  - package: a/b\n    version: 1.2.3.4\n    install-prerelease: maybe\n", "")
	f.Add("packages:\n  - git: \"{{ env_var('GIT_TOKEN') }}\"\n", "")
	f.Add("packages: &a\n  - *a\n", "")
	f.Add("- 1\n", "packages: []\n")
	f.Fuzz(func(t *testing.T, packages, dependencies string) {
		dir := t.TempDir()
		for name, src := range map[string]string{"packages.yml": packages, "dependencies.yml": dependencies} {
			if src == "" {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := ReadSpecFile(dir, map[string]any{}, "fuzz")
		if err != nil && !strings.Contains(err.Error(), "packages.yml") && !strings.Contains(err.Error(), "dependencies.yml") {
			t.Errorf("error names neither packages file: %v", err)
		}
	})
}
