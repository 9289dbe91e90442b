package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// Attachment is one entry of a dbt-duckdb profile's attach list: another database made
// visible under its alias (dbt-duckdb's credentials.py, class Attachment).
type Attachment struct {
	Path     string
	Type     string // duckdb (empty), sqlite, postgres, mysql, …: the extension that reads it
	Alias    string
	Secret   string
	ReadOnly bool
	Options  map[string]any
}

// Secret is one entry of a profile's secrets list, kept as the CREATE SECRET statement it
// becomes (dbt-duckdb's secrets.py, Secret.to_sql). The statement holds credentials: it
// is executed, never printed.
type Secret struct {
	Name     string
	Type     string
	Provider string
	sql      string
}

// String shows the secret's name and type only.
func (s Secret) String() string {
	return fmt.Sprintf("secret %s (type %s, fields *****)", s.Name, s.Type)
}

// pythonOnly are dbt-duckdb profile fields whose features run Python code inside dbt
// (fsspec filesystems, plugins, imported modules) or a dbt-duckdb server.
var pythonOnly = map[string]string{
	"filesystems":  "fsspec filesystems are Python objects; use DuckDB's own httpfs/azure paths and secrets instead",
	"plugins":      "dbt-duckdb plugins are Python modules",
	"module_paths": "it adds Python import paths",
	"remote":       "it connects to a dbt-duckdb Python server",
}

// extensionFor names the DuckDB extension that reads an attachment or secret type;
// empty for those DuckDB has built in.
func extensionFor(typ string) string {
	switch strings.ToLower(typ) {
	case "", "duckdb", "http":
		return ""
	case "sqlite", "sqlite_scanner":
		return "sqlite"
	case "postgres", "postgres_scanner", "postgresql":
		return "postgres"
	case "s3", "gcs", "r2", "huggingface", "aws":
		return "httpfs"
	}
	return strings.ToLower(typ)
}

// parseAttach reads the attach list. Relative paths of file databases are taken relative
// to baseDir, like the main path.
func parseAttach(v any, baseDir string) ([]Attachment, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("duckdb profile field attach: want a list of mappings, got %T", v)
	}
	var out []Attachment
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("duckdb profile field attach[%d]: want a mapping with a path, got %T", i, e)
		}
		var a Attachment
		for k, v := range m {
			switch k {
			case "path", "type", "alias", "secret":
				s, ok := v.(string)
				if !ok {
					return nil, fmt.Errorf("duckdb profile field attach[%d].%s: want a string, got %T", i, k, v)
				}
				switch k {
				case "path":
					a.Path = s
				case "type":
					a.Type = s
				case "alias":
					a.Alias = s
				default:
					a.Secret = s
				}
			case "read_only":
				b, ok := v.(bool)
				if !ok {
					return nil, fmt.Errorf("duckdb profile field attach[%d].read_only: want true or false, got %v", i, v)
				}
				a.ReadOnly = b
			case "options":
				o, ok := v.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("duckdb profile field attach[%d].options: want a mapping, got %T", i, v)
				}
				a.Options = o
			case "is_ducklake":
			default:
				return nil, fmt.Errorf("duckdb profile field attach[%d]: unknown key %q (known: path, type, alias, secret, read_only, options)", i, k)
			}
		}
		if a.Path == "" {
			return nil, fmt.Errorf("duckdb profile field attach[%d]: path is required", i)
		}
		if t := strings.ToLower(a.Type); (t == "" || t == "duckdb" || t == "sqlite") && !hasScheme(a.Path) &&
			!strings.HasPrefix(a.Path, ":memory:") && !filepath.IsAbs(a.Path) && baseDir != "" {
			a.Path = filepath.Join(baseDir, a.Path)
		}
		out = append(out, a)
	}
	return out, nil
}

// hasScheme tells a URL-like path (md:, s3://, ducklake:) from a file path.
func hasScheme(p string) bool {
	i := strings.IndexByte(p, ':')
	return i > 1 && !strings.ContainsAny(p[:i], `/\.`)
}

