// Command projgen writes a synthetic dbt project for the benchmarks (see bench/projgen).
//
//	go run ./bench/cmd/projgen --out /tmp/p10k --models 10000 [--kind layered|macroheavy|trivial] [--seed 1]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/gdbt-dev/gdbt/bench/projgen"
)

func main() {
	out := flag.String("out", "", "directory to write the project into (created)")
	n := flag.Int("models", 1000, "number of models")
	kind := flag.String("kind", "layered", "layered or macroheavy (compile benchmark), trivial (runner benchmark)")
	seed := flag.Int64("seed", 1, "random seed; the same options write the same bytes")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "projgen: --out is required")
		os.Exit(2)
	}
	st, err := projgen.Generate(projgen.Options{Dir: *out, Models: *n, Kind: projgen.Kind(*kind), Seed: *seed})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("models=%d sources=%d macros=%d yaml_files=%d tests=%d edit_yaml=%s edit_macro=%s edit_file=%s\n", st.Models, st.Sources, st.Macros, st.YAMLFiles, st.Tests, st.EditYAML, st.EditMacro, st.EditFile)
}
