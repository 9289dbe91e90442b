package parsestate

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// TestManifestPrevious: every fragment recorded for a written file is copied back
// byte-exact, in file order and out of it, whether it lies inside one of the blocks
// Previous reads, across two or more, or at the end of the file; an unknown key copies
// nothing, and a manifest changed since its index was saved is not read at all.
func TestManifestPrevious(t *testing.T) {
	dir := t.TempDir()
	path, index := filepath.Join(dir, "manifest.json"), filepath.Join(dir, ManifestFileName)
	rng := rand.New(rand.NewSource(1))
	var file bytes.Buffer
	type frag struct {
		key string
		b   []byte
	}
	var frags []frag
	m := OpenManifest(index, path, nil)
	for i := 0; file.Len() < 5*blockSize; i++ {
		size := 10 + rng.Intn(3000)
		if i%500 == 7 {
			size = blockSize + rng.Intn(blockSize) // spans two or three blocks
		}
		b := append([]byte(`{"i":"`), bytes.Repeat([]byte{byte('a' + i%26)}, size)...)
		b = append(b, `"}`...)
		file.WriteString(",")
		f := frag{fmt.Sprintf("key%d", i), b}
		m.Wrote(f.key, int64(file.Len()), len(b))
		file.Write(b)
		frags = append(frags, f)
	}
	if err := os.WriteFile(path, file.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	m.Finished(fi)
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	check := func(order []int) {
		t.Helper()
		p := OpenManifest(index, path, nil)
		defer p.Close()
		for _, i := range order {
			got, ok := p.Previous([]byte("x"), frags[i].key)
			if !ok || !bytes.Equal(got[1:], frags[i].b) || got[0] != 'x' {
				t.Fatalf("fragment %d (%d bytes): ok=%v, not copied back exactly", i, len(frags[i].b), ok)
			}
		}
		if got, ok := p.Previous(nil, "unknown"); ok || len(got) != 0 {
			t.Errorf("an unknown key copied %d bytes", len(got))
		}
		if p.Reused() != len(order) {
			t.Errorf("Reused() = %d, want %d", p.Reused(), len(order))
		}
	}
	inOrder := make([]int, len(frags))
	for i := range inOrder {
		inOrder[i] = i
	}
	check(inOrder)
	check(rng.Perm(len(frags)))

	// The file changed after the index was saved: nothing is copied from it.
	if err := os.WriteFile(path, append(file.Bytes(), ' '), 0o644); err != nil {
		t.Fatal(err)
	}
	p := OpenManifest(index, path, nil)
	defer p.Close()
	if _, ok := p.Previous(nil, frags[0].key); ok {
		t.Error("a fragment was copied from a manifest changed since its index was saved")
	}
}
