package fakesf

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
)

// Okta is a loopback stand-in for an Okta organisation that the fake Snowflake account
// trusts as its SAML identity provider, so that gosnowflake's native Okta login (a profile
// whose authenticator is the Okta URL) runs end to end without the internet. gosnowflake
// accepts only https identity-provider URLs, so it serves TLS with a test certificate;
// Transport returns a RoundTripper that trusts it.
//
// The flow, as gosnowflake's authokta.go drives it: the client asks Snowflake's
// /session/authenticator-request for the IdP's token and SSO URLs (which must share the
// authenticator URL's scheme, host and port); posts the user name and password to the
// token URL for a one-time session token; trades it at the SSO URL for an HTML form whose
// action must be the Snowflake account's URL and which carries the SAML assertion; and
// logs in to Snowflake with that HTML as RAW_SAML_RESPONSE.
type Okta struct {
	srv *httptest.Server
	sf  *Server

	mu       sync.Mutex
	users    map[string]string // upper-case user → password
	sessions map[string]string // one-time session token → user
	next     int
	authns   int
}

const (
	oktaAuthnPath = "/api/v1/authn"
	oktaSSOPath   = "/app/snowflake/exk0gdbt/sso/saml"
)

// StartOkta starts an identity provider for this account and registers it, so that an
// authenticator request naming its URL is answered with its endpoints.
func (s *Server) StartOkta() *Okta {
	o := &Okta{sf: s, users: map[string]string{}, sessions: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc(oktaAuthnPath, o.authn)
	mux.HandleFunc(oktaSSOPath, o.sso)
	o.srv = httptest.NewTLSServer(mux)
	s.mu.Lock()
	s.auth.idps = append(s.auth.idps, o.srv.URL)
	s.mu.Unlock()
	return o
}

// URL is the organisation's https URL, the value a profile gives as authenticator.
func (o *Okta) URL() string { return o.srv.URL }

// Transport is an HTTP transport that trusts the IdP's test certificate (and speaks plain
// HTTP to the fake Snowflake endpoint).
func (o *Okta) Transport() http.RoundTripper { return o.srv.Client().Transport }

// Close stops the identity provider.
func (o *Okta) Close() { o.srv.Close() }

// AddUser registers a user in the Okta directory with its password.
func (o *Okta) AddUser(name, password string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.users[strings.ToUpper(name)] = password
}

// Authns counts the primary authentications (user name and password checks) received.
func (o *Okta) Authns() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.authns
}

// authn is Okta's primary authentication API: user name and password in, a one-time
// session token out (HTTP 401 with Okta's error body otherwise).
func (o *Okta) authn(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, map[string]any{"errorCode": "E0000003", "errorSummary": "The request body was not well-formed."})
		return
	}
	user := strings.ToUpper(req.Username)
	o.mu.Lock()
	o.authns++
	pw, ok := o.users[user]
	if !ok || pw != req.Password {
		o.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		writeJSON(w, map[string]any{"errorCode": "E0000004", "errorSummary": "Authentication failed"})
		return
	}
	o.next++
	tok := fmt.Sprintf("okta-session-%d", o.next)
	o.sessions[tok] = user
	o.mu.Unlock()
	writeJSON(w, map[string]any{"status": "SUCCESS", "sessionToken": tok, "expiresAt": "2099-01-01T00:00:00.000Z"})
}

// sso is the Snowflake application's SAML endpoint: a valid one-time token (used once)
// yields the auto-submitting form a browser would post to Snowflake, with the assertion.
func (o *Okta) sso(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("onetimetoken")
	o.mu.Lock()
	user, ok := o.sessions[tok]
	delete(o.sessions, tok)
	o.mu.Unlock()
	if !ok {
		http.Error(w, "the one-time token is invalid or was used already", http.StatusForbidden)
		return
	}
	s := o.sf
	s.mu.Lock()
	s.next++
	assertion := base64.StdEncoding.EncodeToString(fmt.Appendf(nil, `<saml2p:Response ID="okta-%d"><saml2:NameID>%s</saml2:NameID></saml2p:Response>`, s.next, user))
	s.auth.saml[assertion] = samlGrant{user: user}
	s.mu.Unlock()
	fmt.Fprintf(w, `<html><body onload="document.forms[0].submit()"><form method="post" action="%s">`+
		`<input type="hidden" name="SAMLResponse" value="%s"/><input type="hidden" name="RelayState" value="%s"/></form></body></html>`,
		html.EscapeString(s.srv.URL+"/fed/login"), html.EscapeString(assertion), html.EscapeString(r.URL.Query().Get("RelayState")))
}

// oktaEndpoints answers an authenticator request naming an identity provider: its token
// and SSO URLs when the account trusts it; s.mu is held.
func (s *Server) oktaEndpoints(authenticator string) (map[string]any, bool) {
	for _, idp := range s.auth.idps {
		if strings.EqualFold(strings.TrimSuffix(authenticator, "/"), idp) {
			return map[string]any{"tokenUrl": idp + oktaAuthnPath, "ssoUrl": idp + oktaSSOPath}, true
		}
	}
	return nil, false
}

var samlResponseField = regexp.MustCompile(`name="SAMLResponse" value="([^"]*)"`)

// samlUser checks the RAW_SAML_RESPONSE of a login (the IdP's HTML form) and returns the
// user its assertion names; each assertion logs in once. s.mu is held.
func (s *Server) samlUser(raw string) (string, error) {
	m := samlResponseField.FindStringSubmatch(raw)
	if m == nil {
		return "", fmt.Errorf("RAW_SAML_RESPONSE carries no SAMLResponse")
	}
	assertion := html.UnescapeString(m[1])
	g, ok := s.auth.saml[assertion]
	if !ok || g.proofKey != "" {
		return "", fmt.Errorf("SAML response is invalid or was used already")
	}
	delete(s.auth.saml, assertion)
	return g.user, nil
}
