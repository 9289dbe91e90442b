package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfilingEnv checks GDBT_CPUPROFILE and GDBT_MEMPROFILE: both files are written as
// pprof profiles (gzipped protobuf naming their sample types: cpu; alloc_space), and
// nothing is written without the variables.
func TestProfilingEnv(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "mem.pprof")
	env := map[string]string{envCPUProfile: cpu, envMemProfile: mem}
	var stderr bytes.Buffer
	stop := startProfiling(func(k string) string { return env[k] }, &stderr)
	var sink [][]byte
	for i := 0; i < 1000; i++ {
		sink = append(sink, make([]byte, 4096))
	}
	_ = sink
	stop()
	if stderr.Len() > 0 {
		t.Fatalf("stderr: %s", stderr.String())
	}
	for _, f := range []struct{ path, sampleType string }{{cpu, "cpu"}, {mem, "alloc_space"}} {
		fh, err := os.Open(f.path)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(fh)
		if err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
		b, err := io.ReadAll(zr)
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
		// The string table of the protobuf holds the sample type names verbatim.
		if !bytes.Contains(b, []byte(f.sampleType)) {
			t.Errorf("%s: no %q sample type in the profile", f.path, f.sampleType)
		}
	}

	before, _ := os.ReadDir(dir)
	stop = startProfiling(func(string) string { return "" }, &stderr)
	stop()
	after, _ := os.ReadDir(dir)
	if len(after) != len(before) || stderr.Len() > 0 {
		t.Errorf("no env: %d files became %d, stderr %q", len(before), len(after), stderr.String())
	}
}

// TestProfilingEnvBadPath checks that an unwritable profile path is reported on stderr and
// does not stop the command.
func TestProfilingEnvBadPath(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "missing", "x.pprof")
	var stderr bytes.Buffer
	stop := startProfiling(func(k string) string { return bad }, &stderr)
	stop()
	if got := stderr.String(); !strings.Contains(got, envCPUProfile) || !strings.Contains(got, envMemProfile) {
		t.Errorf("stderr %q: want both variables named", got)
	}
}
