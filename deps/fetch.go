package deps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
)

// fetcher makes the HTTP requests of deps (hub documents and tarballs) with dbt's retry
// policy (dbt_common/utils/connection.py connection_exception_retry: up to 5 retries of a
// connection error or a bad body), but with exponential backoff instead of dbt's fixed
// one-second sleep, and a per-request timeout (dbt: 30 s for the hub in
// dbt/clients/registry.py, DBT_HTTP_TIMEOUT or 10 s for downloads in
// dbt_common/clients/system.py download()).
type fetcher struct {
	client  *http.Client
	retries int
	backoff time.Duration
	timeout time.Duration
	log     Logger
}

// errTransient marks a failure worth retrying: a network error, a timeout, a 5xx or 429
// answer, or a body that does not decode (a hub incident, dbt-core#4577).
type errTransient struct{ err error }

func (e errTransient) Error() string { return e.err.Error() }
func (e errTransient) Unwrap() error { return e.err }

func transient(err error) error { return errTransient{err} }

// retry runs fn until it succeeds, fails with a non-transient error, or has been retried
// f.retries times; the final error names what was attempted (what, e.g. "GET <url>").
func (f *fetcher) retry(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	delay := f.backoff
	for attempt := 0; ; attempt++ {
		err := fn(ctx)
		var t errTransient
		if err == nil || !errors.As(err, &t) {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", compiler.Redact(what), ctx.Err())
		}
		if attempt >= f.retries {
			return fmt.Errorf("External connection exception occurred: %s: %s (gave up after %d attempts)", compiler.Redact(what), compiler.Redact(t.err.Error()), attempt+1)
		}
		f.log.Debug(fmt.Sprintf("%s failed (%s); retrying in %s (attempt %d of %d)", compiler.Redact(what), compiler.Redact(t.err.Error()), delay, attempt+1, f.retries))
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", compiler.Redact(what), ctx.Err())
		case <-time.After(delay):
		}
		if delay *= 2; delay > 8*time.Second {
			delay = 8 * time.Second
		}
	}
}

// get performs one GET of url with the fetcher's timeout and returns the body; a
// non-2xx answer is an error (transient for 5xx and 429).
func (f *fetcher) get(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("bad URL %s: %v", compiler.Redact(url), err)
	}
	f.log.Debug("Making package registry request: GET " + compiler.Redact(url))
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.netErr(ctx, url, err)
	}
	defer resp.Body.Close()
	f.log.Debug(fmt.Sprintf("Response from registry: GET %s %d", compiler.Redact(url), resp.StatusCode))
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, f.netErr(ctx, url, err)
	}
	if resp.StatusCode/100 != 2 {
		err := fmt.Errorf("%d %s for url: %s", resp.StatusCode, http.StatusText(resp.StatusCode), compiler.Redact(url))
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return nil, transient(err)
		}
		return nil, err
	}
	return body, nil
}

func (f *fetcher) netErr(ctx context.Context, url string, err error) error {
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return transient(fmt.Errorf("no answer from %s within %s", compiler.Redact(url), f.timeout))
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return transient(fmt.Errorf("%s", compiler.Redact(err.Error())))
}

// defaultTimeout is DBT_HTTP_TIMEOUT (seconds) when set, else def.
func defaultTimeout(def time.Duration) time.Duration {
	if s := os.Getenv("DBT_HTTP_TIMEOUT"); s != "" {
		if x, err := strconv.ParseFloat(s, 64); err == nil && x > 0 {
			return time.Duration(x * float64(time.Second))
		}
	}
	return def
}
