package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	duckdbdriver "github.com/duckdb/duckdb-go/v2"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// Config is a DuckDB target as a profile describes it.
type Config struct {
	// Path is the database file; ":memory:" for an in-memory database.
	Path string
	// Threads is gdbt's worker count (the profile's threads), which sizes the idle pool.
	// DuckDB's own thread count is a setting: settings: {threads: 4}.
	Threads int
	// Extensions are LOADed at open; one DuckDB has neither bundled nor installed is
	// INSTALLed first, as dbt-duckdb does (which needs the network, or the extension copied
	// into DuckDB's extension folder beforehand).
	Extensions []string
	// ExtensionRepos maps an extension to the repository it is installed from (an entry
	// {name: …, repo: …}: dbt-duckdb's INSTALL name FROM repo).
	ExtensionRepos map[string]string
	// Settings are applied with SET on every connection of the pool.
	Settings map[string]any
	// Schema is the target schema, "main" by default.
	Schema string
	// Database is the expected catalog; empty means the file's own (its stem).
	Database string
	// Attach lists other databases attached at open (attach.go); Secrets the CREATE
	// SECRET statements run first.
	Attach  []Attachment
	Secrets []Secret
	// ExternalRoot is the folder external models are written under (dbt-duckdb's
	// external_root, "." by default), relative to the project folder.
	ExternalRoot string
}

// ParseConfig reads a profile target's fields. defaultPath is used when there is no path;
// a relative path is taken relative to baseDir (the project folder).
func ParseConfig(fields map[string]any, defaultPath, baseDir string) (Config, error) {
	cfg := Config{Schema: "main", Threads: 1, ExternalRoot: "."}
	for _, k := range []string{"filesystems", "module_paths", "plugins", "remote"} {
		if v, ok := fields[k]; ok && v != nil {
			// Ignoring them would silently build something else than the user asked for.
			return cfg, fmt.Errorf("duckdb profile field %s is not supported: %s, and gdbt runs no Python", k, pythonOnly[k])
		}
	}
	var err error
	if cfg.Path, err = stringField(fields, "path", defaultPath); err != nil {
		return cfg, err
	}
	if cfg.Path == "" {
		return cfg, errors.New("duckdb profile: no path and no default path")
	}
	if cfg.Path != ":memory:" && !strings.HasPrefix(cfg.Path, ":memory:") && !hasScheme(cfg.Path) && !filepath.IsAbs(cfg.Path) && baseDir != "" {
		cfg.Path = filepath.Join(baseDir, cfg.Path)
	}
	if cfg.Schema, err = stringField(fields, "schema", "main"); err != nil {
		return cfg, err
	}
	if cfg.Database, err = stringField(fields, "database", ""); err != nil {
		return cfg, err
	}
	if v, ok := fields["threads"]; ok && v != nil {
		n, ok := toInt(v)
		if !ok || n < 1 {
			return cfg, fmt.Errorf("duckdb profile field threads: want a positive integer, got %v", v)
		}
		cfg.Threads = n
	}
	if v, ok := fields["extensions"]; ok && v != nil {
		list, ok := v.([]any)
		if !ok {
			return cfg, fmt.Errorf("duckdb profile field extensions: want a list, got %T", v)
		}
		for _, e := range list {
			switch e := e.(type) {
			case string:
				cfg.Extensions = append(cfg.Extensions, e)
			case map[string]any:
				name, _ := e["name"].(string)
				if name == "" {
					return cfg, fmt.Errorf("duckdb profile field extensions: entry %v has no name", e)
				}
				cfg.Extensions = append(cfg.Extensions, name)
				if repo, ok := e["repo"]; ok && repo != nil {
					r, ok := repo.(string)
					if !ok || r == "" {
						return cfg, fmt.Errorf("duckdb profile field extensions: entry %s: repo must be a repository name or URL, got %v", name, repo)
					}
					if cfg.ExtensionRepos == nil {
						cfg.ExtensionRepos = map[string]string{}
					}
					cfg.ExtensionRepos[name] = r
				}
			default:
				return cfg, fmt.Errorf("duckdb profile field extensions: want names, got %T", e)
			}
		}
	}
	if v, ok := fields["settings"]; ok && v != nil {
		m, ok := v.(map[string]any)
		if !ok {
			return cfg, fmt.Errorf("duckdb profile field settings: want a mapping, got %T", v)
		}
		cfg.Settings = m
	}
	if cfg.ExternalRoot, err = stringField(fields, "external_root", "."); err != nil {
		return cfg, err
	}
	if v, ok := fields["attach"]; ok && v != nil {
		if cfg.Attach, err = parseAttach(v, baseDir); err != nil {
			return cfg, err
		}
	}
	if v, ok := fields["secrets"]; ok && v != nil {
		if cfg.Secrets, err = parseSecrets(v); err != nil {
			return cfg, err
		}
	}
	// credentials.py __post_init__: use_credential_provider: aws is kept for backward
	// compatibility as an s3 secret with the credential_chain provider.
	if v, ok := fields["use_credential_provider"]; ok && v != nil {
		if v != "aws" {
			return cfg, fmt.Errorf("duckdb profile field use_credential_provider: only aws is supported, got %v", v)
		}
		s, err := parseSecrets([]any{map[string]any{"type": "s3", "provider": "credential_chain", "name": fmt.Sprintf("_dbt_secret_%d", len(cfg.Secrets)+1)}})
		if err != nil {
			return cfg, err
		}
		cfg.Secrets = append(cfg.Secrets, s...)
	}
	return cfg, nil
}

