// Package e2e holds end-to-end tests of gdbt: real projects loaded, compiled and built
// in-process against an embedded DuckDB file, with the resulting tables read back and checked
// against values computed independently in Go. It has no non-test code; the tests live here
// rather than beside one package because each of them crosses every layer (compiler, runner,
// warehouse) the way a user's `gdbt build` does.
package e2e
