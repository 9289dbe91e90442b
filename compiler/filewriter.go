package compiler

import (
	"path"
	"path/filepath"
	"sync"
	"unsafe"

	"github.com/gdbt-dev/gdbt/manifest"
)

// FileWriter writes the many small files of target/compiled/ and target/run/ (one per
// node: 36,000 at 10,000 models), safe for concurrent use by the compile and run workers.
// At that count the cost is all in the kernel, so it saves system calls: each folder is
// created once per writer instead of a MkdirAll per file, files are written with plain
// open/write/close (os.WriteFile adds fcntl and epoll calls per file, 8 calls where 3
// do), and a file that already holds the same bytes is left alone (no truncate, no
// rewrite: a re-compile after a one-file edit rewrites only what changed). The bytes on
// disk are exactly os.WriteFile's.
type FileWriter struct {
	// Redact, when set, redacts every file's text instead of Redact: a Redactor made once
	// for a command that writes many files (a compile's 36,000), where reading the
	// environment for each file was measurable (bench/README.md §1).
	Redact func(string) string
	dirs   sync.Map // folder → *dirState
}

type dirState struct {
	once sync.Once
	err  error
}

// WriteFile writes data to name (a file path), creating its folder if needed, with every
// secret redacted (w.Redact, or Redact).
func (w *FileWriter) WriteFile(name string, data []byte) error {
	return w.WriteText(name, string(data))
}

// WriteText is WriteFile for a text already held as a string (a compiled node's SQL):
// the text is redacted and written without being copied.
func (w *FileWriter) WriteText(name, text string) error {
	if err := w.mkdir(filepath.Dir(name)); err != nil {
		return err
	}
	if w.Redact != nil {
		text = w.Redact(text)
	} else {
		text = Redact(text)
	}
	// writeFileIfChanged only reads its data, so the string's bytes can be handed over.
	return writeFileIfChanged(name, unsafe.Slice(unsafe.StringData(text), len(text)))
}

// mkdir creates dir (and its parents) the first time it is asked for; later calls return
// the first call's result.
func (w *FileWriter) mkdir(dir string) error {
	v, ok := w.dirs.Load(dir)
	if !ok {
		v, _ = w.dirs.LoadOrStore(dir, &dirState{})
	}
	d := v.(*dirState)
	d.once.Do(func() { d.err = mkdirAll(dir) })
	return d.err
}

// CompiledPath is where dbt writes a node's compiled SQL under target/compiled (and the
// executed SQL under target/run): <package>/<original_file_path>, and for nodes that share
// their file with others (generic tests and snapshots defined in YAML, whose path is
// <yaml path>/<name>.sql) <package>/<original_file_path>/<path>, as get_target_write_path
// in dbt-core's core/dbt/contracts/graph/nodes.py does. Slash-separated.
func CompiledPath(n *manifest.Node) string {
	if path.Base(n.Path) != path.Base(n.OriginalFilePath) {
		return path.Join(n.PackageName, n.OriginalFilePath, n.Path)
	}
	return path.Join(n.PackageName, n.OriginalFilePath)
}