func stringField(fields map[string]any, key, def string) (string, error) {
	v, ok := fields[key]
	if !ok || v == nil {
		return def, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("duckdb profile field %s: want a string, got %T", key, v)
	}
	if s == "" {
		return def, nil
	}
	return s, nil
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	case string:
		i, err := strconv.Atoi(strings.TrimSpace(n))
		return i, err == nil
	}
	return 0, false
}

// minIdle is the least number of idle connections the pool keeps.
const minIdle = 16

// Adapter is an open DuckDB database. All workers share its pool; a Session pins one
// connection for statements that must share a transaction or temporary tables.
type Adapter struct {
	db      *sql.DB
	dialect Dialect
	cfg     Config
}

var (
	_ warehouse.Adapter      = (*Adapter)(nil)
	_ warehouse.Sessioner    = (*Adapter)(nil)
	_ warehouse.SchemaLister = (*Adapter)(nil)
)

// Open opens (creating when needed) the database file, loads the extensions and checks the
// database name. The file's folder must exist.
func Open(ctx context.Context, cfg Config) (*Adapter, error) {
	if cfg.Schema == "" {
		cfg.Schema = "main"
	}
	if cfg.Threads < 1 {
		cfg.Threads = 1
	}
	inMemory := cfg.Path == "" || strings.HasPrefix(cfg.Path, ":memory:")
	if !inMemory {
		// The file is created, a missing folder is not (dbt-duckdb's behaviour: DuckDB cannot
		// open a file in a missing folder), so a typo in path fails instead of building an
		// empty warehouse somewhere new. The zero-config target's folder is the caller's to
		// create (compiler.ProfileInfo.ZeroConfig).
		dir := filepath.Dir(cfg.Path)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("duckdb: cannot open the database file %s: its folder %s does not exist (create it, or fix path: in the profile)", cfg.Path, dir)
		}
	}
	settings, err := settingStatements(cfg.Settings)
	if err != nil {
		return nil, err
	}
	if isMotherDuck(cfg.Path) {
		// Check the extension on a scratch database: opening the md: path directly would
		// make DuckDB try to download it.
		if err := motherDuckLoadable(ctx); err != nil {
			return nil, err
		}
	}
	connector, err := duckdbdriver.NewConnector(cfg.Path, func(ex driver.ExecerContext) error {
		for _, s := range settings {
			if _, err := ex.ExecContext(context.Background(), s, nil); err != nil {
				return fmt.Errorf("duckdb: %s: %s", warehouse.MaskSecrets(s), warehouse.MaskSecrets(err.Error()))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("duckdb: opening %s: %s", warehouse.MaskSecrets(cfg.Path), warehouse.MaskSecrets(err.Error()))
	}
	db := sql.OpenDB(connector)
	// No cap on open connections: a worker holding a Session may still query through the
	// pool (get_relation, run_query), and a cap would deadlock it. Idle ones are kept so
	// that no statement pays for a new connection; at least 16, as --threads on the
	// command line may exceed the profile's threads, and an idle connection costs little.
	db.SetMaxIdleConns(max(cfg.Threads+2, minIdle))
	a := &Adapter{db: db, cfg: cfg}
	if err := a.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func (a *Adapter) init(ctx context.Context) error {
	for _, ext := range a.cfg.Extensions {
		if err := a.installAndLoad(ctx, ext); err != nil {
			return err
		}
	}
	if err := a.attachAndCreateSecrets(ctx); err != nil {
		return err
	}
	var current string
	if err := a.db.QueryRowContext(ctx, "select current_database()").Scan(&current); err != nil {
		return fmt.Errorf("duckdb: opening %s: %w", warehouse.MaskSecrets(a.cfg.Path), err)
	}
	db := current
	if a.cfg.Database != "" && !strings.EqualFold(a.cfg.Database, current) {
		var n int
		err := a.db.QueryRowContext(ctx, "select count(*) from duckdb_databases() where lower(database_name) = lower(?)", a.cfg.Database).Scan(&n)
		if err != nil {
			return fmt.Errorf("duckdb: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("duckdb: database %q is not attached (the file %s is catalog %q)", a.cfg.Database, warehouse.MaskSecrets(a.cfg.Path), current)
		}
		db = a.cfg.Database
	}
	a.dialect = Dialect{Database: db, Schema: a.cfg.Schema}
	return nil
}

// settingStatements renders the profile's settings as SET statements in key order.
func settingStatements(settings map[string]any) ([]string, error) {
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		var val string
		switch v := settings[k].(type) {
		case string:
			val = Dialect{}.QuoteString(v)
		case bool:
			val = fmt.Sprint(v)
		case int, int64, float64:
			val = fmt.Sprint(v)
		default:
			return nil, fmt.Errorf("duckdb profile setting %s: unsupported value %v (%T)", k, v, v)
		}
		out = append(out, "set "+Dialect{}.QuoteIdent(k)+" = "+val)
	}
	return out, nil
}

// Config returns the configuration the adapter was opened with.
func (a *Adapter) Config() Config { return a.cfg }

// Dialect returns the dialect bound to the opened database and target schema.
func (a *Adapter) Dialect() warehouse.Dialect { return a.dialect }

// DB exposes the pool for callers that need database/sql directly (tests, benchmarks).
func (a *Adapter) DB() *sql.DB { return a.db }

// Execute runs one or more statements on a pooled connection; see execute. When they fail
// the connection is rolled back before it returns to the pool: a script such as
// "begin; …; commit" that fails half-way would otherwise leave its aborted transaction to
// whichever worker takes the connection next. A write-write conflict with a concurrent
// worker is retried when that cannot repeat an effect (see retry.go).
func (a *Adapter) Execute(ctx context.Context, query string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	c, err := a.db.Conn(ctx)
	if err != nil {
		return warehouse.Response{RowsAffected: -1}, nil, fmt.Errorf("duckdb: %w", wrapErr(ctx, err))
	}
	defer c.Close()
	for attempt := 1; ; attempt++ {
		resp, t, err := execute(ctx, c, query, fetch)
		if err == nil {
			return resp, t, nil
		}
		// "no transaction is active" is the usual, harmless answer.
		_, _ = c.ExecContext(context.WithoutCancel(ctx), "rollback")
		if attempt == maxAttempts || ctx.Err() != nil || !isConflict(err) || !retrySafe(query) {
			return resp, t, err
		}
		if backoff(ctx, attempt) != nil {
			return resp, t, err
		}
	}
}

// Session pins a pooled connection until Close.
func (a *Adapter) Session(ctx context.Context) (warehouse.Session, error) {
	c, err := a.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("duckdb: %w", err)
	}
	return &session{conn: c}, nil
}

// Close closes the pool and the database file.
func (a *Adapter) Close() error { return a.db.Close() }

type session struct {
	conn *sql.Conn
	// inTx is set while a transaction this session began may be open, so that Close
	// rolls back only when there may be something to roll back.
	inTx bool
}

// Execute runs statements on the pinned connection; see execute.
func (s *session) Execute(ctx context.Context, query string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	if s.conn == nil {
		return warehouse.Response{}, nil, errors.New("duckdb: session is closed")
	}
	for attempt := 1; ; attempt++ {
		// Outside a transaction a statement commits on its own, so a conflict can be
		// retried as on the pool (the runner pins one session per node, and nodes run
		// concurrently); inside one, only a whole transaction script is retried: a single
		// statement may belong to a transaction the caller opened earlier, which the
		// conflict has aborted.
		autocommit := !s.inTx
		resp, t, err := execute(ctx, s.conn, query, fetch)
		s.track(query, err)
		if err == nil || attempt == maxAttempts || ctx.Err() != nil || !isConflict(err) ||
			!(statementCode(firstStatement(query)) == "BEGIN" || autocommit && retrySafe(query)) {
			return resp, t, err
		}
		_, _ = s.conn.ExecContext(context.WithoutCancel(ctx), "rollback")
		s.inTx = false
		if backoff(ctx, attempt) != nil {
			return resp, t, err
		}
	}
}

// track follows the transaction state through the statements of a script: after a
// failure the state is unknown and taken as open.
func (s *session) track(query string, err error) {
	if err != nil {
		s.inTx = true
		return
	}
	if !s.inTx && !strings.Contains(strings.ToLower(query), "begin") && !strings.Contains(strings.ToLower(query), "start") {
		return // the common case: no transaction statement at all
	}
	for _, stmt := range splitStatements(query) {
		switch statementCode(stmt) {
		case "BEGIN", "START":
			s.inTx = true
		case "COMMIT", "ROLLBACK", "END", "ABORT":
			s.inTx = false
		}
	}
}

// Close rolls back whatever transaction the caller left open, so that the next user of the
// pooled connection does not inherit it, and releases the connection.
func (s *session) Close() error {
	if s.conn == nil {
		return nil
	}
	if s.inTx {
		// "no transaction is active" is a harmless answer.
		_, _ = s.conn.ExecContext(context.Background(), "rollback")
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}
