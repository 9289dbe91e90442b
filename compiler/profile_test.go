package compiler

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const profilesYAML = `
config:
  send_anonymous_usage_stats: false
shop:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: warehouse/dev.duckdb
      threads: 8
    prod:
      type: postgres
      host: db.example.com
      dbname: analytics
      schema: marts
      port: 5432
    memory:
      type: duckdb
      path: ":memory:"
    nothreads:
      type: duckdb
      path: x.db
other:
  outputs:
    a:
      type: duckdb
`

// isolateProfiles points every place LoadProfile looks at empty folders, so a developer's
// own ~/.dbt/profiles.yml or DBT_PROFILES_DIR cannot leak into the test.
func isolateProfiles(t *testing.T) (home string) {
	home = t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("DBT_PROFILES_DIR", "")
	t.Setenv("GDBT_PROFILES_DIR", "")
	return home
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadProfile(t *testing.T) {
	home := isolateProfiles(t)
	profDir := t.TempDir()
	writeFile(t, filepath.Join(profDir, "profiles.yml"), profilesYAML)
	project := t.TempDir()
	cases := []struct {
		name    string
		opts    Options
		profile string
		want    Target
		err     string
	}{
		{name: "default target", opts: Options{ProfilesDir: profDir, ProjectDir: project}, profile: "shop",
			want: Target{ProfileName: "shop", Name: "dev", Type: "duckdb", Schema: "main", Database: "dev", Threads: 8,
				Fields: map[string]any{"type": "duckdb", "path": "warehouse/dev.duckdb", "threads": 8}}},
		{name: "--target and --threads", opts: Options{ProfilesDir: profDir, ProjectDir: project, Target: "prod", Threads: 3}, profile: "shop",
			want: Target{ProfileName: "shop", Name: "prod", Type: "postgres", Schema: "marts", Database: "analytics", Threads: 3,
				Fields: map[string]any{"type": "postgres", "host": "db.example.com", "dbname": "analytics", "schema": "marts", "port": 5432}}},
		{name: "in-memory duckdb", opts: Options{ProfilesDir: profDir, Target: "memory"}, profile: "shop",
			want: Target{ProfileName: "shop", Name: "memory", Type: "duckdb", Schema: "main", Database: "memory", Threads: 1,
				Fields: map[string]any{"type": "duckdb", "path": ":memory:"}}},
		{name: "threads default 1", opts: Options{ProfilesDir: profDir, Target: "nothreads"}, profile: "shop",
			want: Target{ProfileName: "shop", Name: "nothreads", Type: "duckdb", Schema: "main", Database: "x", Threads: 1,
				Fields: map[string]any{"type": "duckdb", "path": "x.db"}}},
		{name: "--profile overrides", opts: Options{ProfilesDir: profDir, Profile: "shop", Target: "nothreads"}, profile: "ignored",
			want: Target{ProfileName: "shop", Name: "nothreads", Type: "duckdb", Schema: "main", Database: "x", Threads: 1,
				Fields: map[string]any{"type": "duckdb", "path": "x.db"}}},
		{name: "unknown profile: an error, not the zero config", opts: Options{ProfilesDir: profDir, ProjectDir: project}, profile: "nope",
			err: `could not find profile named "nope" (profiles in the file: other, shop;`},
		{name: "no profiles.yml and --target: an error", opts: Options{ProjectDir: project, Target: "prod"}, profile: "shop",
			err: `could not find profile named "shop": no profiles.yml in `},
		{name: "no profiles.yml and --profile: an error", opts: Options{ProjectDir: project, Profile: "warehouse"}, profile: "shop",
			err: `could not find profile named "warehouse": no profiles.yml in `},
		{name: "no profiles.yml: zero config", opts: Options{ProjectDir: project, Threads: 2}, profile: "shop",
			want: Target{ProfileName: "shop", Name: "dev", Type: "duckdb", Schema: "main", Database: "gdbt", Threads: 2,
				Fields: map[string]any{"type": "duckdb", "path": "target/gdbt.duckdb", "schema": "main", "threads": 2}}},
		{name: "no profiles.yml, no --threads: zero config, one node at a time", opts: Options{ProjectDir: project}, profile: "shop",
			want: Target{ProfileName: "shop", Name: "dev", Type: "duckdb", Schema: "main", Database: "gdbt", Threads: 1,
				Fields: map[string]any{"type": "duckdb", "path": "target/gdbt.duckdb", "schema": "main", "threads": 1}}},
		{name: "missing target", opts: Options{ProfilesDir: profDir, Target: "staging"}, profile: "shop",
			err: `target "staging" not found in profile "shop" (available: dev, memory, nothreads, prod)`},
		{name: "no default target", opts: Options{ProfilesDir: profDir}, profile: "other",
			err: `profile "other" names no target`},
		{name: "explicit --profile missing", opts: Options{ProfilesDir: profDir, Profile: "nope"}, profile: "shop",
			err: `could not find profile named "nope"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := LoadProfile(c.opts, c.profile)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
	_ = home
}

func TestProfileSearchOrder(t *testing.T) {
	home := isolateProfiles(t)
	project := t.TempDir()
	envDir := t.TempDir()
	dbtEnvDir := t.TempDir()
	flagDir := t.TempDir()
	mk := func(dir, target string) {
		writeFile(t, filepath.Join(dir, "profiles.yml"), "p:\n  target: "+target+"\n  outputs:\n    "+target+": {type: duckdb, path: "+target+".db}\n")
	}
	// Each step adds a higher-priority location; the target name says which file won.
	steps := []struct {
		setup func()
		want  string
	}{
		{func() { mk(filepath.Join(home, ".dbt"), "home") }, "home"},
		{func() { mk(project, "project") }, "project"},
		{func() { mk(dbtEnvDir, "dbtenv"); t.Setenv("DBT_PROFILES_DIR", dbtEnvDir) }, "dbtenv"},
		{func() { mk(envDir, "gdbtenv"); t.Setenv("GDBT_PROFILES_DIR", envDir) }, "gdbtenv"},
		{func() { mk(flagDir, "flag") }, "flag"},
	}
	for i, s := range steps {
		s.setup()
		opts := Options{ProjectDir: project}
		if i == len(steps)-1 {
			opts.ProfilesDir = flagDir
		}
		tgt, info, err := LoadProfileInfo(opts, "p", "target")
		if err != nil {
			t.Fatal(err)
		}
		if tgt.Name != s.want || info.ZeroConfig {
			t.Errorf("step %d: target %q (file %s), want %q", i, tgt.Name, info.File, s.want)
		}
	}
}

func TestProfileEnvVarAndSecrets(t *testing.T) {
	if !jinjaWorks() {
		t.Skip("compiler/jinja cannot render yet")
	}
	isolateProfiles(t)
	dir := t.TempDir()
	t.Setenv("GDBT_TEST_HOST", "h.example")
	t.Setenv("GDBT_TEST_THREADS", "6")
	t.Setenv("DBT_ENV_SECRET_PW", "s3cr3t-value")
	writeFile(t, filepath.Join(dir, "profiles.yml"), `
p:
  target: dev
  outputs:
    dev:
      type: postgres
      host: "{{ env_var('GDBT_TEST_HOST') }}"
      user: "{{ env_var('GDBT_TEST_USER', 'anon') }}"
      password: "{{ env_var('DBT_ENV_SECRET_PW') }}"
      threads: "{{ env_var('GDBT_TEST_THREADS') }}"
`)
	tgt, err := LoadProfile(Options{ProfilesDir: dir}, "p")
	if err != nil {
		t.Fatal(err)
	}
	if tgt.Fields["host"] != "h.example" || tgt.Fields["user"] != "anon" || tgt.Threads != 6 {
		t.Errorf("rendered fields: %+v threads %d", tgt.Fields, tgt.Threads)
	}
	if tgt.Fields["password"] != "s3cr3t-value" {
		t.Errorf("the adapter needs the real secret, got %v", tgt.Fields["password"])
	}
	if got := Redact("connect with s3cr3t-value now"); got != "connect with ***** now" {
		t.Errorf("Redact = %q", got)
	}
}

func TestRedactWithoutJinja(t *testing.T) {
	t.Setenv("DBT_ENV_SECRET_TOKEN", "tok-123")
	t.Setenv("DBT_ENV_SECRET_LONG", "tok-123-long")
	if got := Redact("a tok-123-long b tok-123 c"); got != "a ***** b ***** c" {
		t.Errorf("Redact = %q", got)
	}
	if got := (Target{}).Redact("nothing secret"); got != "nothing secret" {
		t.Errorf("Redact changed a clean string: %q", got)
	}
}

// TestRedactEscapedForms: a secret with quotes, a backslash or HTML characters is redacted
// also where JSON (with or without HTML escaping) or a SQL literal escaped it.
func TestRedactEscapedForms(t *testing.T) {
	const secret = `s"3<c>r&e\t'x`
	t.Setenv("DBT_ENV_SECRET_ODD", secret)
	htmlJSON, _ := json.Marshal(map[string]string{"code": "select '" + secret + "'"})
	var plain strings.Builder
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	enc.Encode(map[string]string{"code": secret})
	for _, in := range []string{secret, string(htmlJSON), plain.String(), "select 's\"3<c>r&e\\t''x'"} {
		got := Redact(in)
		if !strings.Contains(got, "*****") || strings.Contains(got, "3<c>r") || strings.Contains(got, `3\u003cc`) {
			t.Errorf("Redact(%q) = %q", in, got)
		}
	}
}

// TestProfileRendersOnlyChosenTarget: dbt renders the chosen output alone, so a profile that
// lists warehouses whose variables are unset here (dbt-utils' integration profile does)
// still loads; as_number / as_bool / as_native type the rendered value.
func TestProfileRendersOnlyChosenTarget(t *testing.T) {
	isolateProfiles(t)
	dir := t.TempDir()
	t.Setenv("GDBT_TEST_TARGET", "pg")
	t.Setenv("GDBT_TEST_PORT", "6543")
	writeFile(t, filepath.Join(dir, "profiles.yml"), `
p:
  target: "{{ env_var('GDBT_TEST_TARGET') }}"
  outputs:
    pg:
      type: postgres
      host: localhost
      port: "{{ env_var('GDBT_TEST_PORT') | as_number }}"
      keepalives_idle: "{{ '30' | as_number }}"
      sslmode: "{{ 'disable' | as_text }}"
      search_path: "{{ 'true' | as_text }}"
      reuse: "{{ 'True' | as_bool }}"
    unset:
      type: snowflake
      account: "{{ env_var('GDBT_TEST_SURELY_UNSET_ACCOUNT') }}"
      port: "{{ env_var('GDBT_TEST_SURELY_UNSET_PORT') | as_number }}"
`)
	tgt, err := LoadProfile(Options{ProfilesDir: dir}, "p")
	if err != nil {
		t.Fatalf("the unset variables of another output must not matter: %v", err)
	}
	want := map[string]any{"type": "postgres", "host": "localhost", "port": 6543, "keepalives_idle": 30,
		"sslmode": "disable", "search_path": "true", "reuse": true}
	if !reflect.DeepEqual(tgt.Fields, want) {
		t.Errorf("fields = %#v\nwant %#v", tgt.Fields, want)
	}
	_, err = LoadProfile(Options{ProfilesDir: dir, Target: "unset"}, "p")
	if err == nil || !strings.Contains(err.Error(), "GDBT_TEST_SURELY_UNSET_ACCOUNT") {
		t.Errorf("choosing the output with unset variables: error %v, want it to name the variable", err)
	}
}
