package docs

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServe serves a folder on a free loopback port, fetches its index, and stops when the
// context is cancelled.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<h1>site</h1>"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, dir, "127.0.0.1:0", func(u string) { urls <- u }) }()
	u := <-urls
	if !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Errorf("served at %s, want the loopback address", u)
	}
	resp, err := http.Get(u + "index.html")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "<h1>site</h1>" {
		t.Errorf("index.html served as %q", b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve returned %v after cancel", err)
	}
	if err := Serve(context.Background(), dir, "127.0.0.1:99999", nil); err == nil {
		t.Errorf("Serve on port 99999 did not fail")
	}
}
