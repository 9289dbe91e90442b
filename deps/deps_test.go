package deps

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func utilsHub(t *testing.T) *fakeHub {
	h := newFakeHub(t)
	for _, v := range []string{"0.9.6", "1.0.0", "1.1.1", "1.3.0", "2.0.0"} {
		h.add("dbt-labs/dbt_utils", v, fakeVersion{})
	}
	return h
}

func installedVersion(t *testing.T, dir, pkg string) string {
	t.Helper()
	src := readFile(t, filepath.Join(dir, "dbt_packages", pkg, "dbt_project.yml"))
	_, v, _ := strings.Cut(src, "version: '")
	v, _, _ = strings.Cut(v, "'")
	return v
}

func TestHubRange(t *testing.T) {
	h := utilsHub(t)
	dir := project(t, "packages:\n  - package: dbt-labs/dbt_utils\n    version: [\">=1.0.0\", \"<2.0.0\"]\n")
	log := mustDeps(t, h, dir, nil)
	if v := installedVersion(t, dir, "dbt_utils"); v != "1.3.0" {
		t.Errorf("installed %s, want 1.3.0 (highest in range)", v)
	}
	contains(t, "output", log.String(), "info: Installing dbt-labs/dbt_utils\ninfo: Installed from version 1.3.0\ninfo: Updated version available: 2.0.0",
		"Updates available for packages: ['dbt-labs/dbt_utils']", "Updating lock file in file path: "+filepath.Join(dir, "package-lock.yml"))
	lock := readFile(t, filepath.Join(dir, "package-lock.yml"))
	want := "packages:\n  - name: dbt_utils\n    package: dbt-labs/dbt_utils\n    version: 1.3.0\nsha1_hash: "
	if !strings.HasPrefix(lock, want) {
		t.Errorf("lock:\n%s\nwant prefix:\n%s", lock, want)
	}
	// an exact pin on the newest version is "Up to date!"
	writeFile(t, filepath.Join(dir, "packages.yml"), "packages:\n  - package: dbt-labs/dbt_utils\n    version: 2.0.0\n")
	log = mustDeps(t, h, dir, nil)
	contains(t, "output", log.String(), "Installed from version 2.0.0\ninfo: Up to date!")
	if v := installedVersion(t, dir, "dbt_utils"); v != "2.0.0" {
		t.Errorf("installed %s after the pin changed", v)
	}
}

func TestHubConflictNamesBothRequirements(t *testing.T) {
	h := utilsHub(t)
	h.add("dbt-labs/codegen", "0.12.1", fakeVersion{deps: []map[string]any{{"package": "dbt-labs/dbt_utils", "version": []string{">=0.9.0", "<1.0.0"}}}})
	dir := project(t, "packages:\n  - package: dbt-labs/dbt_utils\n    version: [\">=1.0.0\", \"<2.0.0\"]\n  - package: dbt-labs/codegen\n    version: 0.12.1\n")
	_, err := runDeps(t, h, dir, nil)
	if err == nil {
		t.Fatal("conflicting ranges resolved")
	}
	contains(t, "error", err.Error(), "Version error for package dbt-labs/dbt_utils: Could not find a satisfactory version from options:",
		"packages.yml:2:5 requires ['>=1.0.0', '<2.0.0']", "package dbt-labs/codegen@0.12.1 requires ['>=0.9.0', '<1.0.0']")
	if _, err := os.Stat(filepath.Join(dir, "package-lock.yml")); err == nil {
		t.Error("a lock was written for an unresolvable tree")
	}
	// unknown package, and a range nothing satisfies
	writeFile(t, filepath.Join(dir, "packages.yml"), "packages:\n  - package: dbt-labs/nope\n    version: 1.0.0\n")
	if _, err := runDeps(t, h, dir, nil); err == nil || !strings.Contains(err.Error(), "Package dbt-labs/nope was not found in the package index") {
		t.Errorf("unknown package: %v", err)
	}
	writeFile(t, filepath.Join(dir, "packages.yml"), "packages:\n  - package: dbt-labs/dbt_utils\n    version: \">3.0.0\"\n")
	if _, err := runDeps(t, h, dir, nil); err == nil || !strings.Contains(err.Error(), "Could not find a matching compatible version for package dbt-labs/dbt_utils\n  Requested range: >3.0.0\n  Compatible versions: ['0.9.6', '1.0.0', '1.1.1', '1.3.0', '2.0.0']") {
		t.Errorf("no version in range: %v", err)
	}
}

