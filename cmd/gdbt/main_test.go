package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// optionalSuites are the repository's test suites that need something this machine may
// not have, each with the variable (or tool) that enables it. `go test ./...` hides the
// skip messages of passing packages, so TestMain says which are off in one line.
var optionalSuites = []struct{ name, env, how string }{
	{"PostgreSQL", "GDBT_PG_URL", `eval "$(scripts/pg-test-server.sh --export)"`},
	{"jaffle_shop", "GDBT_JAFFLE_DIR", "GDBT_JAFFLE_DIR=/path/to/jaffle_shop_duckdb"},
	{"dbt-utils", "GDBT_DBT_UTILS_DIR", "GDBT_DBT_UTILS_DIR=/path/to/dbt-utils (and GDBT_PG_URL)"},
	{"Jinja corpus", "GDBT_JINJA_CORPUS", "GDBT_JINJA_CORPUS=/path/to/dbt-utils:/path/to/global_project"},
	{"dbt-audit-helper unit tests", "GDBT_AUDIT_HELPER_DIR", "GDBT_AUDIT_HELPER_DIR=/path/to/dbt-audit-helper (and GDBT_DBT_UTILS_DIR, GDBT_PG_URL)"},
	{"deps + build of jaffle-shop", "GDBT_JAFFLE_SHOP_DIR", "GDBT_JAFFLE_SHOP_DIR=/path/to/jaffle-shop and GDBT_HUB_MIRRORS, GDBT_GIT_MIRRORS (README: gdbt deps)"},
	{"deps + build of dbt-project-evaluator", "GDBT_PROJECT_EVALUATOR_DIR", "GDBT_PROJECT_EVALUATOR_DIR=/path/to/dbt-project-evaluator and GDBT_HUB_MIRRORS (and GDBT_PG_URL)"},
	{"Snowflake account", "GDBT_SNOWFLAKE_ACCOUNT", "GDBT_SNOWFLAKE_ACCOUNT, _USER, _PASSWORD, _DATABASE"},
}

// TestMain runs the package's tests, then prints which optional suites of the repository
// were skipped and how to enable them. The line goes to the terminal (/dev/tty), where
// `go test ./...` shows it even for passing packages; without one (CI), to stdout, shown
// with -v. This package's tests run longest, so the line comes at the end.
func TestMain(m *testing.M) {
	code := m.Run()
	var off []string
	for _, s := range optionalSuites {
		if os.Getenv(s.env) == "" {
			off = append(off, fmt.Sprintf("%s (%s)", s.name, s.how))
		}
	}
	if exec.Command("python3", "-c", "import jinja2").Run() != nil {
		off = append(off, "Python Jinja2 oracle (pip install jinja2==3.1.6; checked-in expectations are used)")
	}
	if len(off) > 0 {
		var w io.Writer = os.Stdout
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			defer tty.Close()
			w = tty
		}
		fmt.Fprintf(w, "gdbt tests: skipped suites: %s\n", strings.Join(off, "; "))
	}
	os.Exit(code)
}
