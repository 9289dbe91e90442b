package snowflake

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/youmark/pkcs8"
)

// loadPrivateKey reads the key of a key-pair profile as dbt-snowflake's auth.py does:
// private_key_path is a PEM file; an inline private_key is PEM when it starts with "-",
// otherwise base64 of the DER bytes. Encrypted PKCS#8 keys take private_key_passphrase.
// Errors never quote the key or the passphrase.
func (c Config) loadPrivateKey() (*rsa.PrivateKey, error) {
	var der []byte
	switch {
	case c.PrivateKeyPath != "":
		b, err := os.ReadFile(c.PrivateKeyPath)
		if err != nil {
			return nil, fmt.Errorf("snowflake profile field private_key_path: %w", err)
		}
		if der, err = pemBytes(b); err != nil {
			return nil, fmt.Errorf("snowflake profile field private_key_path: %s: %w", c.PrivateKeyPath, err)
		}
	case strings.HasPrefix(strings.TrimSpace(c.PrivateKey), "-"):
		var err error
		if der, err = pemBytes([]byte(strings.TrimSpace(c.PrivateKey))); err != nil {
			return nil, fmt.Errorf("snowflake profile field private_key: %w", err)
		}
	default:
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(c.PrivateKey), ""))
		if err != nil {
			return nil, errors.New("snowflake profile field private_key: neither PEM (starting with -----BEGIN) nor base64-encoded DER")
		}
		der = b
	}
	field := "private_key"
	if c.PrivateKeyPath != "" {
		field = "private_key_path"
	}
	key, err := parseDER(der, c.PrivateKeyPassphrase)
	if err != nil {
		return nil, fmt.Errorf("snowflake profile field %s: %w", field, err)
	}
	return key, nil
}

// pemBytes returns the DER bytes of the first PEM block.
func pemBytes(b []byte) ([]byte, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("no PEM block found (want -----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----)")
	}
	if _, legacy := block.Headers["DEK-Info"]; legacy {
		return nil, errors.New("legacy OpenSSL-encrypted PEM keys are not supported: convert with `openssl pkcs8 -topk8 -v2 aes256`")
	}
	return block.Bytes, nil
}

// parseDER reads an RSA key from PKCS#8 (encrypted with passphrase, or not) or PKCS#1.
func parseDER(der []byte, passphrase string) (*rsa.PrivateKey, error) {
	if passphrase != "" {
		key, err := pkcs8.ParsePKCS8PrivateKeyRSA(der, []byte(passphrase))
		if err != nil {
			if _, plainErr := x509.ParsePKCS8PrivateKey(der); plainErr == nil {
				return nil, errors.New("private_key_passphrase is set but the key is not encrypted")
			}
			return nil, errors.New("cannot decrypt the key with private_key_passphrase (wrong passphrase, or not an encrypted PKCS#8 RSA key)")
		}
		return key, nil
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("Snowflake key-pair authentication needs an RSA key, got %T", k)
		}
		return rk, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if isEncryptedPKCS8(der) {
		return nil, errors.New("the key is encrypted: set private_key_passphrase")
	}
	return nil, errors.New("not an RSA private key in PKCS#8 or PKCS#1 form")
}

// isEncryptedPKCS8 tells an EncryptedPrivateKeyInfo (RFC 5208) apart from garbage, so that
// a missing passphrase is named as such.
func isEncryptedPKCS8(der []byte) bool {
	var info struct {
		Algo pkix.AlgorithmIdentifier
		Data []byte
	}
	rest, err := asn1.Unmarshal(der, &info)
	return err == nil && len(rest) == 0 && len(info.Data) > 0
}

// oauthTokenURL is where a refresh token is traded: dbt-snowflake's _TOKEN_REQUEST_URL on
// the account's host, or on the host/port/protocol override.
func (c Config) oauthTokenURL() string {
	if c.Host != "" {
		proto := c.Protocol
		if proto == "" {
			proto = "https"
		}
		host := c.Host
		if c.Port != 0 {
			host += ":" + strconv.Itoa(c.Port)
		}
		return proto + "://" + host + "/oauth/token-request"
	}
	return "https://" + c.Account + ".snowflakecomputing.com/oauth/token-request"
}

// refreshAccessToken trades the profile's refresh token for an access token as
// dbt-snowflake's SnowflakeCredentials._get_access_token does (connections.py): a form
// POST with grant_type=refresh_token and the client id and secret as HTTP basic auth.
func (c Config) refreshAccessToken(ctx context.Context) (string, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {c.Token}, "redirect_uri": {"http://localhost:9999"}}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.oauthTokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("snowflake oauth: %w", err)
	}
	req.SetBasicAuth(c.OAuthClientID, c.OAuthClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
	client := http.DefaultClient
	if c.Transport != nil {
		client = &http.Client{Transport: c.Transport}
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("snowflake oauth: requesting an access token: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("snowflake oauth: %w", err)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", fmt.Errorf("snowflake oauth: the token endpoint answered %s without JSON", resp.Status)
	}
	if out.AccessToken == "" {
		return "", fmt.Errorf("snowflake oauth: no access token (HTTP %s): the refresh token has expired or was revoked; re-authenticate with your OAuth provider", resp.Status)
	}
	return out.AccessToken, nil
}
