package snowflake

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/snowflakedb/gosnowflake"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// minConns bounds the pool from below for the same reason as the PostgreSQL adapter: a
// worker holding a Session still queries through the pool.
const minConns = 32

// Adapter is a pool of Snowflake sessions (one login each) shared by all workers.
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

// clientConfig turns the profile into gosnowflake's configuration: it reads the private
// key and trades an OAuth refresh token, so it may fail or touch the network. The mapping
// follows dbt-snowflake's connections.py (SnowflakeConnectionManager.open, auth_args).
func (c Config) clientConfig(ctx context.Context) (*gosnowflake.Config, error) {
	cc := &gosnowflake.Config{
		Account: c.Account, User: c.User, Password: c.Password, Role: c.Role,
		Database: c.Database, Schema: c.Schema, Warehouse: c.Warehouse,
		Host: c.Host, Port: c.Port, Protocol: c.Protocol,
		Authenticator: gosnowflake.AuthTypeSnowflake, Application: "gdbt",
		LoginTimeout: c.loginTimeout(), DisableTelemetry: true,
		DisableOCSPChecks: c.InsecureMode,
		ProxyHost:         c.ProxyHost, ProxyPort: c.ProxyPort,
		Transporter: c.Transport,
		// Failed statements come back as errors that gdbt reports with the node; the
		// client's own logging of them would print each one twice.
		Tracing: "fatal",
		Params:  map[string]*string{},
	}
	if c.ProxyHost != "" {
		cc.ProxyProtocol = "http"
	}
	if c.QueryTag != "" {
		tag := c.QueryTag
		cc.Params["query_tag"] = &tag
	}
	if c.ClientSessionKeepAlive {
		on := "true"
		cc.Params["client_session_keep_alive"] = &on
	}
	switch c.Authenticator {
	case AuthPassword:
	case AuthMFA:
		cc.Authenticator = gosnowflake.AuthTypeUsernamePasswordMFA
		// auth_args: "enable mfa token cache for linux"
		cc.ClientRequestMfaToken = gosnowflake.ConfigBoolTrue
	case AuthKeyPair:
		key, err := c.loadPrivateKey()
		if err != nil {
			return nil, err
		}
		cc.Authenticator, cc.PrivateKey = gosnowflake.AuthTypeJwt, key
	case AuthOAuth:
		token := c.Token
		if c.OAuthClientID != "" && c.OAuthClientSecret != "" {
			var err error
			if token, err = c.refreshAccessToken(ctx); err != nil {
				return nil, err
			}
		}
		cc.Authenticator, cc.Token = gosnowflake.AuthTypeOAuth, token
	case AuthJWTToken:
		// auth_args: "jwt" is the profile's name; the connector is told oauth.
		cc.Authenticator, cc.Token = gosnowflake.AuthTypeOAuth, c.Token
	case AuthExternalBrowser:
		cc.Authenticator = gosnowflake.AuthTypeExternalBrowser
		// auth_args: "enable id token cache for linux"
		cc.ClientStoreTemporaryCredential = gosnowflake.ConfigBoolTrue
	default:
		if c.OktaURL == nil {
			return nil, fmt.Errorf("snowflake: authenticator %q was not checked by ParseConfig", c.Authenticator)
		}
		cc.Authenticator, cc.OktaURL = gosnowflake.AuthTypeOkta, c.OktaURL
	}
	return cc, nil
}

// defaultLoginTimeout bounds one login attempt when the profile sets no connect_timeout:
// dbt-snowflake documents connect_timeout's default as 10 seconds (its profile reference,
// "connect_timeout: 10 # default: 10").
const defaultLoginTimeout = 10 * time.Second

// loginTimeout is how long one login attempt may take before it fails: the profile's
// connect_timeout seconds, else 10 s. gosnowflake's own default (and gdbt's before) was 60 s,
// during which a refused or unanswered connection is retried silently.
func (c Config) loginTimeout() time.Duration {
	if c.ConnectTimeout > 0 {
		return time.Duration(c.ConnectTimeout) * time.Second
	}
	return defaultLoginTimeout
}

// loginTimeoutConnector bounds each login attempt by the login timeout. gosnowflake's
// LoginTimeout only limits its retries between HTTP attempts: a server that accepts the
// connection and never answers holds one attempt for the client's 900-second round-trip
// timeout, so the attempt's context carries the deadline too.
type loginTimeoutConnector struct {
	inner   driver.Connector
	timeout time.Duration
}

