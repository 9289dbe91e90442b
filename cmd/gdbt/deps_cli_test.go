package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDepsFlags drives gdbt deps' own flags through the CLI with local packages (the hub,
// git and tarball paths are tested against loopback servers in the deps package).
func TestDepsFlags(t *testing.T) {
	shop := fixtureProject(t, "shop.txtar")
	for _, lib := range []string{"lib_a", "lib_b"} {
		os.MkdirAll(filepath.Join(shop, "libs", lib, "macros"), 0o755)
		os.WriteFile(filepath.Join(shop, "libs", lib, "dbt_project.yml"), []byte("name: "+lib+"\n"), 0o644)
	}
	code, out, errText := runCLI(t, "deps", "--project-dir", shop, "--add-package", "libs/lib_a", "--source", "local")
	if code != 0 {
		t.Fatalf("deps --add-package: %d %s %s", code, out, errText)
	}
	for _, want := range []string{"Created packages.yml", "Added new package libs/lib_a@None to ", "Installing libs/lib_a", "Installed from <local @ libs/lib_a>"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(shop, "dbt_packages", "lib_a", "dbt_project.yml")); err != nil {
		t.Fatal(err)
	}
	// --lock after editing the file: the lock changes, nothing is installed, and parse
	// says to run deps.
	os.WriteFile(filepath.Join(shop, "packages.yml"), []byte("packages:\n  - local: libs/lib_a\n  - local: libs/lib_b\n"), 0o644)
	if code, out, errText := runCLI(t, "deps", "--project-dir", shop, "--lock"); code != 0 || !strings.Contains(out, "Updating lock file in file path: ") {
		t.Fatalf("deps --lock: %d %s %s", code, out, errText)
	}
	lock, _ := os.ReadFile(filepath.Join(shop, "package-lock.yml"))
	if !strings.Contains(string(lock), "  - local: libs/lib_b\n    name: lib_b\n") {
		t.Errorf("lock:\n%s", lock)
	}
	if _, err := os.Stat(filepath.Join(shop, "dbt_packages", "lib_b")); err == nil {
		t.Error("--lock installed lib_b")
	}
	if code, _, errText := runCLI(t, "build", "--project-dir", shop); code != 2 || !strings.Contains(errText, `but only 1 package(s) installed in dbt_packages. Run "gdbt deps" to install package dependencies.`) {
		t.Errorf("build with a package missing: %d %s", code, errText)
	}
	if code, out, errText := runCLI(t, "deps", "--project-dir", shop, "--upgrade"); code != 0 || !strings.Contains(out, "Installing libs/lib_b") {
		t.Fatalf("deps --upgrade: %d %s %s", code, out, errText)
	}
	if code, _, errText := runCLI(t, "parse", "--project-dir", shop); code != 0 {
		t.Errorf("parse after deps: %d %s", code, errText)
	}
	if code, _, errText := runCLI(t, "deps", "--project-dir", shop, "--add-package", "x@1", "--source", "svn"); code != 2 || !strings.Contains(errText, "svn") {
		t.Errorf("--source svn: %d %s", code, errText)
	}
	// packages-install-path moves the install folder; parse reads the packages there.
	proj, _ := os.ReadFile(filepath.Join(shop, "dbt_project.yml"))
	os.WriteFile(filepath.Join(shop, "dbt_project.yml"), append(proj, []byte("\npackages-install-path: vendor/pkgs\n")...), 0o644)
	if code, _, errText := runCLI(t, "parse", "--project-dir", shop); code != 2 || !strings.Contains(errText, "installed in vendor/pkgs") {
		t.Errorf("parse before deps into vendor/pkgs: %d %s", code, errText)
	}
	if code, out, errText := runCLI(t, "deps", "--project-dir", shop); code != 0 {
		t.Fatalf("deps into vendor/pkgs: %d %s %s", code, out, errText)
	}
	for _, lib := range []string{"lib_a", "lib_b"} {
		if _, err := os.Stat(filepath.Join(shop, "vendor", "pkgs", lib, "dbt_project.yml")); err != nil {
			t.Error(err)
		}
	}
	if code, _, errText := runCLI(t, "parse", "--project-dir", shop); code != 0 {
		t.Errorf("parse with vendor/pkgs: %d %s", code, errText)
	}
}