func TestHubRequireDbtVersion(t *testing.T) {
	h := newFakeHub(t)
	h.add("dbt-labs/dbt_utils", "1.3.0", fakeVersion{requireDbt: []string{">=1.3.0", "<2.0.0"}})
	h.add("dbt-labs/dbt_utils", "1.4.0", fakeVersion{requireDbt: []string{">=1.11.0", "<2.0.0"}}) // not for dbt 1.10
	dir := project(t, "packages:\n  - package: dbt-labs/dbt_utils\n    version: [\">=1.0.0\", \"<2.0.0\"]\n")
	mustDeps(t, h, dir, nil)
	if v := installedVersion(t, dir, "dbt_utils"); v != "1.3.0" {
		t.Errorf("installed %s; 1.4.0 requires a newer dbt", v)
	}
	mustDeps(t, h, dir, func(o *Options) { o.NoVersionCheck = true; o.Upgrade = true })
	if v := installedVersion(t, dir, "dbt_utils"); v != "1.4.0" {
		t.Errorf("--no-version-check installed %s", v)
	}
}

func TestPrerelease(t *testing.T) {
	h := newFakeHub(t)
	for _, v := range []string{"0.1.2", "0.1.3", "0.1.4a1"} {
		h.add("dbt-labs-test/a", v, fakeVersion{project: "a"})
	}
	for _, c := range []struct{ entry, want string }{
		{"version: \">0.1.2\"", "0.1.3"},
		{"version: \">0.1.2\"\n    install_prerelease: true", "0.1.4a1"},
		{"version: 0.1.4a1", "0.1.4a1"}, // naming a prerelease allows it (dbt's prerelease_version_specified)
	} {
		dir := project(t, "packages:\n  - package: dbt-labs-test/a\n    "+c.entry+"\n")
		mustDeps(t, h, dir, nil)
		if v := installedVersion(t, dir, "a"); v != c.want {
			t.Errorf("%s: installed %s, want %s", c.entry, v, c.want)
		}
	}
}

