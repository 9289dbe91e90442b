// Package builtins holds gdbt's built-in macro library: the Jinja source of the macros dbt
// projects expect in the `dbt` namespace (schema/alias/database naming, relation DDL, the
// view/table/incremental/seed/snapshot/test materializations, the generic tests and the
// cross-database helpers that packages such as dbt-utils call as dbt.*).
//
// The macros are plain Jinja text, written for gdbt and embedded into the binary, so the
// compiler treats them exactly like a package's macros: a project macro of the same name
// overrides a built-in, and adapter.dispatch picks the duckdb__/postgres__/snowflake__
// variant before default__. Keeping them as Jinja rather than Go means a user can read,
// copy and override any of them the way they would in dbt.
package builtins

import (
	"embed"
	"io/fs"
	"sort"
)

// macroFS is every .sql file under macros/.
//
//go:embed macros
var macroFS embed.FS

// Files returns every built-in macro file keyed by its path inside the package
// (for example "macros/materializations/table.sql"), the way a package's files would be
// keyed relative to its root. The map is rebuilt on every call, so callers may keep or
// modify it; its content never changes between calls.
func Files() map[string]string {
	out := make(map[string]string)
	for _, p := range Paths() {
		b, err := macroFS.ReadFile(p)
		if err != nil {
			// The paths come from the embedded tree itself; a read failure would be a
			// build defect, not bad input.
			panic("builtins: embedded file unreadable: " + err.Error())
		}
		out[p] = string(b)
	}
	return out
}

// Paths returns the paths of Files in sorted order, so a caller that registers macros can
// do it in a deterministic order (duplicate-name errors and manifests then never depend on
// map iteration).
func Paths() []string {
	var paths []string
	err := fs.WalkDir(macroFS, "macros", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && len(p) > 4 && p[len(p)-4:] == ".sql" {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		panic("builtins: embedded tree unreadable: " + err.Error())
	}
	sort.Strings(paths)
	return paths
}
