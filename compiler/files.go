package compiler

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Resource types of source files (SourceFile.ResourceType).
const (
	FileModel      = "model"
	FileSeed       = "seed"
	FileTest       = "test"
	FileSnapshot   = "snapshot"
	FileAnalysis   = "analysis"
	FileMacro      = "macro"
	FileProperties = "properties"
	FileDocs       = "docs"
	// FileFixture is a unit test fixture: a .csv or .sql file under <test-path>/fixtures/.
	FileFixture = "fixture"
)

// SourceFile is one file of a package that takes part in parsing, read into memory.
type SourceFile struct {
	Package *Package
	// Path is relative to the package dir, slash-separated, e.g. "models/marts/dim_orders.sql".
	Path         string
	ResourceType string
	// Contents are the file's bytes, never written after the read: parseFile shares them
	// with the nodes' raw code (unsafe.String).
	Contents []byte
	Checksum string // sha256 hex of Contents
}

// OriginalFilePath is Path, the name dbt gives it in the manifest.
func (f *SourceFile) OriginalFilePath() string { return f.Path }

// DisplayPath is the file's path relative to the root project dir (package files live under
// the packages install path), as errors print it.
func (f *SourceFile) DisplayPath() string {
	if f.Package == nil || f.Package.RelDir == "" {
		return f.Path
	}
	return path.Join(f.Package.RelDir, f.Path)
}

// DiscoverFiles lists and reads every parseable file of pkgs (see DiscoverFilesWarn).
func DiscoverFiles(pkgs []*Package) ([]*SourceFile, error) {
	return DiscoverFilesWarn(pkgs, nil)
}

// DiscoverFilesWarn lists every parseable file of pkgs, in package order then path order,
// and reads them in parallel: models (*.sql under model-paths), property YAML (*.yml and
// *.yaml under the model, seed, snapshot, analysis, macro and test paths), seeds (*.csv),
// singular tests (*.sql under test-paths except test-paths/generic/), snapshots, analyses,
// macros (*.sql under macro-paths and test-paths/generic/) and docs (*.md under docs-paths).
// Python models are not supported: they are skipped with a warning.
func DiscoverFilesWarn(pkgs []*Package, warn func(string)) ([]*SourceFile, error) {
	var files []*SourceFile
	var warnings []string
	for _, p := range pkgs {
		fs, ws, err := listPackageFiles(p)
		if err != nil {
			return nil, err
		}
		files = append(files, fs...)
		warnings = append(warnings, ws...)
	}
	if warn != nil {
		for _, w := range warnings {
			warn(w)
		}
	}
	if err := readAll(files); err != nil {
		return nil, err
	}
	return files, nil
}

