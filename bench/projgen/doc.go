// Package projgen writes synthetic dbt projects for gdbt's benchmarks: a layered project
// (sources → staging → intermediate → marts, with refs, configs, macros with loops and ifs,
// and YAML properties with descriptions, columns and generic tests) for the compile
// benchmark, and a project of trivial views and tables for the runner benchmark. Real
// projects cannot be shipped at 50,000 models, so the benchmark makes its own, and the same
// options always produce the same bytes so runs on different days compare.
package projgen
