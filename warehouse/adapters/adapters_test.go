package adapters

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestKnown(t *testing.T) {
	if got, want := Known(), []string{"duckdb", "postgres", "snowflake"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Known() = %v, want %v", got, want)
	}
}

func TestOpenDuckDBDefaultPath(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(context.Background(), "duckdb", map[string]any{"threads": 2}, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, _, err := a.Execute(context.Background(), "create table t as select 1 as x", false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "target", "gdbt.duckdb")); err != nil {
		t.Errorf("default database file: %v", err)
	}
	if got := a.Dialect().DefaultDatabase(); got != "gdbt" {
		t.Errorf("database = %q, want gdbt (the file stem)", got)
	}
}

func TestOpenRelativePath(t *testing.T) {
	dir := t.TempDir()
	// A folder the profile names is never created: a typo must fail, naming the path.
	_, err := Open(context.Background(), "duckdb", map[string]any{"path": "data/dev.duckdb"}, dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "data", "dev.duckdb")) {
		t.Fatalf("a path in a missing folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
		t.Errorf("the missing folder was created")
	}
	os.Mkdir(filepath.Join(dir, "data"), 0o755)
	a, err := Open(context.Background(), "duckdb", map[string]any{"path": "data/dev.duckdb"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if _, err := os.Stat(filepath.Join(dir, "data", "dev.duckdb")); err != nil {
		t.Errorf("relative path not under the project: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	// Snowflake is built: a profile without its required fields is a configuration error.
	if _, err := Open(context.Background(), "snowflake", map[string]any{"account": "a"}, t.TempDir()); err == nil || errors.Is(err, ErrNotBuilt) {
		t.Errorf("Open(snowflake) without user = %v, want a profile error", err)
	}
	if _, err := Open(context.Background(), "oracle", nil, t.TempDir()); err == nil || errors.Is(err, ErrNotBuilt) {
		t.Errorf("Open(oracle) error = %v, want unknown adapter", err)
	}
}
