package snowflake_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/warehouse/warehousetest"
)

// repoRoot is the repository root, which is also the Instacart project.
const repoRoot = "../.."

// TestInstacartOnSnowflake loads the Instacart raw files with the project's
// load_instacart_raw run-operation (PUT to a stage, COPY INTO) on the fake Snowflake, builds
// the whole project there (every model, the logistic_regression materialization, the
// evaluation, the marts and every data test), builds it again on DuckDB from the same files,
// and checks that both builds hold the same data: the row count of every model and seed, and
// the held-out AUC and log loss of eval_metrics. The fake runs the SQL on DuckDB too, so the
// metrics must agree to rounding; it refuses functions Snowflake does not have.
func TestInstacartOnSnowflake(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the Instacart project twice (about 10 s); skipped under -short")
	}
	srv := startFake(t)
	// Every statement must call Snowflake's functions only, not DuckDB's.
	srv.CheckFunctions.Store(true)
	instacartVsDuckDB(t, srv.Fields("analytics"), 1e-9)
}

// TestInstacartRealAccount is the same check on a real account when GDBT_SNOWFLAKE_ACCOUNT,
// _USER, _PASSWORD and _DATABASE are set (optionally _ROLE, _WAREHOUSE). It builds into a
// fresh schema, dropped at the end, and replaces the raw tables of schema instacart_raw.
// Snowflake's NUMBER division keeps fewer digits than DuckDB's doubles, so the metrics only
// have to agree to 0.005.
func TestInstacartRealAccount(t *testing.T) {
	f := map[string]any{"threads": 8}
	for k, env := range map[string]string{"account": "GDBT_SNOWFLAKE_ACCOUNT", "user": "GDBT_SNOWFLAKE_USER",
		"password": "GDBT_SNOWFLAKE_PASSWORD", "database": "GDBT_SNOWFLAKE_DATABASE", "role": "GDBT_SNOWFLAKE_ROLE",
		"warehouse": "GDBT_SNOWFLAKE_WAREHOUSE"} {
		if v := os.Getenv(env); v != "" {
			f[k] = v
		}
	}
	if f["account"] == nil || f["user"] == nil || f["password"] == nil || f["database"] == nil {
		t.Skip("no Snowflake account: set GDBT_SNOWFLAKE_ACCOUNT, _USER, _PASSWORD and _DATABASE")
	}
	f["schema"] = fmt.Sprintf("gdbt_instacart_%d", time.Now().UnixNano()%1e9)
	a := openFields(t, f)
	t.Cleanup(func() {
		for _, s := range []string{f["schema"].(string), f["schema"].(string) + "_dbt_test__audit"} {
			a.Execute(context.Background(), fmt.Sprintf(`drop schema if exists %s.%s cascade`, f["database"], s), false)
		}
	})
	instacartVsDuckDB(t, f, 0.005)
}

// instacartVsDuckDB runs warehousetest.InstacartVsDuckDB on the Snowflake target of profile
// fields sf. Names go out unquoted, as dbt-snowflake's default quoting builds them:
// Snowflake folds them to upper case, and so does the comparison's SQL and catalog check.
func instacartVsDuckDB(t *testing.T, sf map[string]any, tol float64) {
	warehousetest.InstacartVsDuckDB(t, warehousetest.Instacart{
		Repo: repoRoot, Type: "snowflake", Fields: sf, Tol: tol,
		Name:        func(schema, table string) string { return fmt.Sprintf("%s.%s.%s", sf["database"], schema, table) },
		CatalogName: strings.ToUpper,
	})
}