func TestLockRoundTripUpgradeAndLockOnly(t *testing.T) {
	h := newFakeHub(t)
	h.add("dbt-labs/dbt_utils", "1.3.0", fakeVersion{})
	dir := project(t, "packages:\n  - package: dbt-labs/dbt_utils\n    version: [\">=1.0.0\", \"<2.0.0\"]\n")
	mustDeps(t, h, dir, nil)
	lock := readFile(t, filepath.Join(dir, "package-lock.yml"))

	// A newer version in range appears; the lock still pins 1.3.0, and with the install
	// intact gdbt deps reinstalls it without a single request to the hub.
	h.add("dbt-labs/dbt_utils", "1.4.0", fakeVersion{})
	h.resetReqs()
	mustDeps(t, h, dir, nil)
	if v := installedVersion(t, dir, "dbt_utils"); v != "1.3.0" {
		t.Errorf("installed %s; the lock pins 1.3.0", v)
	}
	for _, r := range h.reqs() {
		if strings.HasPrefix(r, "/api/") {
			t.Errorf("the lock path asked the hub for %s", r)
		}
	}
	if readFile(t, filepath.Join(dir, "package-lock.yml")) != lock {
		t.Error("a matching lock was rewritten")
	}
	// A fresh clone (no install folder) reads the pinned version's document for its
	// tarball URL, but resolves nothing: no index, still 1.3.0.
	os.RemoveAll(filepath.Join(dir, "dbt_packages"))
	h.resetReqs()
	log := mustDeps(t, h, dir, nil)
	if v := installedVersion(t, dir, "dbt_utils"); v != "1.3.0" {
		t.Errorf("fresh install from the lock got %s", v)
	}
	for _, r := range h.reqs() {
		if r == "/api/v1/index.json" {
			t.Error("installing from a matching lock fetched the hub index")
		}
	}
	contains(t, "output", log.String(), "Updated version available: 1.4.0")

	// --upgrade re-resolves.
	log = mustDeps(t, h, dir, func(o *Options) { o.Upgrade = true })
	if v := installedVersion(t, dir, "dbt_utils"); v != "1.4.0" {
		t.Errorf("--upgrade installed %s", v)
	}
	contains(t, "lock", readFile(t, filepath.Join(dir, "package-lock.yml")), "version: 1.4.0")
	contains(t, "output", log.String(), "Up to date!")

	// --lock writes the lock for a changed file and installs nothing.
	h.add("dbt-labs/codegen", "0.13.1", fakeVersion{})
	writeFile(t, filepath.Join(dir, "packages.yml"), "packages:\n  - package: dbt-labs/dbt_utils\n    version: [\">=1.0.0\", \"<2.0.0\"]\n  - package: dbt-labs/codegen\n    version: 0.13.1\n")
	mustDeps(t, h, dir, func(o *Options) { o.LockOnly = true })
	contains(t, "lock", readFile(t, filepath.Join(dir, "package-lock.yml")), "package: dbt-labs/codegen\n    version: 0.13.1")
	if _, err := os.Stat(filepath.Join(dir, "dbt_packages", "codegen")); err == nil {
		t.Error("--lock installed a package")
	}
	if err := CheckInstalled(dir, "dbt_packages", nil); err == nil || !strings.Contains(err.Error(), `dbt found 2 package(s) specified in packages.yml, but only 1 package(s) installed in dbt_packages. Run "gdbt deps" to install package dependencies.`) {
		t.Errorf("check after --lock: %v", err)
	}
	mustDeps(t, h, dir, nil)
	if err := CheckInstalled(dir, "dbt_packages", nil); err != nil {
		t.Errorf("check after deps: %v", err)
	}
	// editing the file (same count) is stale
	writeFile(t, filepath.Join(dir, "packages.yml"), "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n  - package: dbt-labs/codegen\n    version: 0.13.1\n")
	if err := CheckInstalled(dir, "dbt_packages", nil); err == nil || !strings.Contains(err.Error(), `packages.yml or package-lock.yml changed since the packages in dbt_packages were installed. Run "gdbt deps"`) {
		t.Errorf("check after editing packages.yml: %v", err)
	}
}

