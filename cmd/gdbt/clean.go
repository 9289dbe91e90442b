package main

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler"
)

// cmdClean deletes the project's clean-targets (the target-path when the project file
// lists none). Paths outside the project folder are refused unless
// --no-clean-project-files-only is given, as in dbt.
//
// Database files under a clean target (the zero-config warehouse target/gdbt.duckdb, or a
// profile's DuckDB path there) are kept unless --delete-databases is given: they hold
// snapshot history and incremental tables that no rebuild brings back. dbt has no embedded
// warehouse, so its clean has no such rule; this one is gdbt's.
func cmdClean(g *Globals, args []string) int {
	_, err := cmdArgs("clean", args)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	pc, err := compiler.LoadProjectConfig(g.ProjectDir)
	if err != nil {
		return g.ReportLoadError(err)
	}
	projectAbs, err := filepath.Abs(g.ProjectDir)
	if err != nil {
		g.Errorf("%v", err)
		return ExitLoadFailed
	}
	code := ExitOK
	for _, t := range pc.CleanTargets {
		p := t
		if !filepath.IsAbs(p) {
			p = filepath.Join(projectAbs, p)
		}
		p = filepath.Clean(p)
		rel, err := filepath.Rel(projectAbs, p)
		inside := err == nil && rel != "." && !strings.HasPrefix(rel, "..")
		if p == projectAbs {
			g.Errorf("refusing to clean %q: it is the project folder itself", t)
			code = ExitLoadFailed
			continue
		}
		if !inside && g.FlagBool("clean-project-files-only", true) {
			g.Errorf("refusing to clean %q: it is outside the project folder (pass --no-clean-project-files-only to allow)", t)
			code = ExitLoadFailed
			continue
		}
		if _, err := os.Lstat(p); os.IsNotExist(err) {
			g.Infof("%s does not exist; nothing to clean", t)
			continue
		}
		kept, err := removeKeepingDatabases(p, g.FlagBool("delete-databases", false))
		if err != nil {
			g.Errorf("clean %s: %v", t, err)
			code = ExitLoadFailed
			continue
		}
		for _, k := range kept {
			rel, _ := filepath.Rel(projectAbs, k)
			g.Infof("kept the database file %s (pass --delete-databases to delete it)", filepath.ToSlash(rel))
		}
		g.Infof("Cleaned %s", t)
	}
	if code == ExitOK {
		g.Infof("Finished cleaning all paths.")
	}
	return code
}

// removeKeepingDatabases deletes p (a file or a folder tree) except the database files in it,
// which it returns; with all it deletes everything. A folder holding a kept file stays.
func removeKeepingDatabases(p string, all bool) (kept []string, err error) {
	if all {
		return nil, os.RemoveAll(p)
	}
	st, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if isDatabaseFile(p, st) {
			return []string{p}, nil
		}
		return nil, os.Remove(p)
	}
	keepDir := map[string]bool{}
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if info, err := d.Info(); err == nil && isDatabaseFile(path, info) {
			kept = append(kept, path)
			for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
				keepDir[dir] = true
				if dir == p || len(dir) <= len(p) {
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(kept) == 0 {
		return nil, os.RemoveAll(p)
	}
	// Delete bottom-up: every entry that is neither a kept file nor a folder holding one.
	keepFile := map[string]bool{}
	for _, k := range kept {
		keepFile[k] = true
	}
	var remove func(dir string) error
	remove = func(dir string) error {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			switch {
			case keepFile[path]:
			case e.IsDir() && keepDir[path]:
				if err := remove(path); err != nil {
					return err
				}
			default:
				if err := os.RemoveAll(path); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return kept, remove(p)
}

// databaseSuffixes are the file names of embedded databases and their write-ahead logs.
var databaseSuffixes = []string{".duckdb", ".duckdb.wal", ".ddb", ".db", ".db.wal", ".sqlite", ".sqlite3"}

// isDatabaseFile tells a database by its name or by DuckDB's magic bytes ("DUCK" at offset
// 8 of the file header), so a warehouse saved under any name is kept.
func isDatabaseFile(path string, st fs.FileInfo) bool {
	if !st.Mode().IsRegular() {
		return false
	}
	lower := strings.ToLower(path)
	for _, s := range databaseSuffixes {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 12)
	if _, err := io.ReadFull(f, head); err != nil {
		return false
	}
	return bytes.Equal(head[8:12], []byte("DUCK"))
}
