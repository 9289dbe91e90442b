package fakesf

import (
	"compress/gzip"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// User is an account user the fake checks logins against. A login as a user that was
// never added is accepted with any password (the conformance suites need no setup); the
// key-pair, OAuth, browser and MFA forms always need a registered user.
type User struct {
	Password string
	// PublicKey verifies the JWT of key-pair logins (Snowflake's RSA_PUBLIC_KEY).
	PublicKey *rsa.PublicKey
	// MFA enrolls the user in multi-factor authentication: a password login then needs
	// the second factor (a push the fake approves) or an MFA token it handed out before.
	MFA bool
}

// Login is what the fake saw of one successful login, for tests to assert the options
// the client sent. It holds no secret.
type Login struct {
	User          string
	Authenticator string // as sent: SNOWFLAKE (also for username_password_mfa), SNOWFLAKE_JWT, OAUTH, EXTERNALBROWSER, ID_TOKEN; OKTA for a SAML login
	// CachedToken is true when an MFA or ID token cached by the client replaced the
	// second factor or the browser.
	CachedToken       bool
	Role, Warehouse   string
	SessionParameters map[string]any
}

// auth is the fake's credential store, guarded by Server.mu.
type auth struct {
	users       map[string]User   // upper-case name → user
	oauth       map[string]string // access token → user
	clients     map[string]oauthClient
	issued      map[string]string    // MFA and ID tokens the fake handed out → user
	saml        map[string]samlGrant // SAML tokens and assertions not yet used → grant
	idps        []string             // URLs of the trusted Okta identity providers (okta.go)
	logins      []Login
	failLogins  int
	browserHits int
}

type oauthClient struct{ secret, refresh, user string }

type samlGrant struct{ user, proofKey string }

// AddUser registers a user; later logins as it are checked.
func (s *Server) AddUser(name string, u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth.users[strings.ToUpper(name)] = u
}

// AddOAuthToken makes token an access token that logs in as user.
func (s *Server) AddOAuthToken(token, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth.oauth[token] = strings.ToUpper(user)
}

// AddOAuthClient registers a security integration's client: refreshToken, presented with
// the client's id and secret at /oauth/token-request, yields an access token for user.
func (s *Server) AddOAuthClient(id, secret, refreshToken, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth.clients[id] = oauthClient{secret: secret, refresh: refreshToken, user: strings.ToUpper(user)}
}

// FailLogins makes the next n logins fail with a server error (code 390100), whatever
// the credentials, to exercise the client's login retries.
func (s *Server) FailLogins(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth.failLogins = n
}

// Logins returns the successful logins so far, in order.
func (s *Server) Logins() []Login {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Login(nil), s.auth.logins...)
}

// BrowserVisits counts the visits of the SSO login page (the "browser" of externalbrowser).
func (s *Server) BrowserVisits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auth.browserHits
}

// loginRequest is the part of gosnowflake's authRequestData the fake reads.
type loginRequest struct {
	Data struct {
		LoginName         string         `json:"LOGIN_NAME"`
		Password          string         `json:"PASSWORD"`
		Authenticator     string         `json:"AUTHENTICATOR"`
		Token             string         `json:"TOKEN"`
		ProofKey          string         `json:"PROOF_KEY"`
		RawSAMLResponse   string         `json:"RAW_SAML_RESPONSE"`
		SessionParameters map[string]any `json:"SESSION_PARAMETERS"`
	} `json:"data"`
}

var errBadCredentials = errors.New("Incorrect username or password was specified.")

