package compiler

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSpeedProbe(t *testing.T) {
	dir := "/tmp/speedproj"
	if _, err := os.Stat(dir); err != nil {
		writeFile(t, filepath.Join(dir, "project.yaml"), "name: big\n")
		for i := 0; i < 50000; i++ {
			p := filepath.Join(dir, "models", fmt.Sprintf("d%03d", i%500), fmt.Sprintf("m%05d.sql", i))
			if i < 500 { os.MkdirAll(filepath.Dir(p), 0o755) }
			os.WriteFile(p, []byte("select 1 as x\n"), 0o644)
		}
	}
	root, _ := LoadProjectConfig(dir)
	pkgs, _ := LoadPackages(root)
	for r := 0; r < 3; r++ {
		start := time.Now()
		fs, _, _ := listPackageFiles(pkgs[0])
		l := time.Since(start)
		readAll(fs)
		t.Logf("%d files: list %s, read %s", len(fs), l, time.Since(start)-l)
	}
}
