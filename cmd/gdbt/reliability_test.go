package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestZeroConfigAnnounced: with no profiles.yml anywhere and no --profile/--target, the
// build goes to the embedded DuckDB and says so on one line.
func TestZeroConfigAnnounced(t *testing.T) {
	shop := fixtureProject(t, "shop.txtar")
	code, out, errText := runCLI(t, "run", "--project-dir", shop, "--no-color")
	if code != 0 {
		t.Fatalf("run: %d\n%s\n%s", code, out, errText)
	}
	const line = "no profiles.yml found: using the zero-config embedded DuckDB at target/gdbt.duckdb"
	if n := strings.Count(out+errText, line); n != 1 {
		t.Errorf("announcement printed %d times, want 1:\n%s%s", n, out, errText)
	}
	if _, err := os.Stat(filepath.Join(shop, "target", "gdbt.duckdb")); err != nil {
		t.Error(err)
	}
}

// TestWrongProfileBuildsNothing: a profiles.yml without the project's profile, or -t with no
// profiles.yml, is exit 2 and no embedded warehouse appears.
func TestWrongProfileBuildsNothing(t *testing.T) {
	for _, c := range []struct {
		name, profiles string
		args           []string
	}{
		{"profile missing from profiles.yml", "other:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: other.duckdb}\n", nil},
		{"-t prod without profiles.yml", "", []string{"-t", "prod"}},
		{"--profile without profiles.yml", "", []string{"--profile", "shop"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			shop := fixtureProject(t, "shop.txtar")
			if c.profiles != "" {
				os.WriteFile(filepath.Join(shop, "profiles.yml"), []byte(c.profiles), 0o644)
			}
			code, out, errText := runCLI(t, append([]string{"build", "--project-dir", shop, "--no-color"}, c.args...)...)
			if code != 2 || !strings.Contains(errText, "could not find profile named") {
				t.Errorf("exit %d\n%s\n%s", code, out, errText)
			}
			if strings.Contains(out+errText, "using the zero-config") {
				t.Errorf("zero-config announced:\n%s%s", out, errText)
			}
			for _, f := range []string{"target/gdbt.duckdb", "other.duckdb"} {
				if _, err := os.Stat(filepath.Join(shop, f)); err == nil {
					t.Errorf("%s was created", f)
				}
			}
		})
	}
}

// TestCleanKeepsWarehouse: clean deletes target/ but keeps the embedded warehouse (and any
// other database file there) unless --delete-databases is given.
func TestCleanKeepsWarehouse(t *testing.T) {
	shop := fixtureProject(t, "shop.txtar")
	if code, out, errText := runCLI(t, "run", "--project-dir", shop); code != 0 {
		t.Fatalf("run: %d\n%s\n%s", code, out, errText)
	}
	other := filepath.Join(shop, "target", "sub", "copy.bin") // a DuckDB file under another name
	os.MkdirAll(filepath.Dir(other), 0o755)
	db, err := os.ReadFile(filepath.Join(shop, "target", "gdbt.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(other, db, 0o644)
	os.WriteFile(filepath.Join(shop, "target", "sub", "notes.txt"), []byte("x"), 0o644)
	code, out, errText := runCLI(t, "clean", "--project-dir", shop, "--no-color")
	if code != 0 || !strings.Contains(out+errText, "kept the database file target/gdbt.duckdb (pass --delete-databases to delete it)") {
		t.Fatalf("clean: %d\n%s\n%s", code, out, errText)
	}
	for _, f := range []string{"target/gdbt.duckdb", "target/sub/copy.bin"} {
		if _, err := os.Stat(filepath.Join(shop, f)); err != nil {
			t.Errorf("clean deleted %s", f)
		}
	}
	for _, f := range []string{"target/manifest.json", "target/run_results.json", "target/compiled", "target/sub/notes.txt"} {
		if _, err := os.Stat(filepath.Join(shop, f)); err == nil {
			t.Errorf("clean kept %s", f)
		}
	}
	if code, _, errText := runCLI(t, "clean", "--project-dir", shop, "--delete-databases"); code != 0 {
		t.Fatalf("clean --delete-databases: %d %s", code, errText)
	}
	if _, err := os.Stat(filepath.Join(shop, "target")); !os.IsNotExist(err) {
		t.Errorf("target still exists after clean --delete-databases")
	}
}
