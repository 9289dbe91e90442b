package snowflake

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/snowflakedb/gosnowflake"
)

// retryConnector retries logins as dbt-adapters' SQLConnectionManager.retry_connection
// does for dbt-snowflake (dbt/adapters/base/connections.py; dbt-snowflake's
// connections.py open()): up to connect_retries more attempts, sleeping connect_timeout
// seconds between them (dbt's default: attempt² with attempts counted from 0). Network and
// HTTP errors are retried; errors the server answered with only under
// retry_on_database_errors, and everything under retry_all.
type retryConnector struct {
	inner driver.Connector
	cfg   Config
	// sleep waits between attempts; tests leave it nil (time-based wait).
	sleep func(ctx context.Context, d time.Duration) error
}

// Connect logs in one session, retrying as configured.
func (r retryConnector) Connect(ctx context.Context) (driver.Conn, error) {
	for attempt := 0; ; attempt++ {
		c, err := r.inner.Connect(ctx)
		if err == nil {
			return c, nil
		}
		if attempt >= r.cfg.ConnectRetries || ctx.Err() != nil || !r.retryable(err) {
			if attempt > 0 {
				return nil, fmt.Errorf("after %d attempts: %w", attempt+1, err)
			}
			return nil, err
		}
		wait := time.Duration(attempt*attempt) * time.Second
		if r.cfg.ConnectTimeout >= 0 {
			wait = time.Duration(r.cfg.ConnectTimeout) * time.Second
		}
		sleep := r.sleep
		if sleep == nil {
			sleep = sleepCtx
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// Driver returns the wrapped connector's driver.
func (r retryConnector) Driver() driver.Driver { return r.inner.Driver() }

// retryable classifies a login error the way dbt-snowflake's retryable_exceptions list
// does: a *SnowflakeError is the server's answer (DatabaseError), anything else a network
// or HTTP failure.
func (r retryConnector) retryable(err error) bool {
	if r.cfg.RetryAll {
		return true
	}
	var se *gosnowflake.SnowflakeError
	if errors.As(err, &se) {
		return r.cfg.RetryOnDatabaseErrors
	}
	return true
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
