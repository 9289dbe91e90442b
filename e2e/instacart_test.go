package e2e

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/gdbt-dev/gdbt/compiler"
)

// sampleDir is the committed raw-data sample the repository project builds on by default.
const sampleDir = "../data/instacart_sample"

// TestInstacartPipeline builds the repository's own project (every model, seed and data
// test) on the committed sample, or on a freshly generated small dataset when the sample is
// absent, and checks the data: the evaluation, the prediction grain, the split by user, the
// recency features recomputed from the raw files, the training history and the marts.
func TestInstacartPipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole Instacart project (tens of seconds); skipped under -short")
	}
	dir, sum, raw, ext := instacartBuilt(t)
	projectFile, err := os.ReadFile(filepath.Join("..", "project.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var pc struct {
		Vars struct {
			ValidationPct float64 `yaml:"validation_pct"`
		} `yaml:"vars"`
	}
	if err := yaml.Unmarshal(projectFile, &pc); err != nil || pc.Vars.ValidationPct <= 0 {
		t.Fatalf("project.yaml: vars.validation_pct: %v (%v)", pc.Vars.ValidationPct, err)
	}
	kinds := map[string]int{}
	for _, r := range sum.Results {
		kinds[strings.SplitN(r.UniqueID, ".", 2)[0]]++
	}
	t.Logf("build: %v", kinds)
	if kinds["model"] == 0 || kinds["test"] == 0 || kinds["seed"] == 0 {
		t.Errorf("build ran %v, want models, seeds and tests", kinds)
	}
	db := openDB(t, dir)

	t.Run("evaluation", func(t *testing.T) {
		var auc, logLoss, baseLoss, f1 float64
		var nRows, nUsers int64
		err := db.QueryRow("select auc, log_loss, base_rate_log_loss, f1_at_best, n_rows, n_users from eval_metrics").
			Scan(&auc, &logLoss, &baseLoss, &f1, &nRows, &nUsers)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("held-out: %d rows, %d users, AUC %.4f, log loss %.4f (base rate %.4f), best F1 %.4f", nRows, nUsers, auc, logLoss, baseLoss, f1)
		if auc <= 0.7 {
			t.Errorf("auc = %.4f, want > 0.7", auc)
		}
		if logLoss >= baseLoss {
			t.Errorf("log_loss %.4f does not beat the base rate's %.4f", logLoss, baseLoss)
		}
		if n := queryInt(t, db, "select count(*) from eval_metrics"); n != 1 {
			t.Errorf("eval_metrics has %d rows, want 1", n)
		}
	})

	t.Run("predictions", func(t *testing.T) {
		pairs := distinctPriorPairs(t, raw, ext)
		got := queryInt(t, db, "select count(*) from instacart_predictions_output")
		distinct := queryInt(t, db, "select count(*) from (select distinct user_id, product_id from instacart_predictions_output)")
		t.Logf("%d predictions, %d distinct (user, product) pairs in the prior lines", got, pairs)
		if got != pairs || distinct != pairs {
			t.Errorf("predictions: %d rows, %d distinct pairs; the prior lines have %d distinct (user, product) pairs", got, distinct, pairs)
		}
		bad := queryInt(t, db, `select count(*) from instacart_predictions_output
			where reorder_probability is null or reorder_probability < 0 or reorder_probability > 1
			   or isnan(reorder_probability) or scored_at is null`)
		if bad != 0 {
			t.Errorf("%d predictions have a probability outside [0, 1] or no scored_at", bad)
		}
		spread := queryFloat(t, db, "select stddev_pop(reorder_probability) from instacart_predictions_output")
		if spread < 0.01 {
			t.Errorf("the probabilities hardly vary (std %.4g): the model ignores its features", spread)
		}
	})

	t.Run("split", func(t *testing.T) {
		both := queryInt(t, db, `select count(*) from (
			select user_id from fct_reorder_training_data group by user_id having count(distinct split) > 1)`)
		if both != 0 {
			t.Errorf("%d users are in both the train and validation splits", both)
		}
		leak := queryInt(t, db, `select count(*) from (select distinct user_id from eval_validation_predictions)
			where user_id in (select user_id from instacart_training_input)`)
		if leak != 0 {
			t.Errorf("%d evaluated users were trained on", leak)
		}
		users := queryFloat(t, db, "select count(distinct user_id) from fct_reorder_training_data")
		val := queryFloat(t, db, "select count(distinct user_id) from fct_reorder_training_data where split = 'validation'")
		pct := 100 * val / users
		t.Logf("validation: %.0f of %.0f users (%.2f%%, validation_pct %.0f)", val, users, pct, pc.Vars.ValidationPct)
		// A binomial draw of this many users would stray by less than 4 standard deviations.
		sd := 100 * math.Sqrt(pc.Vars.ValidationPct/100*(1-pc.Vars.ValidationPct/100)/users)
		if math.Abs(pct-pc.Vars.ValidationPct) > math.Max(1, 4*sd) {
			t.Errorf("validation share %.2f%%, want about %.0f%% (±%.2f)", pct, pc.Vars.ValidationPct, 4*sd)
		}
	})

	t.Run("recency", func(t *testing.T) {
		users := map[int]bool{}
		rows, err := db.Query("select distinct user_id from fct_user_product_features order by user_id limit 400")
		if err != nil {
			t.Fatal(err)
		}
		var ids []int
		for rows.Next() {
			var u int
			if err := rows.Scan(&u); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u)
		}
		rows.Close()
		// Every 20th of the first 400 users: a few thousand pairs, all of those users' pairs.
		for i := 0; i < len(ids); i += 20 {
			users[ids[i]] = true
		}
		want := recomputeRecency(t, raw, ext, users)
		list := make([]string, 0, len(users))
		for u := range users {
			list = append(list, strconv.Itoa(u))
		}
		got := map[[2]int]recency{}
		rows, err = db.Query(`select user_id, product_id, up_orders_since_last, up_days_since_last, up_streak
			from fct_user_product_features where user_id in (` + strings.Join(list, ",") + `)`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var u, p int
			var r recency
			if err := rows.Scan(&u, &p, &r.ordersSince, &r.daysSince, &r.streak); err != nil {
				t.Fatal(err)
			}
			got[[2]int{u, p}] = r
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d users, %d (user, product) pairs recomputed from the raw files", len(users), len(want))
		if len(got) != len(want) {
			t.Errorf("fct_user_product_features has %d pairs for these users, the raw files %d", len(got), len(want))
		}
		var mismatches int
		keys := make([][2]int, 0, len(want))
		for k := range want {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
		})
		for _, k := range keys {
			g, ok := got[k]
			if !ok || g != want[k] {
				mismatches++
				if mismatches <= 10 {
					t.Errorf("user %d product %d: got %+v (present %v), want %+v", k[0], k[1], g, ok, want[k])
				}
			}
		}
		if mismatches > 10 {
			t.Errorf("... %d mismatches in all", mismatches)
		}
	})

	t.Run("history", func(t *testing.T) {
		// rows: the model's warm start reads a sample first, whose loss is not the full data's.
		h := rowsFloat(t, db, "select iteration, loss, n_rows from instacart_model__history order by iteration")
		if len(h) < 2 {
			t.Fatalf("history has %d rows", len(h))
		}
		for i := 1; i < len(h); i++ {
			if h[i][2] == h[i-1][2] && h[i][1] > h[i-1][1] {
				t.Errorf("training loss went up at iteration %v: %.15g -> %.15g", h[i][0], h[i-1][1], h[i][1])
			}
		}
		t.Logf("%d scans, loss %.6f -> %.6f", len(h), h[0][1], h[len(h)-1][1])
	})

	t.Run("marts", func(t *testing.T) {
		rows, err := db.Query("select table_name from information_schema.tables where table_name like 'mart\\_%' escape '\\' order by table_name")
		if err != nil {
			t.Fatal(err)
		}
		var marts []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			marts = append(marts, s)
		}
		rows.Close()
		entries, _ := filepath.Glob(filepath.Join(dir, "models", "marts", "mart_*.sql"))
		if len(marts) != len(entries) || len(marts) == 0 {
			t.Errorf("warehouse has marts %v, models/marts has %d", marts, len(entries))
		}
		for _, m := range marts {
			if n := queryInt(t, db, "select count(*) from "+m); n == 0 {
				t.Errorf("%s is empty", m)
			}
		}
	})
}

