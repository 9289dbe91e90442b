package deps

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tree of every kind: root → local → git (tag) → tarball → hub, with the hub range
// narrowed by the tarball's own requirement.
func TestTransitiveTree(t *testing.T) {
	h := utilsHub(t)
	tarball := makeTarGz(t, "tarpkg-main/", map[string]string{
		"dbt_project.yml": "name: tarpkg\n",
		"packages.yml":    "packages:\n  - package: dbt-labs/dbt_utils\n    version: [\">=1.0.0\", \"<1.2.0\"]\n",
	})
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write(tarball) })
	gitURL, shas := gitRepo(t, []map[string]string{
		{"dbt_project.yml": "name: gitpkg\n", "packages.yml": "packages:\n  - tarball: " + srv.URL + "/tarpkg.tgz\n    name: tarpkg\n"},
		{"dbt_project.yml": "name: gitpkg\n", "macros/later.sql": "-- after the tag"},
	}, []string{"v1.0", ""})
	dir := project(t, "packages:\n  - local: libs/localpkg\n  - package: dbt-labs/dbt_utils\n    version: \">=1.0.0\"\n")
	writeFile(t, filepath.Join(dir, "libs/localpkg/dbt_project.yml"), "name: localpkg\n")
	writeFile(t, filepath.Join(dir, "libs/localpkg/packages.yml"), "packages:\n  - git: "+gitURL+"\n    revision: v1.0\n")

	log := mustDeps(t, h, dir, nil)
	pk := filepath.Join(dir, "dbt_packages")
	if v := installedVersion(t, dir, "dbt_utils"); v != "1.1.1" {
		t.Errorf("dbt_utils %s; the tarball's <1.2.0 should hold", v)
	}
	for _, f := range []string{"localpkg/dbt_project.yml", "gitpkg/packages.yml", "tarpkg/dbt_project.yml"} {
		if _, err := os.Stat(filepath.Join(pk, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(pk, "gitpkg/macros/later.sql")); err == nil {
		t.Error("git package installed past its tag")
	}
	lock := readFile(t, filepath.Join(dir, LockFile))
	contains(t, "lock", lock, "  - local: libs/localpkg\n    name: localpkg\n", "  - name: dbt_utils\n    package: dbt-labs/dbt_utils\n    version: 1.1.1\n",
		"  - git: "+gitURL+"\n    name: gitpkg\n    revision: "+shas[0]+"\n", "  - name: tarpkg\n    tarball: "+srv.URL+"/tarpkg.tgz\n")
	contains(t, "output", log.String(), "Installing libs/localpkg\ninfo: Installed from <local @ libs/localpkg>", "Installing "+gitURL+"\ninfo: Installed from revision "+shas[0])

	// the lock round-trips: same pins, same SHA
	mustDeps(t, h, dir, nil)
	if got := readFile(t, filepath.Join(dir, LockFile)); got != lock {
		t.Errorf("lock changed:\n%s", got)
	}
	if err := CheckInstalled(dir, "dbt_packages", nil); err != nil {
		t.Error(err)
	}

	// two revisions of one git package conflict, naming both
	writeFile(t, filepath.Join(dir, "packages.yml"), "packages:\n  - local: libs/localpkg\n  - git: "+gitURL+"\n    revision: main\n")
	_, err := runDeps(t, h, dir, nil)
	if err == nil || !strings.Contains(err.Error(), "git dependencies should contain exactly one version.") || !strings.Contains(err.Error(), "v1.0 (package libs/localpkg)") || !strings.Contains(err.Error(), "main (packages.yml:3:5)") {
		t.Errorf("conflicting revisions: %v", err)
	}
}

func TestGitSubdirectoriesAndUnpinned(t *testing.T) {
	gitURL, shas := gitRepo(t, []map[string]string{{
		"utils-main/dbt_project.yml": "name: sub_utils\n",
		"date-main/dbt_project.yml":  "name: sub_date\n",
	}}, nil)
	dir := project(t, "packages:\n  - git: "+gitURL+"\n    subdirectory: utils-main\n    revision: "+shas[0]+"\n  - git: "+gitURL+"\n    subdirectory: date-main\n")
	log := mustDeps(t, nil, dir, nil)
	for _, f := range []string{"sub_utils/dbt_project.yml", "sub_date/dbt_project.yml"} {
		if _, err := os.Stat(filepath.Join(dir, "dbt_packages", f)); err != nil {
			t.Error(err)
		}
	}
	contains(t, "output", log.String(), "and subdirectory utils-main", "warn: The git package \""+gitURL+"\" \n\tis not pinned, using HEAD (default branch).")
	contains(t, "lock", readFile(t, filepath.Join(dir, LockFile)), "    name: sub_date\n    revision: "+shas[0]+"\n    subdirectory: date-main\n")
	// warn-unpinned: false silences it
	writeFile(t, filepath.Join(dir, "packages.yml"), "packages:\n  - git: "+gitURL+"\n    subdirectory: date-main\n    warn-unpinned: false\n")
	log = mustDeps(t, nil, dir, nil)
	if strings.Contains(log.String(), "not pinned") {
		t.Errorf("warn-unpinned: false still warned:\n%s", log)
	}
	if _, err := os.Stat(filepath.Join(dir, "dbt_packages", "sub_utils")); err == nil {
		t.Error("a package no longer listed is still installed")
	}
}

// A git URL holding a DBT_ENV_SECRET_ value is never printed and never written to the
// lock: the lock keeps the env_var() call, as dbt's does.
func TestGitSecretNeverPrinted(t *testing.T) {
	gitURL, _ := gitRepo(t, []map[string]string{{"dbt_project.yml": "name: private_pkg\n"}}, []string{"v1"})
	secret := strings.TrimPrefix(gitURL, "file://")
	t.Setenv("DBT_ENV_SECRET_GIT_PATH", secret)
	dir := project(t, "packages:\n  - git: \"file://{{ env_var('DBT_ENV_SECRET_GIT_PATH') }}\"\n    revision: v1\n")
	log := mustDeps(t, nil, dir, nil)
	lock := readFile(t, filepath.Join(dir, LockFile))
	for what, s := range map[string]string{"output": log.all(), "lock": lock} {
		if strings.Contains(s, secret) {
			t.Errorf("%s shows the secret:\n%s", what, s)
		}
	}
	contains(t, "lock", lock, "  - git: file://{{ env_var('DBT_ENV_SECRET_GIT_PATH') }}\n") // plain, as PyYAML writes it
	contains(t, "output", log.String(), "Installing file://*****")
	if _, err := os.Stat(filepath.Join(dir, "dbt_packages", "private_pkg", "dbt_project.yml")); err != nil {
		t.Fatal(err)
	}
	// the lock renders back to the real URL
	os.RemoveAll(filepath.Join(dir, "dbt_packages"))
	mustDeps(t, nil, dir, nil)
	if _, err := os.Stat(filepath.Join(dir, "dbt_packages", "private_pkg")); err != nil {
		t.Fatal(err)
	}
	// a failing checkout's git error is redacted too
	writeFile(t, filepath.Join(dir, "packages.yml"), "packages:\n  - git: \"file://{{ env_var('DBT_ENV_SECRET_GIT_PATH') }}\"\n    revision: no-such-tag\n")
	_, err := runDeps(t, nil, dir, nil)
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "Error checking out spec='no-such-tag' for repo file://*****") {
		t.Errorf("err = %v", err)
	}
}