// authenticate checks one login request and returns the user it logs in, and extra
// response fields (cached tokens the client asked for).
func (s *Server) authenticate(r *http.Request) (Login, map[string]any, error) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return Login{}, nil, err
		}
		body = zr
	}
	var req loginRequest
	if err := json.NewDecoder(body).Decode(&req); err != nil {
		return Login{}, nil, err
	}
	d := req.Data
	q := r.URL.Query()
	login := Login{User: strings.ToUpper(d.LoginName), Authenticator: strings.ToUpper(d.Authenticator),
		Role: q.Get("roleName"), Warehouse: q.Get("warehouse"), SessionParameters: d.SessionParameters}
	if login.Authenticator == "" {
		login.Authenticator = "SNOWFLAKE"
	}
	extra := map[string]any{}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &s.auth
	if a.failLogins > 0 {
		a.failLogins--
		return login, nil, errors.New("Snowflake is unavailable (injected login failure)")
	}
	u, known := a.users[login.User]
	switch login.Authenticator {
	case "SNOWFLAKE":
		if d.RawSAMLResponse != "" {
			// Native Okta: gosnowflake sends the IdP's form, and no user name or
			// authenticator; the assertion names the user.
			user, err := s.samlUser(d.RawSAMLResponse)
			if err != nil {
				return login, nil, err
			}
			login.User, login.Authenticator = user, "OKTA"
			break
		}
		// gosnowflake's username_password_mfa sends no AUTHENTICATOR of its own: the
		// account knows the user is enrolled in MFA.
		if known && u.Password != d.Password {
			return login, nil, errBadCredentials
		}
		if known && u.MFA {
			if d.Token != "" {
				if a.issued[d.Token] != login.User {
					return login, nil, errors.New("MFA token is invalid")
				}
				login.CachedToken = true
			} // else: the Duo push was approved.
			if d.SessionParameters["CLIENT_REQUEST_MFA_TOKEN"] == true {
				extra["mfaToken"] = s.issue(login.User, "mfa")
			}
		}
	case "SNOWFLAKE_JWT":
		user, err := a.verifyJWT(d.Token)
		if err != nil {
			return login, nil, fmt.Errorf("JWT token is invalid: %w", err)
		}
		login.User = user
	case "OAUTH":
		user, ok := a.oauth[d.Token]
		if !ok || (login.User != "" && login.User != user) {
			return login, nil, errors.New("Invalid OAuth access token.")
		}
		login.User = user
	case "EXTERNALBROWSER":
		g, ok := a.saml[d.Token]
		if !ok || g.proofKey != d.ProofKey || g.user != login.User {
			return login, nil, errors.New("SAML response is invalid or does not match the proof key")
		}
		delete(a.saml, d.Token)
		if d.SessionParameters["CLIENT_STORE_TEMPORARY_CREDENTIAL"] == true {
			extra["idToken"] = s.issue(login.User, "id")
		}
	case "ID_TOKEN":
		if a.issued[d.Token] != login.User {
			return login, nil, errors.New("ID token is invalid")
		}
		login.CachedToken = true
	default:
		return login, nil, fmt.Errorf("authenticator %s is not supported by the fake", login.Authenticator)
	}
	a.logins = append(a.logins, login)
	return login, extra, nil
}

// issue hands out a cached-credential token; s.mu is held.
func (s *Server) issue(user, kind string) string {
	s.next++
	t := fmt.Sprintf("%s-token-%d", kind, s.next)
	s.auth.issued[t] = user
	return t
}

// verifyJWT checks a key-pair login token as Snowflake does: RS256, signed by the public
// key registered for the user named in sub, whose SHA-256 fingerprint is in iss, not
// expired. Returns the user.
func (a *auth) verifyJWT(tok string) (string, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", errors.New("not a JWT")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	for i, dst := range []any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			return "", err
		}
		if err := json.Unmarshal(b, dst); err != nil {
			return "", err
		}
	}
	if header.Alg != "RS256" {
		return "", fmt.Errorf("alg %s, want RS256", header.Alg)
	}
	_, user, ok := strings.Cut(claims.Sub, ".")
	if !ok {
		return "", errors.New("sub is not ACCOUNT.USER")
	}
	u, known := a.users[user]
	if !known || u.PublicKey == nil {
		return "", fmt.Errorf("user %s has no public key", user)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", err
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(u.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		return "", errors.New("signature does not match the user's public key")
	}
	pub, err := x509.MarshalPKIXPublicKey(u.PublicKey)
	if err != nil {
		return "", err
	}
	fp := sha256.Sum256(pub)
	if want := claims.Sub + ".SHA256:" + base64.StdEncoding.EncodeToString(fp[:]); claims.Iss != want {
		return "", errors.New("iss does not carry the public key's fingerprint")
	}
	if time.Unix(claims.Exp, 0).Before(time.Now()) {
		return "", errors.New("expired")
	}
	return user, nil
}

