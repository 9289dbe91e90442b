package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// checkYAMLSnapshots builds runner/testdata/yaml_snapshots.txtar in three phases and checks
// the history each snapshot keeps; query returns rows of a SQL query on the target schema
// (relations written as {{ ref('name') }}).
func checkYAMLSnapshots(t *testing.T, dir string, query func(sql string) []string) {
	t.Helper()
	r := rtMust(t, dir, 0, "build")
	if !strings.Contains(r.out, "OK snapshotted") {
		t.Errorf("build printed no snapshot line:\n%s", r)
	}
	rtMust(t, dir, 0, "build", "--vars", "{phase: 2}")
	rtMust(t, dir, 0, "snapshot", "--vars", "{phase: 3}")
	for _, tc := range []struct {
		sql  string
		want []string
	}{
		// timestamp + invalidate: id 3 closed when it vanished, reopened with its new updated_at.
		{"select id, val, cast(dbt_valid_from as date), dbt_valid_to is null from {{ ref('snap_ts') }} order by id, dbt_valid_from",
			[]string{"1|10|2024-01-01|true", "2|20|2024-01-01|false", "2|21|2024-02-01|true",
				"3|30|2024-01-01|false", "3|30|2024-03-01|true", "4|40|2024-02-01|true"}},
		// check + new_record: id 3's deletion record is current in phase 2, closed in phase 3
		// when id 3 returns; current rows end in dbt_valid_to_current.
		{"select id, val, is_deleted, cast(valid_to as date) = cast('9999-12-31' as date) from {{ ref('snap_new') }} order by id, dbt_valid_from, is_deleted",
			[]string{"1|10|false|true", "2|20|false|false", "2|21|false|true",
				"3|30|false|false", "3|30|true|false", "3|30|false|true", "4|40|false|true"}},
		{"select count(*), count(distinct dbt_scd_id) from {{ ref('snap_new') }}", []string{"7|7"}},
		// the classic block ignores hard deletes.
		{"select id, val, dbt_valid_to is null from {{ ref('snap_block') }} order by id, dbt_valid_from",
			[]string{"1|10|true", "2|20|false", "2|21|true", "3|30|false", "3|30|true", "4|40|true"}},
	} {
		if got := query(tc.sql); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s\n got %q\nwant %q", tc.sql, got, tc.want)
		}
	}

	// The manifest has them as dbt 1.9 does: raw code select * from the relation, the
	// YAML file as original_file_path, path <yaml>/<name>.sql, depends_on the relation.
	var m struct {
		Nodes map[string]struct {
			RawCode          string   `json:"raw_code"`
			OriginalFilePath string   `json:"original_file_path"`
			Path             string   `json:"path"`
			FQN              []string `json:"fqn"`
			Tags             []string `json:"tags"`
			Description      string   `json:"description"`
			DependsOn        struct {
				Nodes []string `json:"nodes"`
			} `json:"depends_on"`
			Config struct {
				Strategy    string `json:"strategy"`
				HardDeletes string `json:"hard_deletes"`
			} `json:"config"`
		} `json:"nodes"`
	}
	rtReadJSON(t, filepath.Join(dir, "target", "manifest.json"), &m)
	ts, nw := m.Nodes["snapshot.ysnap.snap_ts"], m.Nodes["snapshot.ysnap.snap_new"]
	if ts.RawCode != "select * from {{ ref('src_rows') }}" || ts.OriginalFilePath != "snapshots/yaml/snapshots.yml" ||
		ts.Path != "yaml/snapshots.yml/snap_ts.sql" || !reflect.DeepEqual(ts.FQN, []string{"ysnap", "yaml", "snap_ts"}) ||
		!reflect.DeepEqual(ts.DependsOn.Nodes, []string{"model.ysnap.src_rows"}) || !reflect.DeepEqual(ts.Tags, []string{"snap"}) ||
		ts.Config.Strategy != "timestamp" || ts.Config.HardDeletes != "invalidate" || !strings.HasPrefix(ts.Description, "timestamp strategy") {
		t.Errorf("manifest snap_ts = %+v", ts)
	}
	if !reflect.DeepEqual(nw.DependsOn.Nodes, []string{"source.ysnap.app.rows"}) || nw.Config.HardDeletes != "new_record" {
		t.Errorf("manifest snap_new = %+v", nw)
	}
}

// TestYAMLSnapshotsDuckDB builds the YAML snapshot project on DuckDB.
func TestYAMLSnapshotsDuckDB(t *testing.T) {
	dir := rtProject(t, "yaml_snapshots.txtar")
	checkYAMLSnapshots(t, dir, func(q string) []string {
		q = strings.NewReplacer("{{ ref('", "main.", "') }}", "").Replace(q)
		var out []string
		for _, row := range rtQuery(t, dir, q) {
			out = append(out, strings.ToLower(strings.ReplaceAll(row, " 00:00:00 +0000 UTC", "")))
		}
		return out
	})
	rtValidate(t, filepath.Join(dir, "target", "manifest.json"), "manifest_v12.json")
}

// TestYAMLSnapshotsPostgres builds the same project on PostgreSQL (GDBT_PG_URL).
func TestYAMLSnapshotsPostgres(t *testing.T) {
	u := rtPGURL(t)
	dir := rtProject(t, "yaml_snapshots.txtar")
	rtPGProfile(t, u, dir, "ysnap", "gdbt_ysnap")
	checkYAMLSnapshots(t, dir, func(q string) []string {
		out := rtShowRows(t, dir, q)
		for i := range out {
			out[i] = strings.ToLower(out[i])
		}
		return out
	})
}

// rtPGProfile writes dir's profiles.yml for project profile on the server at u, in a schema
// of its own (prefix_<n>) dropped when the test ends. The password is written in the file,
// not passed through a DBT_ENV_SECRET_ variable, whose value gdbt then redacts everywhere.
func rtPGProfile(t *testing.T, u *url.URL, dir, profile, prefix string) {
	t.Helper()
	schema := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano()%1e9)
	pass, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	rtWrite(t, dir, "profiles.yml", fmt.Sprintf("%s:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: %s\n      port: %s\n      user: %s\n      password: %q\n      dbname: %s\n      schema: %s\n      threads: 2\n",
		profile, u.Hostname(), port, u.User.Username(), pass, strings.TrimPrefix(u.Path, "/"), schema))
	t.Cleanup(func() { dropPGSchema(t, u, schema) })
}

// rtPGURL is GDBT_PG_URL parsed, skipping the test when it is not set.
func rtPGURL(t *testing.T) *url.URL {
	t.Helper()
	raw := os.Getenv("GDBT_PG_URL")
	if raw == "" {
		t.Skip("GDBT_PG_URL (a PostgreSQL server) not set")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("GDBT_PG_URL: %v", err)
	}
	return u
}

// rtReadJSON decodes the JSON file at path into v.
func rtReadJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// rtShowRows runs q through gdbt show --inline and returns its rows, cells joined by "|".
func rtShowRows(t *testing.T, dir, q string) []string {
	t.Helper()
	r := rtMust(t, dir, 0, "show", "--inline", q, "--limit", "100")
	var out []string
	for _, row := range rtTableRows(r.out) {
		var cells []string
		for _, c := range strings.Split(strings.Trim(row, "| "), "|") {
			cells = append(cells, strings.TrimSpace(c))
		}
		out = append(out, strings.Join(cells, "|"))
	}
	return out
}
