package e2e

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler"
)

// outputsGolden pins the content of the Instacart models the training reads from.
const outputsGolden = "testdata/golden/instacart_outputs.tsv"

// TestInstacartOutputChecksums pins, for every model of the shared sample build that is not
// the training or downstream of it, the relation's columns and types, its row count and an
// order-insensitive hash of all its rows (DuckDB's hash() of each row, summed). Rewriting a
// model for speed (bench/README.md, issue 19) must leave these byte-equal; a change that
// means to alter a model's output updates the file with -update-golden and says why in its
// commit. The training and what it feeds are left out: its weights differ in the last bits
// from run to run (DuckDB sums doubles in parallel in no fixed order), and so do the scores.
// A DuckDB upgrade may change hash() itself: then every hash moves, the counts stay.
func TestInstacartOutputChecksums(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole Instacart project (tens of seconds); skipped under -short")
	}
	dir, _, _, _ := instacartBuilt(t)
	p, err := compiler.Load(compiler.Options{ProjectDir: dir, ProfilesDir: dir, Vars: shared.vars, Which: "build"})
	if err != nil {
		t.Fatal(err)
	}
	man := p.Manifest
	const training = "model.instacart.instacart_model"
	if _, ok := man.Nodes[training]; !ok {
		t.Fatalf("manifest has no %s", training)
	}
	below := map[string]bool{}
	var mark func(id string)
	mark = func(id string) {
		if below[id] {
			return
		}
		below[id] = true
		for _, c := range man.ChildMap[id] {
			mark(c)
		}
	}
	mark(training)
	var names []string
	for id, n := range man.Nodes {
		if n.ResourceType == "model" && !below[id] {
			names = append(names, firstNonEmptyString(n.Alias, n.Name))
		}
	}
	sort.Strings(names)
	if len(names) < 15 {
		t.Fatalf("only %d models upstream of the training: %v", len(names), names)
	}
	db := openDB(t, dir)
	var got strings.Builder
	got.WriteString("# model\trows\tsum of hash(row)\tcolumns (go test ./e2e -run TestInstacartOutputChecksums -update-golden)\n")
	for _, name := range names {
		var rows int64
		var sum, cols string
		if err := db.QueryRow(fmt.Sprintf(`select count(*), coalesce(sum(hash(t)), 0)::varchar from main.%q as t`, name)).Scan(&rows, &sum); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		err := db.QueryRow(`select string_agg(column_name || ' ' || data_type, ', ' order by ordinal_position)
			from information_schema.columns where table_schema = 'main' and table_name = ?`, name).Scan(&cols)
		if err != nil {
			t.Fatalf("%s columns: %v", name, err)
		}
		fmt.Fprintf(&got, "%s\t%d\t%s\t%s\n", name, rows, sum, cols)
	}
	if *updateGolden {
		if err := os.WriteFile(outputsGolden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(outputsGolden)
	if err != nil {
		t.Fatalf("%v (go test ./e2e -run TestInstacartOutputChecksums -update-golden writes it)", err)
	}
	if got.String() != string(want) {
		t.Errorf("model outputs differ from %s (-update-golden to accept):\n%s", outputsGolden, firstDiff(string(want), got.String()))
	}
}

func firstNonEmptyString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
