package parsestate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// record parses "file" with the given inputs into a fresh state and saves it.
func record(t *testing.T, path string, global map[string]string, env string) {
	t.Helper()
	s := Open(path, nil)
	s.Begin(global)
	if env != "" {
		s.EnvVar(env)
	}
	s.Store("models/a.sql", map[string]string{"file": "h1", "macro\x00m": "hm"}, []byte("parsed a"))
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
}

func TestLookupChecksEveryInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	global := map[string]string{"vars": "v1", "target": "t1"}
	record(t, path, global, "")
	cases := []struct {
		name    string
		global  map[string]string
		current map[string]string
		hit     bool
	}{
		{"unchanged", global, map[string]string{"file": "h1", "macro\x00m": "hm"}, true},
		{"file edited", global, map[string]string{"file": "h2", "macro\x00m": "hm"}, false},
		{"macro edited", global, map[string]string{"file": "h1", "macro\x00m": "hm2"}, false},
		{"vars changed", map[string]string{"vars": "v2", "target": "t1"}, map[string]string{"file": "h1", "macro\x00m": "hm"}, false},
		{"global input added", map[string]string{"vars": "v1", "target": "t1", "x": "1"}, map[string]string{"file": "h1", "macro\x00m": "hm"}, false},
		{"global input removed", map[string]string{"vars": "v1"}, map[string]string{"file": "h1", "macro\x00m": "hm"}, false},
	}
	for _, c := range cases {
		s := Open(path, nil)
		s.Begin(c.global)
		data, ok := s.Lookup("models/a.sql", func(in string) string { return c.current[in] })
		if ok != c.hit || (ok && string(data) != "parsed a") {
			t.Errorf("%s: hit=%v data=%q, want hit=%v", c.name, ok, data, c.hit)
		}
		if _, ok := s.Lookup("models/other.sql", func(string) string { return "" }); ok {
			t.Errorf("%s: a file never recorded was found", c.name)
		}
	}
}

func TestSaveKeepsOnlyThisLoadsFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	global := map[string]string{"vars": "v1"}
	record(t, path, global, "")
	// A load that neither reuses nor re-records models/a.sql (the file was deleted).
	s := Open(path, nil)
	s.Begin(global)
	s.Store("models/b.sql", map[string]string{"file": "hb"}, []byte("b"))
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s = Open(path, nil)
	s.Begin(global)
	if _, ok := s.Lookup("models/a.sql", func(in string) string { return map[string]string{"file": "h1", "macro\x00m": "hm"}[in] }); ok {
		t.Error("a file the last load did not see is still in the state")
	}
	if d, ok := s.Lookup("models/b.sql", func(string) string { return "hb" }); !ok || string(d) != "b" {
		t.Errorf("models/b.sql: %q %v", d, ok)
	}
	if r, p := s.Stats(); r != 1 || p != 0 {
		t.Errorf("stats %d reused, %d parsed; want 1, 0", r, p)
	}
}

func TestEnvVarChangeDropsState(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	global := map[string]string{"vars": "v1"}
	const secret = "s3cret-value-0451"
	t.Setenv("PARSESTATE_TEST_VAR", secret)
	record(t, path, global, "PARSESTATE_TEST_VAR")
	if b, _ := os.ReadFile(path); strings.Contains(string(b), secret) {
		t.Error("the state holds an environment variable's value in clear text (it may be a secret)")
	}
	for _, c := range []struct {
		unset bool
		val   string
		hit   bool
	}{{val: secret, hit: true}, {val: "two"}, {unset: true}} {
		if c.unset {
			os.Unsetenv("PARSESTATE_TEST_VAR")
		} else {
			t.Setenv("PARSESTATE_TEST_VAR", c.val)
		}
		var lines []string
		s := Open(path, func(f string, a ...any) { lines = append(lines, f) })
		s.Begin(global)
		_, ok := s.Lookup("models/a.sql", func(in string) string { return map[string]string{"file": "h1", "macro\x00m": "hm"}[in] })
		if ok != c.hit {
			t.Errorf("env %+v: hit=%v, want %v (debug: %v)", c, ok, c.hit, lines)
		}
	}
}

func TestCorruptStateIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	global := map[string]string{"vars": "v1"}
	record(t, path, global, "")
	b, _ := os.ReadFile(path)
	for i, junk := range [][]byte{nil, []byte("not a state"), b[:len(b)/2], append([]byte(magic), 0xff, 0xfe)} {
		if err := os.WriteFile(path, junk, 0o644); err != nil {
			t.Fatal(err)
		}
		var lines []string
		s := Open(path, func(f string, a ...any) { lines = append(lines, f) })
		s.Begin(global)
		if _, ok := s.Lookup("models/a.sql", func(string) string { return "h1" }); ok {
			t.Errorf("junk %d: a corrupt state was trusted", i)
		}
		if len(lines) == 0 || !strings.Contains(lines[0], "ignoring") {
			t.Errorf("junk %d: no debug line (%v)", i, lines)
		}
	}
}

// TestSaveAppends: a load that re-parsed a few files appends them to the state file (which
// keeps its earlier bytes); later records win; a file whose dead entries would outnumber
// the live ones is rewritten whole.
func TestSaveAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	global := map[string]string{"vars": "v1"}
	record(t, path, global, "")
	first, _ := os.ReadFile(path)
	inA := func(h string) func(string) string {
		return func(in string) string { return map[string]string{"file": h, "macro\x00m": "hm"}[in] }
	}
	load := func(store map[string]string) *State {
		s := Open(path, nil)
		s.Begin(global)
		for _, f := range []string{"models/a.sql", "models/b.sql", "models/c.sql"} {
			if h, ok := store[f]; ok {
				s.Store(f, map[string]string{"file": h, "macro\x00m": "hm"}, []byte("parsed "+f+" "+h))
			} else {
				s.Lookup(f, inA("h1"))
			}
		}
		if err := s.Save(); err != nil {
			t.Fatal(err)
		}
		return s
	}
	load(map[string]string{"models/b.sql": "h1", "models/c.sql": "h1"})
	second, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(second), string(first)) || len(second) <= len(first) {
		t.Fatalf("the state was rewritten (%d bytes, then %d), not appended to", len(first), len(second))
	}
	load(map[string]string{"models/a.sql": "h2"}) // a.sql edited: its new entry wins
	s := Open(path, nil)
	s.Begin(global)
	if d, ok := s.Lookup("models/a.sql", inA("h2")); !ok || string(d) != "parsed models/a.sql h2" {
		t.Errorf("after an append, models/a.sql: %q %v", d, ok)
	}
	for _, f := range []string{"models/b.sql", "models/c.sql"} {
		if _, ok := s.Lookup(f, inA("h1")); !ok {
			t.Errorf("after an append, %s was lost", f)
		}
	}
	third, _ := os.ReadFile(path)
	// Four more edits of a.sql: 3 live entries, 4 dead ones by then: rewritten whole.
	for _, h := range []string{"h3", "h4", "h5", "h6"} {
		load(map[string]string{"models/a.sql": h})
	}
	last, _ := os.ReadFile(path)
	if strings.HasPrefix(string(last), string(third)) {
		t.Errorf("the state was only ever appended to (%d bytes), never rewritten", len(last))
	}
	s = Open(path, nil)
	s.Begin(global)
	if d, ok := s.Lookup("models/a.sql", inA("h6")); !ok || string(d) != "parsed models/a.sql h6" {
		t.Errorf("after the rewrite, models/a.sql: %q %v", d, ok)
	}
}
