package deps

import (
	"path/filepath"
	"testing"
)

// TestLockQuotingRoundTrips writes package-lock.yml with values YAML would read as
// something else unquoted (numbers, booleans, null, comments, flow indicators, quotes,
// templates) and reads it back: every value is the string written.
func TestLockQuotingRoundTrips(t *testing.T) {
	t.Setenv("GDBT_LOCK_TEST_HOST", "example.com")
	tricky := []string{"1.0", "0123", "1e10", "0o17", "0x1F", "1_000", "true", "yes", "off", "null", "~", "",
		"a #b", "x: y", "- x", "@x", "?x", "[x]", "{x}", "it's", `say "hi"`, "  padded ", ".inf", "2024-01-01", "*ref", "&anchor", "!tag", "%x", "|x", ">x"}
	var pins []*Pinned
	for i, s := range tricky {
		switch i % 3 {
		case 0:
			pins = append(pins, &Pinned{Source: SourceHub, Package: "org/p" + s, Version: s, ProjectName: "n" + s})
		case 1:
			pins = append(pins, &Pinned{Source: SourceGit, GitUnrendered: "https://h/" + s, Revision: s, Subdirectory: "sub" + s, ProjectName: s})
		default:
			pins = append(pins, &Pinned{Source: SourceLocal, Local: "libs/" + s, ProjectName: s + "x"})
		}
	}
	// A git URL with a template keeps it in the lock and renders on reading.
	pins = append(pins, &Pinned{Source: SourceGit, GitUnrendered: "https://{{ env_var('GDBT_LOCK_TEST_HOST') }}/r.git", Revision: "v1.0", ProjectName: "r"})
	path := filepath.Join(t.TempDir(), LockFile)
	if err := writeLock(path, pins, "abc"); err != nil {
		t.Fatal(err)
	}
	hash, specs, err := readLock(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if hash != "abc" || len(specs) != len(pins) {
		t.Fatalf("read back hash %q and %d packages, want abc and %d", hash, len(specs), len(pins))
	}
	for i, p := range pins[:len(tricky)] {
		s, got := tricky[i], specs[i]
		var ok bool
		switch p.Source {
		case SourceHub:
			ok = got.Package == p.Package && len(got.Versions) == 1 && got.Versions[0] == s && got.Name == p.ProjectName
		case SourceGit:
			ok = got.GitUnrendered == p.GitUnrendered && got.Revision == s && got.Subdirectory == p.Subdirectory && got.Name == s
		default:
			ok = got.Local == p.Local && got.Name == p.ProjectName
		}
		if !ok {
			t.Errorf("%q (%s) read back as %+v", s, p.Source, got)
		}
	}
	last := specs[len(specs)-1]
	if last.Git != "https://example.com/r.git" || last.GitUnrendered != pins[len(pins)-1].GitUnrendered {
		t.Errorf("templated git URL read back as %q (unrendered %q)", last.Git, last.GitUnrendered)
	}
}