// SQL is the ATTACH statement, as dbt-duckdb's Attachment.to_sql writes it: direct fields
// first, then the options (here in key order), a boolean option only when true, strings
// quoted unless already quoted. MotherDuck paths lose their query string.
func (a Attachment) SQL() (string, error) {
	path := a.Path
	if isMotherDuck(path) {
		path, _, _ = strings.Cut(path, "?")
	}
	s := "ATTACH IF NOT EXISTS " + Dialect{}.QuoteString(path)
	if a.Alias != "" {
		s += " AS " + a.Alias
	}
	var opts []string
	for _, k := range []string{"type", "secret", "read_only"} {
		if _, dup := a.Options[k]; dup && (k == "type" && a.Type != "" || k == "secret" && a.Secret != "" || k == "read_only" && a.ReadOnly) {
			return "", fmt.Errorf("attach %s: %s is given both directly and in options; give it once", a.name(), k)
		}
	}
	typ, secret := a.Type, a.Secret
	if typ == "" {
		typ, _ = a.Options["type"].(string)
	}
	if secret == "" {
		secret, _ = a.Options["secret"].(string)
	}
	if typ != "" {
		opts = append(opts, "TYPE "+typ)
	}
	if secret != "" {
		opts = append(opts, "SECRET "+secret)
	}
	if ro, _ := a.Options["read_only"].(bool); a.ReadOnly || ro {
		opts = append(opts, "READ_ONLY")
	}
	keys := make([]string, 0, len(a.Options))
	for k := range a.Options {
		if k != "type" && k != "secret" && k != "read_only" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := a.Options[k].(type) {
		case nil:
		case bool:
			if v {
				opts = append(opts, strings.ToUpper(k))
			}
		case string:
			if t := strings.TrimSpace(v); len(t) >= 2 && (t[0] == '\'' && t[len(t)-1] == '\'' || t[0] == '"' && t[len(t)-1] == '"') {
				opts = append(opts, strings.ToUpper(k)+" "+v)
			} else {
				opts = append(opts, strings.ToUpper(k)+" "+Dialect{}.QuoteString(v))
			}
		default:
			opts = append(opts, fmt.Sprintf("%s %v", strings.ToUpper(k), v))
		}
	}
	if len(opts) > 0 {
		s += " (" + strings.Join(opts, ", ") + ")"
	}
	return s, nil
}

func (a Attachment) name() string {
	if a.Alias != "" {
		return a.Alias
	}
	return warehouse.MaskSecrets(a.Path)
}

// parseSecrets reads the secrets list into CREATE SECRET statements (dbt-duckdb's
// Secret.create and to_sql): unnamed secrets are _dbt_secret_<n>; type and provider are
// written bare, maps as map {…}, lists as array […], scope as repeated scope '…' entries.
func parseSecrets(v any) ([]Secret, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("duckdb profile field secrets: want a list of mappings, got %T", v)
	}
	var out []Secret
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("duckdb profile field secrets[%d]: want a mapping, got %T", i, e)
		}
		typ, _ := m["type"].(string)
		if typ == "" {
			return nil, fmt.Errorf("duckdb profile field secrets[%d]: type is required (s3, gcs, azure, r2, http, huggingface, …)", i)
		}
		name, _ := m["name"].(string)
		if name == "" {
			name = fmt.Sprintf("_dbt_secret_%d", i+1)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			if k != "type" && k != "name" && k != "persistent" && k != "scope" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		params := []string{"type " + typ}
		for _, k := range keys {
			p, err := secretParam(k, m[k])
			if err != nil {
				return nil, fmt.Errorf("duckdb profile field secrets[%d].%s: %w", i, k, err)
			}
			if p != "" {
				params = append(params, p)
			}
		}
		switch sc := m["scope"].(type) {
		case nil:
		case string:
			params = append(params, "scope "+Dialect{}.QuoteString(sc))
		case []any:
			for _, s := range sc {
				params = append(params, "scope "+Dialect{}.QuoteString(fmt.Sprint(s)))
			}
		default:
			return nil, fmt.Errorf("duckdb profile field secrets[%d].scope: want a string or a list, got %T", i, sc)
		}
		persistent := ""
		if p, _ := m["persistent"].(bool); p {
			persistent = " PERSISTENT"
		}
		sql := "CREATE OR REPLACE" + persistent + " SECRET " + name + " (\n    " + strings.Join(params, ",\n    ") + "\n)"
		provider, _ := m["provider"].(string)
		out = append(out, Secret{Name: name, Type: typ, Provider: provider, sql: sql})
	}
	return out, nil
}

func secretParam(k string, v any) (string, error) {
	q := Dialect{}.QuoteString
	switch x := v.(type) {
	case nil:
		return "", nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for kk := range x {
			keys = append(keys, kk)
		}
		sort.Strings(keys)
		items := make([]string, len(keys))
		for i, kk := range keys {
			items[i] = q(kk) + ": " + q(fmt.Sprint(x[kk]))
		}
		return k + " map {" + strings.Join(items, ", ") + "}", nil
	case []any:
		items := make([]string, len(x))
		for i, it := range x {
			items[i] = q(fmt.Sprint(it))
		}
		return k + " array [" + strings.Join(items, ", ") + "]", nil
	}
	if k == "provider" || k == "extra_http_headers" {
		return k + " " + fmt.Sprint(v), nil
	}
	return k + " " + q(fmt.Sprint(v)), nil
}