// listPackageFiles walks one package's resource folders and classifies each file. A file
// reachable from two settings (e.g. docs-paths overlapping model-paths) is listed once,
// under the first classification that claims it.
func listPackageFiles(p *Package) ([]*SourceFile, []string, error) {
	pc := p.Config
	type rule struct {
		dirs []string
		fn   func(rel, under string) string
	}
	var warnings []string
	ext := func(rel string) string {
		if i := strings.LastIndexByte(rel, '.'); i >= 0 && !strings.Contains(rel[i:], "/") {
			return rel[i:]
		}
		return ""
	}
	// byExt classifies by extension: main is the folder's own kind; YAML files are
	// property files in every resource folder.
	byExt := func(mainExt, kind string) func(string, string) string {
		return func(rel, _ string) string {
			switch ext(rel) {
			case mainExt:
				return kind
			case ".yml", ".yaml":
				return FileProperties
			}
			return ""
		}
	}
	rules := []rule{
		{pc.SeedPaths, byExt(".csv", FileSeed)},
		{pc.ModelPaths, func(rel, under string) string {
			if ext(rel) == ".py" {
				return FileModel // kept as a node that cannot run (pymodel.go)
			}
			return byExt(".sql", FileModel)(rel, under)
		}},
		{pc.SnapshotPaths, byExt(".sql", FileSnapshot)},
		{pc.AnalysisPaths, byExt(".sql", FileAnalysis)},
		{pc.TestPaths, func(rel, under string) string {
			if ext(rel) == ".sql" && strings.HasPrefix(under, "generic/") {
				return FileMacro
			}
			if strings.HasPrefix(under, "fixtures/") {
				// unit test fixtures, not singular tests (get_source_files in
				// dbt/parser/read_files.py skips tests/generic and tests/fixtures;
				// fixture_paths reads their .csv and .sql files)
				if e := ext(rel); e == ".csv" || e == ".sql" {
					return FileFixture
				}
				return ""
			}
			return byExt(".sql", FileTest)(rel, under)
		}},
		{pc.MacroPaths, byExt(".sql", FileMacro)},
		{pc.DocsPaths, func(rel, _ string) string {
			if ext(rel) == ".md" {
				return FileDocs
			}
			return ""
		}},
	}
	claimed := map[string]bool{}
	var out []*SourceFile
	skip := map[string]bool{}
	for _, s := range []string{pc.TargetPath, pc.PackagesInstallPath, pc.LogPath} {
		skip[path.Clean(filepath.ToSlash(s))] = true
	}
	for _, r := range rules {
		for _, dir := range r.dirs {
			base := path.Clean(filepath.ToSlash(dir))
			abs := filepath.Join(p.Dir, filepath.FromSlash(base))
			if !isDir(abs) {
				continue
			}
			var found []*SourceFile
			err := filepath.WalkDir(abs, func(fp string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(p.Dir, fp)
				rel = filepath.ToSlash(rel)
				if d.IsDir() {
					if fp != abs && (strings.HasPrefix(d.Name(), ".") || skip[rel]) {
						return filepath.SkipDir
					}
					return nil
				}
				if strings.HasPrefix(d.Name(), ".") || claimed[rel] {
					return nil
				}
				under := strings.TrimPrefix(rel, base+"/")
				if base == "." {
					under = rel
				}
				kind := r.fn(rel, under)
				if kind == "" {
					return nil
				}
				claimed[rel] = true
				found = append(found, &SourceFile{Package: p, Path: rel, ResourceType: kind})
				return nil
			})
			if err != nil {
				return nil, nil, fmt.Errorf("list %s: %w", abs, err)
			}
			out = append(out, found...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, warnings, nil
}

// readAll reads and checksums files with a small pool of workers (file reads are I/O bound,
// so more workers than cores pay off).
func readAll(files []*SourceFile) error {
	workers := 4 * runtime.GOMAXPROCS(0)
	if workers > 16 {
		workers = 16
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	next := make(chan *SourceFile, 256)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scratch := make([]byte, 0, 64<<10)
			for f := range next {
				var b []byte
				var err error
				b, scratch, err = readSmallFile(filepath.Join(f.Package.Dir, filepath.FromSlash(f.Path)), scratch)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("read %s: %w", f.Path, err)
					}
					mu.Unlock()
					continue
				}
				sum := sha256.Sum256(b)
				f.Contents = b
				f.Checksum = hex.EncodeToString(sum[:])
			}
		}()
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	return firstErr
}

// readSmallFile reads a whole file with one open, read and close in the common case of a
// file smaller than the worker's scratch buffer (os.ReadFile also stats it first), and
// returns an exact-size copy, so ten thousand small files cost their size, not a buffer
// each. It returns the scratch buffer, grown if the file was bigger.
func readSmallFile(name string, scratch []byte) ([]byte, []byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, scratch, err
	}
	defer f.Close()
	buf := scratch[:0]
	if cap(buf) == 0 {
		buf = make([]byte, 0, 8192)
	}
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF || (err == nil && n == 0) {
			return bytes.Clone(buf), buf, nil
		}
		if err != nil {
			return nil, buf, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}
