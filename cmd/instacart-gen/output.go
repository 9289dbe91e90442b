package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// outputs owns the files of one run: each is buffered and, with --gzip,
// compressed (written as NAME.gz, which DuckDB's read_csv reads directly).
type outputs struct {
	dir   string
	gzip  bool
	files []*outFile
}

type outFile struct {
	f  *os.File
	gz *gzip.Writer
	bw *bufio.Writer
}

func (o *outputs) create(name string) (io.Writer, error) {
	if o.gzip {
		name += ".gz"
	}
	f, err := os.Create(filepath.Join(o.dir, name))
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	of := &outFile{f: f}
	var w io.Writer = f
	if o.gzip {
		// no name or time in the header: the same seed gives the same bytes
		of.gz, _ = gzip.NewWriterLevel(f, gzip.DefaultCompression)
		w = of.gz
	}
	of.bw = bufio.NewWriterSize(w, 1<<20)
	o.files = append(o.files, of)
	return of.bw, nil
}

// close flushes and closes every file, reporting the first error.
func (o *outputs) close() error {
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = fmt.Errorf("close output: %w", err)
		}
	}
	for _, of := range o.files {
		keep(of.bw.Flush())
		if of.gz != nil {
			keep(of.gz.Close())
		}
		keep(of.f.Close())
	}
	o.files = nil
	return first
}
