package compiler

import (
	"strings"
	"testing"
)

// FuzzParseProfile: no profiles.yml, however malformed, and no --vars string panics the
// profile loader, and an error always names the file or the flag it is about. The seeds
// are the shapes of the bad-input corpus (cmd/gdbt/testdata/errors) and of real profiles.
func FuzzParseProfile(f *testing.F) {
	f.Add("p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: x.duckdb\n      threads: 4\n", "")
	f.Add("p:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: h, user: u, password: \"{{ env_var('PW', 'x') }}\", port: 5432, dbname: d, schema: s}\n", "{a: 1}")
	f.Add("p:\n  target: \"{{ var('t', 'dev') }}\"\n  outputs:\n    dev: {type: snowflake, account: a, user: u, private_key: k, database: d, schema: s, warehouse: w}\n", "{t: dev}")
	f.Add("p:\n  outputs: []\n", "")
	f.Add("p: [1, 2]\n", "[1]")
	f.Add("p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      threads: many\n      settings: {s3_secret_access_key: abc}\n", "")
	f.Add("config:\n  send_anonymous_usage_stats: false\np:\n  target: x\n  outputs: {x: {type: nope}}\n", "{")
	f.Add("p: &a\n  outputs: *a\n", "")
	f.Add("p:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: \"{{ 1/0 }}\"}\n", "")
	f.Fuzz(func(t *testing.T, src, vars string) {
		_, _, err := parseProfile("profiles.yml", []byte(src), Options{Vars: vars}, "p")
		if err != nil && !strings.Contains(err.Error(), "profiles.yml") && !strings.Contains(err.Error(), "--vars") {
			t.Errorf("error names neither the file nor --vars: %v", err)
		}
	})
}

// FuzzParseCLIVars: --vars never panics; it is a mapping or an error naming --vars.
func FuzzParseCLIVars(f *testing.F) {
	for _, s := range []string{"{a: 1}", `{"a": [1, {"b": null}]}`, "a: b", "[1]", "{", "{a: &x [*x]}", "{a: !!binary aGk=}", "{? [a]: 1}", "{a: 1e400}", "'x'", "{a: .nan, b: 2001-01-01}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseCLIVars(s)
		if err == nil && m == nil {
			t.Errorf("%q: neither a mapping nor an error", s)
		}
		if err != nil && !strings.Contains(err.Error(), "--vars") {
			t.Errorf("%q: error does not name --vars: %v", s, err)
		}
	})
}
