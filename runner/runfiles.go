package runner

import (
	"sync"

	"github.com/gdbt-dev/gdbt/compiler"
)

// runFiles writes the target/run/ and target/compiled/ files of a run from one background
// goroutine. Creating a
// file is the one costly step (a new inode: about a millisecond of kernel time per file on
// the benchmark machine's ext4, as much as DuckDB needs to build a trivial view), and it
// does not need to hold up the next node: with --threads 1 the write overlaps the next
// build. close waits for every write, so the files are complete before the summary points
// at them. Writes are best effort, as before: a failure to write a log of what ran never
// fails the node.
type runFiles struct {
	ch   chan runFile
	done chan struct{}
	once sync.Once
}

type runFile struct {
	path string
	code string
}

func newRunFiles() *runFiles {
	w := &runFiles{ch: make(chan runFile, 256), done: make(chan struct{})}
	go w.loop()
	return w
}

// write queues code for path (it blocks only when 256 writes are already waiting).
func (w *runFiles) write(path, code string) {
	w.ch <- runFile{path, code}
}

// close waits until every queued file is written; later calls return at once.
func (w *runFiles) close() {
	w.once.Do(func() { close(w.ch) })
	<-w.done
}

// loop writes through compiler.FileWriter: each folder created once, a new file in three
// system calls, a file already holding the same bytes (a rerun) left alone.
func (w *runFiles) loop() {
	defer close(w.done)
	var fw compiler.FileWriter
	for f := range w.ch {
		_ = fw.WriteFile(f.path, []byte(f.code))
	}
}
