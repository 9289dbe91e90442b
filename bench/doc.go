// Package bench holds gdbt's benchmark suite: generated projects for compile speed
// (bench/projgen, bench/compile), runner overhead on trivial models (bench/runner), and the
// full-scale Instacart pipeline against pandas + scikit-learn and against its own SQL run
// directly (bench/instacart). The benchmarks take minutes and run by hand (bench/README.md);
// this package's tests are their tiny smoke versions, which run in CI so they do not rot.
package bench
