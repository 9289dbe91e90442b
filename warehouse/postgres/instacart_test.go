package postgres_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// TestInstacartOnPostgres loads the Instacart raw files with the project's
// load_instacart_raw run-operation (server-side COPY), builds the whole project on the
// PostgreSQL test server and on DuckDB, and checks both hold the same data and metrics
// (warehousetest.InstacartVsDuckDB). It needs GDBT_PG_URL and a server on this machine that
// can read the generated files, as scripts/pg-test-server.sh starts.
func TestInstacartOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Instacart project twice; skipped under -short")
	}
	fields := testFields(t)
	schema := fmt.Sprintf("gdbt_instacart_%d", time.Now().UnixNano()%1e9)
	fields["schema"] = schema
	a := openTest(t)
	t.Cleanup(func() {
		for _, s := range []string{schema, schema + "_dbt_test__audit"} {
			a.Execute(context.Background(), "drop schema if exists "+s+" cascade", false)
		}
	})
	warehousetest.InstacartVsDuckDB(t, warehousetest.Instacart{
		Repo: "../..", Type: "postgres", Fields: fields, Tol: 1e-6,
		Name: func(schema, table string) string { return schema + "." + table },
		// The server's OS user reads the files (COPY FROM a path): open the folders to it.
		RawDir: func(t *testing.T, dir string) {
			for d := dir; d != filepath.Dir(d) && d != os.TempDir(); d = filepath.Dir(d) {
				if err := os.Chmod(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
		},
	})
}