func TestAddPackage(t *testing.T) {
	h := utilsHub(t)
	dir := project(t, "")
	log := mustDeps(t, h, dir, func(o *Options) { o.AddPackage = "dbt-labs/dbt_utils@1.3.0" })
	contains(t, "output", log.String(), "Created packages.yml", "Added new package dbt-labs/dbt_utils@1.3.0 to "+filepath.Join(dir, "packages.yml"), "Installed from version 1.3.0")
	if got := readFile(t, filepath.Join(dir, "packages.yml")); got != "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n" {
		t.Errorf("packages.yml:\n%s", got)
	}
	// a range with a comma becomes a list; the old entry for the package goes, comments stay
	writeFile(t, filepath.Join(dir, "packages.yml"), "# our packages\npackages:\n  - package: dbt-labs/dbt_utils # pinned\n    version: 1.3.0\n")
	log = mustDeps(t, h, dir, func(o *Options) { o.AddPackage = "dbt-labs/dbt_utils@>=1.0.0,<1.2.0" })
	contains(t, "output", log.String(), "Found duplicate package in packages.yml, removing: {'package': 'dbt-labs/dbt_utils', 'version': '1.3.0'}")
	contains(t, "packages.yml", readFile(t, filepath.Join(dir, "packages.yml")), "# our packages\n", "version:\n      - '>=1.0.0'\n      - <1.2.0\n")
	if v := installedVersion(t, dir, "dbt_utils"); v != "1.1.1" {
		t.Errorf("installed %s", v)
	}
	// --source git and --source local
	gitURL, _ := gitRepo(t, []map[string]string{{"dbt_project.yml": "name: gitpkg\n"}}, []string{"v2"})
	mustDeps(t, h, dir, func(o *Options) { o.AddPackage = gitURL + "@v2"; o.Source = "git" })
	writeFile(t, filepath.Join(dir, "lib/dbt_project.yml"), "name: lib\n")
	mustDeps(t, h, dir, func(o *Options) { o.AddPackage = "lib"; o.Source = "local" })
	got := readFile(t, filepath.Join(dir, "packages.yml"))
	contains(t, "packages.yml", got, "  - git: "+gitURL+"\n    revision: v2\n", "  - local: lib\n")
	for _, p := range []string{"dbt_utils", "gitpkg", "lib"} {
		if _, err := os.Stat(filepath.Join(dir, "dbt_packages", p, "dbt_project.yml")); err != nil {
			t.Error(err)
		}
	}
	if _, err := runDeps(t, h, dir, func(o *Options) { o.AddPackage = "dbt-labs/codegen" }); err == nil || !strings.Contains(err.Error(), "Version is required in --add-package when a package when source is hub") {
		t.Errorf("no version: %v", err)
	}
}
