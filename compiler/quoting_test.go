package compiler

import (
	"context"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse/adapters"
)

// quotingModel renders every way a name reaches SQL, one per line.
const quotingModel = `ref: {{ ref('up') }}
source: {{ source('raw', 't') }}
source quoted: {{ source('raw_q', 't') }}
this: {{ this }}
this.quote(identifier=true): {{ this.quote(identifier=true) }}
this.quote_policy.identifier: {{ this.quote_policy.identifier }}
include(database=false): {{ this.include(database=false) }}
create(quote_policy={'schema': true}): {{ api.Relation.create(database='D', schema='s', identifier='i', quote_policy={'schema': true}) }}
quote_as_configured: {{ adapter.quote_as_configured('x', 'identifier') }}
adapter.quote: {{ adapter.quote('x') }}
`

// quotingSources: raw follows the project; raw_q quotes its identifiers, and its table t
// its schema too (a table's quoting: merges over its source's).
const quotingSources = `version: 2
sources:
  - name: raw
    tables: [{name: t}]
  - name: raw_q
    quoting: {identifier: true}
    tables:
      - name: t
        quoting: {schema: true}
`

var quotingProfiles = map[string]string{
	"snowflake": "qp:\n  target: t\n  outputs:\n    t: {type: snowflake, account: a, user: u, password: p, database: ANALYTICS, schema: dev, warehouse: w}\n",
	"duckdb":    "qp:\n  target: t\n  outputs:\n    t: {type: duckdb, path: target/x.duckdb, schema: dev}\n",
	"postgres":  "qp:\n  target: t\n  outputs:\n    t: {type: postgres, host: localhost, user: u, password: p, dbname: db, schema: dev}\n",
}

// TestQuotingPolicies compiles ref, source and this offline (with the engine's dialect, as
// cmd/gdbt does) under each adapter's default and a project's quoting:.
func TestQuotingPolicies(t *testing.T) {
	cases := []struct {
		name, engine, quoting string
		want                  []string
	}{
		{"snowflake default: nothing quoted", "snowflake", "", []string{
			"ref: ANALYTICS.dev.up",
			"source: ANALYTICS.raw.t",
			`source quoted: ANALYTICS."raw_q"."t"`,
			"this: ANALYTICS.dev.m",
			`this.quote(identifier=true): ANALYTICS.dev."m"`,
			"this.quote_policy.identifier: False",
			"include(database=false): dev.m",
			`create(quote_policy={'schema': true}): D."s".i`,
			"quote_as_configured: x",
			`adapter.quote: "x"`,
		}},
		{"snowflake quoting identifier", "snowflake", "quoting:\n  identifier: true\n", []string{
			`ref: ANALYTICS.dev."up"`,
			`source: ANALYTICS.raw."t"`,
			`source quoted: ANALYTICS."raw_q"."t"`,
			`this: ANALYTICS.dev."m"`,
			"this.quote_policy.identifier: True",
			`include(database=false): dev."m"`,
			`create(quote_policy={'schema': true}): D."s"."i"`,
			`quote_as_configured: "x"`,
		}},
		{"duckdb default: everything quoted", "duckdb", "", []string{
			`ref: "x"."dev"."up"`,
			`source: "x"."raw"."t"`,
			`this: "x"."dev"."m"`,
			"this.quote_policy.identifier: True",
			`quote_as_configured: "x"`,
		}},
		{"duckdb quoting false", "duckdb", "quoting: {database: false, schema: false, identifier: false}\n", []string{
			"ref: x.dev.up",
			"source: x.raw.t",
			`source quoted: x."raw_q"."t"`,
			`this.quote(identifier=true): x.dev."m"`,
			"quote_as_configured: x",
		}},
		{"postgres default", "postgres", "", []string{
			`ref: "db"."dev"."up"`,
			`source quoted: "db"."raw_q"."t"`,
		}},
		{"postgres quoting schema false", "postgres", "quoting:\n  schema: false\n", []string{
			`ref: "db".dev."up"`,
			`source: "db".raw."t"`,
			`source quoted: "db"."raw_q"."t"`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			isolateProfiles(t)
			dir := writeProject(t, map[string]string{
				"dbt_project.yml": "name: qp\nprofile: qp\n" + c.quoting,
				"profiles.yml":    quotingProfiles[c.engine],
				"models/src.yml":  quotingSources,
				"models/up.sql":   "select 1 as x",
				"models/m.sql":    quotingModel,
			})
			p, err := Load(Options{ProjectDir: dir, ProfilesDir: dir, Dialect: adapters.Dialect})
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Compile(context.Background(), nil, p.Manifest.Nodes["model.qp.m"])
			if err != nil {
				t.Fatal(err)
			}
			lines := map[string]bool{}
			for _, l := range strings.Split(got, "\n") {
				lines[l] = true
			}
			for _, w := range c.want {
				if !lines[w] {
					t.Errorf("missing line %q in:\n%s", w, got)
				}
			}
			// The manifest's relation_name says what source() renders.
			want := strings.TrimPrefix(c.want[1], "source: ")
			if src := p.Manifest.Sources["source.qp.raw.t"]; strings.HasPrefix(c.want[1], "source: ") && (src == nil || src.RelationName != want) {
				t.Errorf("manifest relation_name of raw.t = %+v, want %s", src, want)
			}
		})
	}
}

// TestQuotingConfigErrors: a misspelt key or a non-boolean value is an error at its place,
// not a silently different policy.
func TestQuotingConfigErrors(t *testing.T) {
	isolateProfiles(t)
	dir := writeProject(t, map[string]string{
		"dbt_project.yml": "name: qe\nprofile: qe\nquoting:\n  identifer: true\n  schema: maybe\n",
		"models/m.sql":    "select 1",
	})
	_, err := Load(Options{ProjectDir: dir})
	if err == nil {
		t.Fatal("Load succeeded")
	}
	for _, want := range []string{`dbt_project.yml:4:3: quoting: unknown key "identifer"`, "dbt_project.yml:5:11: expected true or false"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}