// TestInstacartSourcesRenderVars checks that the raw-data sources follow the
// instacart_raw_dir and instacart_raw_ext vars: external_location in sources.yml is a Jinja
// template that the compiler must render (as dbt renders every YAML property) before the
// adapter reads the files in place. Cheap: it only loads the project.
func TestInstacartSourcesRenderVars(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, filepath.Join("..", "models"), filepath.Join(dir, "models"))
	copyTree(t, filepath.Join("..", "macros"), filepath.Join(dir, "macros"))
	copyTree(t, filepath.Join("..", "seeds"), filepath.Join(dir, "seeds"))
	b, err := os.ReadFile(filepath.Join("..", "project.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "project.yaml", string(b))
	if !sourcesRenderVars(t, dir, `{instacart_raw_dir: /elsewhere/raw, instacart_raw_ext: csv}`) {
		t.Error("the compiler does not render Jinja in a source's external_location")
	}
}

// sourcesRenderVars loads the project in dir with vars and reports whether the orders
// source's external location is the rendered instacart_raw_dir/orders.instacart_raw_ext.
func sourcesRenderVars(t *testing.T, dir, vars string) bool {
	t.Helper()
	var v struct {
		Dir string `yaml:"instacart_raw_dir"`
		Ext string `yaml:"instacart_raw_ext"`
	}
	if err := yaml.Unmarshal([]byte(vars), &v); err != nil {
		t.Fatal(err)
	}
	p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: vars})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	s, ok := p.Manifest.Sources["source.instacart.instacart_raw.orders"]
	if !ok {
		t.Fatal("no source instacart_raw.orders")
	}
	want := v.Dir + "/orders." + v.Ext
	if s.ExternalLocation != want {
		t.Logf("source instacart_raw.orders: external location %q, want %q", s.ExternalLocation, want)
		return false
	}
	return true
}
