package main

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// outputs owns the files of one run: each is buffered and, with --gzip,
// compressed (written as NAME.gz, which DuckDB's read_csv reads directly).
//
// Compression is parallel, pigz-style: workers deflate each shard's rows as
// an independent, byte-aligned chunk (ended by a sync flush), and the writer
// concatenates the chunks into one gzip member, keeping the CRC-32 and size
// for the trailer. The result is an ordinary single-member .gz file whose
// bytes depend only on the data, not on the number of workers.
type outputs struct {
	dir   string
	gzip  bool
	files []*outFile
}

// outFile is one output file.
type outFile struct {
	f    *os.File
	fbw  *bufio.Writer // buffered file
	bw   *bufio.Writer // raw rows: to fbw (plain) or to the chunker (gzip)
	gz   bool
	fw   *flate.Writer // compressor for rows written through bw
	tmp  bytes.Buffer
	crc  uint32
	size uint32
}

// gzipHeader is a gzip member header with no name and mtime 0, so the same
// seed gives the same bytes.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

func (o *outputs) create(name string) (*outFile, error) {
	if o.gzip {
		name += ".gz"
	}
	f, err := os.Create(filepath.Join(o.dir, name))
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	of := &outFile{f: f, fbw: bufio.NewWriterSize(f, 1<<20), gz: o.gzip}
	if o.gzip {
		of.fbw.Write(gzipHeader)
		of.fw, _ = flate.NewWriter(nil, flate.DefaultCompression)
		of.bw = bufio.NewWriterSize(chunker{of}, 1<<20)
	} else {
		of.bw = of.fbw
	}
	o.files = append(o.files, of)
	return of, nil
}

// Write accepts raw rows (it makes outFile an io.Writer for the catalog).
func (of *outFile) Write(p []byte) (int, error) { return of.bw.Write(p) }

// chunker compresses every buffer bw hands it as one chunk.
type chunker struct{ of *outFile }

func (c chunker) Write(p []byte) (int, error) {
	of := c.of
	compressChunk(of.fw, &of.tmp, p)
	if err := of.writeChunk(of.tmp.Bytes(), p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// compressChunk deflates raw into dst as a byte-aligned, non-final chunk.
func compressChunk(fw *flate.Writer, dst *bytes.Buffer, raw []byte) {
	dst.Reset()
	fw.Reset(dst)
	fw.Write(raw) // writes to a bytes.Buffer cannot fail
	fw.Flush()
}

// writeChunk appends a compressed chunk and accounts for its raw bytes.
func (of *outFile) writeChunk(comp, raw []byte) error {
	of.crc = crc32.Update(of.crc, crc32.IEEETable, raw)
	of.size += uint32(len(raw))
	if _, err := of.fbw.Write(comp); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// writeShard appends a shard's rows; comp is their compressed chunk when
// the run is gzipped (made by a worker), otherwise nil.
func (of *outFile) writeShard(raw, comp []byte) error {
	if len(raw) == 0 {
		return nil
	}
	if !of.gz {
		_, err := of.bw.Write(raw)
		return err
	}
	if err := of.bw.Flush(); err != nil { // rows written before this shard
		return err
	}
	return of.writeChunk(comp, raw)
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
		if of.gz {
			// an empty final fixed-Huffman block, then the gzip trailer
			trailer := []byte{0x03, 0x00}
			trailer = binary.LittleEndian.AppendUint32(trailer, of.crc)
			trailer = binary.LittleEndian.AppendUint32(trailer, of.size)
			_, err := of.fbw.Write(trailer)
			keep(err)
			keep(of.fbw.Flush())
		}
		keep(of.f.Close())
	}
	o.files = nil
	return first
}

var _ io.Writer = (*outFile)(nil)
