package snowflake

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLoginTimeoutFromProfile: a login to a server that never answers (a loopback listener
// that accepts and stays silent) and to a closed port fails on its own, after the profile's
// connect_timeout, well before the test's 50-second safety net (gosnowflake's default login
// timeout, 60 s, would reach it); a profile without connect_timeout gets dbt-snowflake's 10 s.
func TestLoginTimeoutFromProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a login timeout")
	}
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()

	for _, tc := range []struct {
		name string
		port int
	}{{"never answers", silent.Addr().(*net.TCPAddr).Port}, {"closed port", closedPort}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig(map[string]any{"account": "acct", "user": "u", "password": "p",
				"database": "d", "schema": "s", "warehouse": "w", "host": "127.0.0.1", "port": strconv.Itoa(tc.port),
				"protocol": "http", "connect_timeout": 2, "connect_retries": 0})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
			defer cancel()
			a, err := Open(ctx, cfg)
			if err == nil {
				a.Close()
				t.Fatal("login to a server that does not speak Snowflake succeeded")
			}
			if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
				t.Fatalf("the login ran into the test's 50 s safety net instead of connect_timeout: %v", err)
			}
			if tc.name == "never answers" && !strings.Contains(err.Error(), "connect_timeout (2s)") {
				t.Errorf("the error does not say the login timed out: %v", err)
			}
		})
	}
	cfg, err := ParseConfig(map[string]any{"account": "acct", "user": "u", "password": "p", "database": "d", "schema": "s", "warehouse": "w"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.loginTimeout(); got != 10*time.Second {
		t.Errorf("login timeout without connect_timeout = %s, want dbt-snowflake's 10s", got)
	}
	cc, err := cfg.clientConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cc.LoginTimeout != 10*time.Second {
		t.Errorf("gosnowflake LoginTimeout = %s, want 10s", cc.LoginTimeout)
	}
}
