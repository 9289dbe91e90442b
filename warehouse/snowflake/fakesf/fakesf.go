// Package fakesf is a loopback stand-in for Snowflake's REST endpoints, so that the real
// gosnowflake client can be tested without an account. It speaks just enough of the
// protocol (login, query, abort, logout, telemetry) and runs each statement on an
// in-process DuckDB after an explicit, minimal list of rewrites (rewrite.go); one DuckDB
// connection backs each logged-in session, so transactions and temporary tables behave
// per session as on Snowflake. Stages, file formats, PUT and COPY INTO, which DuckDB has no
// equivalent of, are implemented by the fake itself (stage.go). It is a test helper, not a
// Snowflake emulator.
package fakesf

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	_ "github.com/duckdb/duckdb-go/v2" // the engine behind the fake
)

// Server is a running fake Snowflake endpoint.
type Server struct {
	// Database is the name the DuckDB catalog is attached under.
	Database string
	srv      *httptest.Server
	db       *sql.DB

	// CheckFunctions refuses statements calling a function Snowflake does not have
	// (functions.go), so that DuckDB-only SQL cannot pass for Snowflake SQL.
	CheckFunctions atomic.Bool

	mu       sync.Mutex
	next     int64
	sessions map[string]*sql.Conn
	running  map[string]context.CancelFunc // requestId → cancel of a running query
	aborts   atomic.Int64
	queries  atomic.Int64

	// Named internal stages (folders under stageRoot) and file formats, server-wide as
	// schema objects are (stage.go); guarded by mu.
	stageRoot string
	nextStage int
	stages    map[string]*stage
	formats   map[string]map[string]string

	// Users, tokens and recorded logins (auth.go); guarded by mu.
	auth auth

	// Every statement received, each session's parameters, and the relations' records
	// (objects.go); guarded by mu.
	log     []string
	sess    map[string]*session
	objects map[string]*Object
}

// Aborts counts the abort requests received, so tests can see that cancelling a context
// reached the server.
func (s *Server) Aborts() int64 { return s.aborts.Load() }

// Queries counts the query requests received (one per statement).
func (s *Server) Queries() int64 { return s.queries.Load() }

// Start starts a server whose single database is named database.
func Start(database string) (*Server, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec("attach ':memory:' as " + quote(database) + "; " + metaSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("fakesf: %w", err)
	}
	views, err := infoSchemaSQL(context.Background(), db)
	if err == nil {
		_, err = db.Exec(views)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("fakesf: %w", err)
	}
	root, err := os.MkdirTemp("", "fakesf-stages-")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("fakesf: %w", err)
	}
	s := &Server{Database: database, db: db, sessions: map[string]*sql.Conn{}, running: map[string]context.CancelFunc{},
		stageRoot: root, stages: map[string]*stage{}, formats: map[string]map[string]string{},
		sess: map[string]*session{}, objects: map[string]*Object{},
		auth: auth{users: map[string]User{}, oauth: map[string]string{}, clients: map[string]oauthClient{},
			issued: map[string]string{}, saml: map[string]samlGrant{}}}
	mux := http.NewServeMux()
	mux.HandleFunc("/session/v1/login-request", s.login)
	mux.HandleFunc("/queries/v1/query-request", s.query)
	mux.HandleFunc("/queries/v1/abort-request", s.abort)
	mux.HandleFunc("/session", s.logout)
	mux.HandleFunc("/oauth/token-request", s.tokenRequest)
	mux.HandleFunc("/console/login", s.consoleLogin)
	mux.HandleFunc("/session/authenticator-request", s.authenticatorRequest)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// Telemetry, heartbeat and token renewal: accepted and ignored.
		writeJSON(w, map[string]any{"success": true, "code": nil, "message": nil, "data": map[string]any{}})
	})
	s.srv = httptest.NewServer(mux)
	return s, nil
}

// Fields returns the profile fields that point gdbt's snowflake adapter at this server.
func (s *Server) Fields(schema string) map[string]any {
	u, _ := url.Parse(s.srv.URL)
	port, _ := strconv.Atoi(u.Port())
	return map[string]any{
		"account": "fake", "user": "gdbt", "password": "secret", "database": s.Database,
		"schema": schema, "warehouse": "wh", "host": u.Hostname(), "port": port, "protocol": "http", "threads": 4,
	}
}

// Close stops the server and closes every session's connection.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
	s.mu.Lock()
	for _, c := range s.sessions {
		c.Close()
	}
	s.sessions = map[string]*sql.Conn{}
	s.mu.Unlock()
	s.db.Close()
	os.RemoveAll(s.stageRoot)
}

func quote(id string) string { return `"` + strings.ReplaceAll(id, `"`, `""`) + `"` }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	who, extra, err := s.authenticate(r)
	if err != nil {
		writeJSON(w, map[string]any{"success": false, "code": "390100", "message": err.Error(), "data": nil})
		return
	}
	c, err := s.db.Conn(context.Background())
	if err == nil {
		_, err = c.ExecContext(context.Background(), "use "+quote(s.Database))
	}
	if err != nil {
		writeJSON(w, map[string]any{"success": false, "code": "390100", "message": err.Error()})
		return
	}
	s.mu.Lock()
	s.next++
	id := s.next
	token := fmt.Sprintf("token-%d", id)
	s.sessions[token] = c
	wh, _ := nameParts(who.Warehouse)
	st := &session{}
	if len(wh) == 1 {
		st.warehouse = wh[0]
	}
	if tag, ok := who.SessionParameters["QUERY_TAG"].(string); ok {
		st.queryTag = tag
	}
	s.sess[token] = st
	s.mu.Unlock()
	data := map[string]any{
		"token": token, "masterToken": "master-" + token, "validityInSeconds": 3600, "masterValidityInSeconds": 14400,
		"sessionId": id, "serverVersion": "fakesf", "parameters": []any{},
		"sessionInfo": map[string]any{"databaseName": s.Database, "schemaName": "", "warehouseName": "WH", "roleName": "PUBLIC"},
	}
	for k, v := range extra {
		data[k] = v
	}
	writeJSON(w, map[string]any{"success": true, "code": nil, "message": nil, "data": data})
}

// token extracts the session token of an `Authorization: Snowflake Token="…"` header.
func token(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if i := strings.Index(h, `Token="`); i >= 0 {
		return strings.TrimSuffix(h[i+len(`Token="`):], `"`)
	}
	return ""
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("delete") == "true" {
		s.mu.Lock()
		if c, ok := s.sessions[token(r)]; ok {
			c.Close()
			delete(s.sessions, token(r))
			delete(s.sess, token(r))
		}
		s.mu.Unlock()
	}
	writeJSON(w, map[string]any{"success": true, "code": nil, "message": nil, "data": nil})
}

func (s *Server) abort(w http.ResponseWriter, r *http.Request) {
	var req struct {
		RequestID string `json:"requestId"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	s.aborts.Add(1)
	s.mu.Lock()
	if cancel, ok := s.running[req.RequestID]; ok {
		cancel()
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"success": true, "code": nil, "message": nil, "data": nil})
}