// attachAndCreateSecrets runs once per database instance (attached catalogs and temporary
// secrets are shared by all its connections): secrets first, as attachments may name one.
// The extension a type needs is LOADed first, so that a missing one is named instead of
// DuckDB trying to download it.
func (a *Adapter) attachAndCreateSecrets(ctx context.Context) error {
	for _, s := range a.cfg.Secrets {
		if err := loadExtension(ctx, a.db, extensionFor(s.Type), "secret "+s.Name+" of type "+s.Type); err != nil {
			return err
		}
		if strings.EqualFold(s.Provider, "credential_chain") && strings.EqualFold(s.Type, "s3") {
			if err := loadExtension(ctx, a.db, "aws", "secret "+s.Name+" (provider credential_chain)"); err != nil {
				return err
			}
		}
		if _, err := a.db.ExecContext(ctx, s.sql); err != nil {
			// DuckDB's message names the field at fault, not its value.
			return fmt.Errorf("duckdb: creating secret %s (type %s): %s", s.Name, s.Type, warehouse.MaskSecrets(err.Error()))
		}
	}
	for _, at := range a.cfg.Attach {
		typ := at.Type
		if typ == "" {
			typ, _ = at.Options["type"].(string)
		}
		if isMotherDuck(at.Path) {
			typ = "motherduck"
		}
		if err := loadExtension(ctx, a.db, extensionFor(typ), "attach "+at.name()); err != nil {
			return err
		}
		stmt, err := at.SQL()
		if err != nil {
			return fmt.Errorf("duckdb: %w", err)
		}
		if _, err := a.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("duckdb: attach %s: %s", at.name(), warehouse.MaskSecrets(err.Error()))
		}
	}
	return nil
}

// loadExtension loads a DuckDB extension that is bundled or already installed, without
// installing it: gdbt downloads no code at run time behind the user's back (a plain LOAD,
// or the ATTACH itself, would make DuckDB fetch it from the network).
func loadExtension(ctx context.Context, db *sql.DB, ext, what string) error {
	if ext == "" {
		return nil
	}
	var n int
	err := db.QueryRowContext(ctx, "select count(*) from duckdb_extensions() where (extension_name = ? or list_contains(aliases, ?)) and (installed or loaded)", ext, ext).Scan(&n)
	if err == nil && n == 0 {
		err = fmt.Errorf("not installed")
	}
	if err == nil {
		_, err = db.ExecContext(ctx, "load "+Dialect{}.QuoteIdent(ext))
	}
	if err != nil {
		return fmt.Errorf("duckdb: %s needs DuckDB's %s extension, which cannot be loaded here (%s); install it where the network is reachable (INSTALL %s) or list it under the profile's extensions",
			what, ext, firstLine(err.Error()), ext)
	}
	return nil
}

// installAndLoad loads one extension of the profile's extensions list. dbt-duckdb
// (environments/__init__.py, initialize_db) runs INSTALL then LOAD for each; INSTALL of an
// extension already installed or built in does nothing but may still reach for the
// network, so gdbt runs it only when DuckDB does not list the extension as installed (or
// loaded): a machine that installed its extensions once then works offline. When INSTALL
// cannot fetch it, the error names the extension and what to do.
func (a *Adapter) installAndLoad(ctx context.Context, ext string) error {
	q := Dialect{}.QuoteIdent(ext)
	var n int
	if err := a.db.QueryRowContext(ctx, "select count(*) from duckdb_extensions() where (extension_name = ? or list_contains(aliases, ?)) and (installed or loaded)", ext, ext).Scan(&n); err != nil {
		return fmt.Errorf("duckdb: profile extension %s: %w", ext, err)
	}
	if n == 0 {
		install := "install " + q
		from := ""
		if repo := a.cfg.ExtensionRepos[ext]; repo != "" {
			install += " from " + Dialect{}.QuoteString(repo)
			from = " from " + repo
		}
		if _, err := a.db.ExecContext(ctx, install); err != nil {
			return fmt.Errorf("duckdb: profile extension %s is not installed and INSTALL %s%s failed (%s); install it once where the network is reachable (duckdb -c \"INSTALL %s\" puts it in ~/.duckdb/extensions), or remove it from the profile's extensions",
				ext, ext, from, firstLine(err.Error()), ext)
		}
	}
	if _, err := a.db.ExecContext(ctx, "load "+q); err != nil {
		return fmt.Errorf("duckdb: profile extension %s: LOAD failed: %s", ext, firstLine(err.Error()))
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// isMotherDuck tells a MotherDuck path (md: or motherduck:), as dbt-duckdb's
// MOTHERDUCK_SCHEMES.
func isMotherDuck(p string) bool {
	low := strings.ToLower(p)
	return strings.HasPrefix(low, "md:") || strings.HasPrefix(low, "motherduck:")
}

// motherDuckLoadable checks that DuckDB's motherduck extension loads, on a scratch
// in-memory database.
func motherDuckLoadable(ctx context.Context) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return fmt.Errorf("duckdb: %w", err)
	}
	defer db.Close()
	return loadExtension(ctx, db, "motherduck", "a MotherDuck path (md:)")
}