// tokenRequest is the OAuth token endpoint of a Snowflake security integration: it trades
// a refresh token for an access token (grant_type=refresh_token, client id and secret as
// basic auth), as dbt-snowflake's _get_access_token calls it.
func (s *Server) tokenRequest(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if err := r.ParseForm(); err != nil || !ok {
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, map[string]any{"error": "invalid_request"})
		return
	}
	s.mu.Lock()
	c, known := s.auth.clients[id]
	if !known || c.secret != secret || r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("refresh_token") != c.refresh {
		s.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, map[string]any{"error": "invalid_grant"})
		return
	}
	s.next++
	access := fmt.Sprintf("access-%d", s.next)
	s.auth.oauth[access] = c.user
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 600})
}

// authenticatorRequest answers the client's request for an SSO URL: for externalbrowser,
// the fake's own login page, carrying the client's callback port and a proof key; for an
// Okta URL, that identity provider's token and SSO URLs (okta.go).
func (s *Server) authenticatorRequest(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Data struct {
			LoginName     string `json:"LOGIN_NAME"`
			RedirectPort  string `json:"BROWSER_MODE_REDIRECT_PORT"`
			Authenticator string `json:"AUTHENTICATOR"`
		} `json:"data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, map[string]any{"success": false, "code": "390100", "message": err.Error(), "data": nil})
		return
	}
	s.mu.Lock()
	if a := req.Data.Authenticator; strings.HasPrefix(strings.ToLower(a), "https://") {
		endpoints, ok := s.oktaEndpoints(a)
		s.mu.Unlock()
		if !ok {
			// Snowflake's answer for an IdP the account has no SAML integration for.
			writeJSON(w, map[string]any{"success": false, "code": "390190", "data": nil,
				"message": "The specified authenticator is not accepted by your Snowflake account configuration.  Please contact your local system administrator to get the correct URL to use."})
			return
		}
		writeJSON(w, map[string]any{"success": true, "code": nil, "message": nil, "data": endpoints})
		return
	}
	s.next++
	proof := fmt.Sprintf("proof-%d", s.next)
	s.mu.Unlock()
	sso := s.srv.URL + "/console/login?" + url.Values{"login_name": {req.Data.LoginName},
		"browser_mode_redirect_port": {req.Data.RedirectPort}, "proof_key": {proof}}.Encode()
	writeJSON(w, map[string]any{"success": true, "code": nil, "message": nil, "data": map[string]any{"ssoUrl": sso, "proofKey": proof}})
}

// consoleLogin is the SSO page the client opens in a browser for externalbrowser. The
// fake plays the identity provider and the browser's redirect at once: it sends the SAML
// token to the client's local callback port (GET /?token=…), as the browser would after a
// successful sign-in, and remembers the proof key the login must present with it.
func (s *Server) consoleLogin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	user, port, proof := strings.ToUpper(q.Get("login_name")), q.Get("browser_mode_redirect_port"), q.Get("proof_key")
	s.mu.Lock()
	s.auth.browserHits++
	_, known := s.auth.users[user]
	s.next++
	tok := fmt.Sprintf("saml-%d", s.next)
	if known {
		s.auth.saml[tok] = samlGrant{user: user, proofKey: proof}
	}
	s.mu.Unlock()
	if !known || port == "" {
		http.Error(w, "unknown user", http.StatusForbidden)
		return
	}
	// The client accepts on its port only after the browser command returns: redirect
	// asynchronously.
	go func() {
		c, err := net.DialTimeout("tcp", net.JoinHostPort("localhost", port), 10*time.Second)
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
		fmt.Fprintf(c, "GET /?token=%s HTTP/1.1\r\nHost: localhost:%s\r\n\r\n", url.QueryEscape(tok), port)
		_, _ = io.Copy(io.Discard, c)
	}()
	_, _ = io.WriteString(w, "<html>signed in; you may close this window</html>")
}