// The two sha1_hash values dbt-core's own functional tests expect
// (tests/functional/dependencies/test_dependency_options.py, test_simple_dependency.py),
// and the one dbt wrote into dbt-labs/jaffle-shop's package-lock.yml (commit c5c2dbd).
func TestSpecHashMatchesDbt(t *testing.T) {
	for _, c := range []struct{ yml, want string }{
		{"packages:\n  - package: fivetran/fivetran_utils\n    version: 0.4.7\n", "71304bca2138cf8004070b3573a1e17183c0c1a8"},
		{"packages:\n  - git: https://github.com/dbt-labs/dbt-multipe-packages.git\n    subdirectory: dbt-utils-main\n    revision: v0.1.0\n  - git: https://github.com/dbt-labs/dbt-multipe-packages.git\n    subdirectory: dbt-date-main\n    revision: v0.1.0\n", "b9c8042f29446c55a33f9f211737f445a640c7a1"},
		{"packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n  - package: godatadriven/dbt_date\n    version: 0.10.0\n  - git: \"https://github.com/dbt-labs/dbt-audit-helper.git\"\n    revision: main\n", "f2a73967505955af30d18f70489a423fd47cdf79"},
	} {
		dir := project(t, c.yml)
		sf, err := ReadSpecFile(dir, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := SpecHash(sf.Specs); got != c.want {
			t.Errorf("hash %s, want %s for\n%s", got, c.want, c.yml)
		}
	}
}

func TestSpecErrors(t *testing.T) {
	for _, c := range []struct{ yml, want string }{
		{"packages:\n  - package: dbt-labs/dbt_utils\n", "packages.yml:2:5: dbt-labs/dbt_utils is missing the version. When installing from the Hub package index, version is a required property"},
		{"packages:\n  - package: dbt_utils\n    version: 1.0.0\n", "dbt_utils was not found in the package index. Packages on the index require a namespace, e.g dbt-labs/dbt_utils"},
		{"packages:\n  - git: x\n    revison: v1\n", `packages.yml:3:5: unknown key "revison" in a git package entry`},
		{"packages:\n  - tarball: http://x/y.tgz\n", "a tarball package needs name:"},
		{"packages:\n  - hub: x\n", "a package entry needs one of package:, git:, tarball:, local: or private:"},
		{"projects:\n  - name: x\n", "The 'projects' key cannot be specified in packages.yml"},
	} {
		dir := project(t, c.yml)
		_, err := ReadSpecFile(dir, nil, "")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want %q", c.yml, err, c.want)
		}
	}
	dir := project(t, "packages:\n  - local: a\n")
	writeFile(t, filepath.Join(dir, "dependencies.yml"), "packages:\n  - local: b\n")
	if _, err := ReadSpecFile(dir, nil, ""); err == nil || !strings.Contains(err.Error(), "The 'packages' key cannot be specified in both packages.yml and dependencies.yml") {
		t.Errorf("both files: %v", err)
	}
	dir = project(t, "")
	writeFile(t, filepath.Join(dir, "dependencies.yml"), "projects:\n  - name: upstream\npackages:\n  - private: org/repo\n")
	h := newFakeHub(t)
	if _, err := runDeps(t, h, dir, nil); err == nil || !strings.Contains(err.Error(), "dependencies.yml:4:5: Cannot resolve private package org/repo because git provider integration is missing") {
		t.Errorf("private: %v", err)
	}
}

func TestVarsAndEnvRendered(t *testing.T) {
	h := utilsHub(t)
	lib := filepath.Join(t.TempDir(), "lib")
	writeFile(t, filepath.Join(lib, "dbt_project.yml"), "name: lib\n")
	t.Setenv("GDBT_TEST_LIB", lib)
	dir := project(t, "packages:\n  - package: dbt-labs/dbt_utils\n    version: \"{{ var('utils_version', '1.0.0') }}\"\n  - local: \"{{ env_var('GDBT_TEST_LIB') }}\"\n")
	mustDeps(t, h, dir, func(o *Options) { o.Vars = map[string]any{"utils_version": "1.1.1"} })
	if v := installedVersion(t, dir, "dbt_utils"); v != "1.1.1" {
		t.Errorf("var() rendered to %s", v)
	}
	if target, err := os.Readlink(filepath.Join(dir, "dbt_packages", "lib")); err != nil || target != lib {
		t.Errorf("local package link: %q %v", target, err)
	}
	// the lock keeps what was written; the hash covers it unrendered too, so changing the
	// var changes the version but the lock must be re-resolved by --upgrade, as in dbt.
	contains(t, "lock", readFile(t, filepath.Join(dir, "package-lock.yml")), "version: 1.1.1", "local: "+lib)
}

func TestNoPackages(t *testing.T) {
	dir := project(t, "packages: []\n")
	log := mustDeps(t, nil, dir, nil)
	if got := log.String(); got != "info: Warning: No packages were found in packages.yml" {
		t.Errorf("output:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, LockFile)); err == nil {
		t.Error("a lock was written for no packages")
	}
}
