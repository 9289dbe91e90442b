//go:build !unix

package compiler

import (
	"bytes"
	"os"
)

// writeFileIfChanged writes data to name unless it already holds exactly data.
func writeFileIfChanged(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return os.WriteFile(name, data, 0o644)
}

// mkdirAll is os.MkdirAll with the folders' usual permissions.
func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }
