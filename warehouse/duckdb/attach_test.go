package duckdb_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/warehouse/duckdb"
)

// TestAttachSQL: the ATTACH statements are dbt-duckdb's Attachment.to_sql text.
func TestAttachSQL(t *testing.T) {
	cases := []struct {
		a    duckdb.Attachment
		want string
	}{
		{duckdb.Attachment{Path: "/data/other.duckdb"}, `ATTACH IF NOT EXISTS '/data/other.duckdb'`},
		{duckdb.Attachment{Path: "/data/o'x.db", Alias: "other", ReadOnly: true}, `ATTACH IF NOT EXISTS '/data/o''x.db' AS other (READ_ONLY)`},
		{duckdb.Attachment{Path: "dbname=shop host=db", Type: "postgres", Alias: "pg", Secret: "pg_secret"}, `ATTACH IF NOT EXISTS 'dbname=shop host=db' AS pg (TYPE postgres, SECRET pg_secret)`},
		{duckdb.Attachment{Path: "md:analytics?motherduck_token=abc", Alias: "md"}, `ATTACH IF NOT EXISTS 'md:analytics' AS md`},
		{duckdb.Attachment{Path: "x.db", Options: map[string]any{"type": "sqlite", "busy_timeout": 5000, "encryption_key": "k", "skip": false, "quoted": "'already'", "read_only": true}},
			`ATTACH IF NOT EXISTS 'x.db' (TYPE sqlite, READ_ONLY, BUSY_TIMEOUT 5000, ENCRYPTION_KEY 'k', QUOTED 'already')`},
	}
	for _, c := range cases {
		got, err := c.a.SQL()
		if err != nil || got != c.want {
			t.Errorf("%+v:\n got %s (%v)\nwant %s", c.a, got, err, c.want)
		}
	}
	if _, err := (duckdb.Attachment{Path: "x", Type: "sqlite", Options: map[string]any{"type": "sqlite"}}).SQL(); err == nil || !strings.Contains(err.Error(), "type is given both") {
		t.Errorf("type twice: %v", err)
	}
}

// TestProfileAttachAndSecrets opens a database with a second DuckDB file attached
// read-only and an HTTP secret, as a dbt-duckdb profile gives them, and checks both.
func TestProfileAttachAndSecrets(t *testing.T) {
	dir := t.TempDir()
	other, err := sql.Open("duckdb", filepath.Join(dir, "other.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec("create table customers as select 1 as id, 'ann' as name"); err != nil {
		t.Fatal(err)
	}
	other.Close()
	cfg, err := duckdb.ParseConfig(map[string]any{
		"path":   "main.duckdb",
		"attach": []any{map[string]any{"path": "other.duckdb", "alias": "crm", "read_only": true}},
		"secrets": []any{map[string]any{"type": "http", "bearer_token": "SECRET-bearer", "scope": []any{"https://api.example.com"}},
			map[string]any{"type": "http", "name": "named", "extra_http_headers": map[string]any{"X-Api-Key": "SECRET-header"}}},
	}, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Attach[0].Path != filepath.Join(dir, "other.duckdb") {
		t.Errorf("attach path not anchored at the project: %s", cfg.Attach[0].Path)
	}
	for _, s := range cfg.Secrets {
		if strings.Contains(s.String(), "SECRET") {
			t.Errorf("secret shown: %s", s)
		}
	}
	a, err := duckdb.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	_, tab, err := a.Execute(context.Background(), `select name from crm.main.customers`, true)
	if err != nil || len(tab.Rows) != 1 || tab.Rows[0][0] != "ann" {
		t.Fatalf("attached table: %v %v", tab, err)
	}
	if _, _, err := a.Execute(context.Background(), `insert into crm.main.customers values (2, 'bob')`, false); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("write to a read_only attachment: %v", err)
	}
	_, tab, err = a.Execute(context.Background(), `select name, type, scope::varchar, secret_string from duckdb_secrets() order by name`, true)
	if err != nil || len(tab.Rows) != 2 {
		t.Fatalf("secrets: %v %v", tab, err)
	}
	if tab.Rows[0][0] != "_dbt_secret_1" || tab.Rows[1][0] != "named" || !strings.Contains(tab.Rows[0][2].(string), "https://api.example.com") {
		t.Errorf("secrets = %v", tab.Rows)
	}
	if strings.Contains(tab.Rows[0][3].(string), "SECRET") {
		t.Errorf("DuckDB shows the secret: %v", tab.Rows[0][3])
	}
}

// TestProfileFieldsRefusedOrMissingExtension: Python-only fields are refused naming the
// field; an attachment or secret whose extension is not installed is named, with no
// download attempted and no credential shown.
func TestProfileFieldsRefusedOrMissingExtension(t *testing.T) {
	for _, f := range []string{"filesystems", "module_paths", "plugins", "remote"} {
		_, err := duckdb.ParseConfig(map[string]any{"path": ":memory:", f: []any{map[string]any{"module": "x"}}}, "", "")
		if err == nil || !strings.Contains(err.Error(), "duckdb profile field "+f+" is not supported") {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, c := range []struct {
		field map[string]any
		ext   string
	}{
		{map[string]any{"attach": []any{map[string]any{"path": "dbname=x password=SECRET-pw", "type": "postgres", "alias": "pg"}}}, "postgres"},
		{map[string]any{"attach": []any{map[string]any{"path": "legacy.sqlite", "type": "sqlite"}}}, "sqlite"},
		{map[string]any{"secrets": []any{map[string]any{"type": "s3", "key_id": "SECRET-id", "secret": "SECRET-key"}}}, "httpfs"},
		{map[string]any{"path": "md:analytics?motherduck_token=SECRET-token"}, "motherduck"},
	} {
		if c.field["path"] == nil {
			c.field["path"] = ":memory:"
		}
		cfg, err := duckdb.ParseConfig(c.field, "", t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		a, err := duckdb.Open(context.Background(), cfg)
		if err == nil {
			// The extension is installed on this machine: then it must work.
			a.Close()
			continue
		}
		if !strings.Contains(err.Error(), "DuckDB's "+c.ext+" extension") || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%v: %v", c.field, err)
		}
	}
}