// Connect logs in one session within the timeout.
func (l loginTimeoutConnector) Connect(ctx context.Context) (driver.Conn, error) {
	lctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	c, err := l.inner.Connect(lctx)
	if err != nil && lctx.Err() != nil && ctx.Err() == nil {
		return nil, fmt.Errorf("login did not complete within connect_timeout (%s): %w", l.timeout, err)
	}
	return c, err
}

// Driver returns the wrapped connector's driver.
func (l loginTimeoutConnector) Driver() driver.Driver { return l.inner.Driver() }

// Open logs in once to check the credentials. Cancelling a context while a statement runs
// makes the client send an abort request, so Snowflake stops the query.
func Open(ctx context.Context, cfg Config) (*Adapter, error) {
	cc, err := cfg.clientConfig(ctx)
	if err != nil {
		return nil, err
	}
	inner := loginTimeoutConnector{inner: gosnowflake.NewConnector(gosnowflake.SnowflakeDriver{}, *cc), timeout: cfg.loginTimeout()}
	db := sql.OpenDB(retryConnector{inner: inner, cfg: cfg})
	db.SetMaxOpenConns(max(cfg.Threads*2+4, minConns))
	if cfg.ReuseConnections {
		db.SetMaxIdleConns(max(cfg.Threads, 2))
	} else {
		// reuse_connections: false: every session is logged out when it is given back.
		db.SetMaxIdleConns(-1)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("snowflake: connecting to account %s: %w", cfg.Account, err)
	}
	return &Adapter{db: db, cfg: cfg, dialect: Dialect{Database: cfg.Database, Schema: cfg.Schema}}, nil
}

// Config returns the configuration the adapter was opened with.
func (a *Adapter) Config() Config { return a.cfg }

// Dialect returns the dialect bound to the target's database and schema.
func (a *Adapter) Dialect() warehouse.Dialect { return a.dialect }

// Execute runs one or more statements on one pooled session; a script that fails half-way
// is rolled back before the session returns to the pool.
func (a *Adapter) Execute(ctx context.Context, query string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	if err := ctx.Err(); err != nil {
		return warehouse.Response{RowsAffected: -1}, nil, fmt.Errorf("snowflake: %w", err)
	}
	c, err := a.db.Conn(ctx)
	if err != nil {
		return warehouse.Response{RowsAffected: -1}, nil, fmt.Errorf("snowflake: %w", wrapCtx(ctx, err))
	}
	defer c.Close()
	resp, t, err := execute(ctx, c, query, fetch)
	if err != nil {
		rollback(c)
		return resp, t, fmt.Errorf("snowflake: %w", err)
	}
	return resp, t, nil
}

// rollback ends whatever transaction a failed script left open on a pooled session.
func rollback(c *sql.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = c.ExecContext(ctx, "rollback")
}

// Session pins one Snowflake session until Close.
func (a *Adapter) Session(ctx context.Context) (warehouse.Session, error) {
	c, err := a.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("snowflake: %w", wrapCtx(ctx, err))
	}
	return &session{conn: c}, nil
}

// Close logs out every pooled session.
func (a *Adapter) Close() error { return a.db.Close() }

type session struct {
	conn *sql.Conn
}

// Execute runs statements on the pinned session; a transaction stays open across calls.
func (s *session) Execute(ctx context.Context, query string, fetch bool) (warehouse.Response, *warehouse.Table, error) {
	if s.conn == nil {
		return warehouse.Response{RowsAffected: -1}, nil, errors.New("snowflake: session is closed")
	}
	if err := ctx.Err(); err != nil {
		return warehouse.Response{RowsAffected: -1}, nil, fmt.Errorf("snowflake: %w", err)
	}
	resp, t, err := execute(ctx, s.conn, query, fetch)
	if err != nil {
		return resp, t, fmt.Errorf("snowflake: %w", err)
	}
	return resp, t, nil
}

// Close rolls back a transaction left open and returns the session to the pool.
func (s *session) Close() error {
	if s.conn == nil {
		return nil
	}
	rollback(s.conn)
	err := s.conn.Close()
	s.conn = nil
	return err
}

// wrapCtx makes an error caused by a cancelled or expired context wrap the context's error,
// whatever the client reported.
func wrapCtx(ctx context.Context, err error) error {
	if ce := ctx.Err(); ce != nil && !errors.Is(err, ce) {
		return fmt.Errorf("%w: %v", ce, err)
	}
	return err
}
