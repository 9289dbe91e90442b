package deps

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler"
)

// errUnsafeTar is returned for an archive entry that would land outside the folder it is
// unpacked into (an absolute path, "../", or a link leading out): such a tarball is refused
// whole, as dbt_common/clients/system.py safe_extract does.
var errUnsafeTar = errors.New("tarball entry points outside the package folder")

// downloadAndUntar downloads url and unpacks it (gzip'd tar) into dest, a new folder,
// retrying the pair as dbt's download_and_untar does (dbt/deps/base.py): a download that
// arrives truncated is a transient failure too. It returns the single top-level folder
// of the archive (dbt's tarball packages and hub codeload archives both have one).
func (f *fetcher) downloadAndUntar(ctx context.Context, url, dest string) (string, error) {
	err := f.retry(ctx, "GET "+url, func(ctx context.Context) error {
		if err := os.RemoveAll(dest); err != nil {
			return err
		}
		if err := os.MkdirAll(dest, 0o755); err != nil {
			return err
		}
		return f.getTar(ctx, url, dest)
	})
	if err != nil {
		return "", err
	}
	entries, err := os.ReadDir(dest)
	if err != nil {
		return "", err
	}
	if len(entries) != 1 || !entries[0].IsDir() {
		return "", fmt.Errorf("Incorrect structure for package extracted from %s. The extracted package needs to follow the structure <package_name>/<package_contents>.", compiler.Redact(url))
	}
	return filepath.Join(dest, entries[0].Name()), nil
}

func (f *fetcher) getTar(ctx context.Context, url, dest string) error {
	body, err := f.get(ctx, url)
	if err != nil {
		return err
	}
	if err := untar(bytes.NewReader(body), dest); err != nil {
		if errors.Is(err, errUnsafeTar) {
			return fmt.Errorf("%s: %w", compiler.Redact(url), err)
		}
		// a truncated or garbled archive: dbt retries ReadError/EOFError/BadGzipFile.
		return transient(fmt.Errorf("cannot unpack %s: %v", compiler.Redact(url), err))
	}
	return nil
}

// untar unpacks a gzip'd tar stream into dest, refusing entries that escape it.
func untar(r io.Reader, dest string) error {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name, ok := inside(h.Name)
		if !ok {
			return fmt.Errorf("%w: %q", errUnsafeTar, h.Name)
		}
		if name == "." {
			continue
		}
		target := filepath.Join(dest, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			mode := os.FileMode(0o644)
			if h.Mode&0o111 != 0 {
				mode = 0o755
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, tr); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return err
			}
		case tar.TypeSymlink, tar.TypeLink:
			link := h.Linkname
			var resolved string
			if h.Typeflag == tar.TypeSymlink && !path.IsAbs(link) {
				resolved = path.Join(path.Dir(name), link)
			} else {
				resolved = link
			}
			if _, ok := inside(resolved); !ok || path.IsAbs(link) {
				return fmt.Errorf("%w: %q links to %q", errUnsafeTar, h.Name, h.Linkname)
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if h.Typeflag == tar.TypeSymlink {
				err = os.Symlink(link, target)
			} else {
				lt, _ := inside(link)
				err = os.Link(filepath.Join(dest, filepath.FromSlash(lt)), target)
			}
			if err != nil {
				return err
			}
		default:
			// pax/global headers are consumed by archive/tar; devices, fifos: not package files.
		}
	}
}

// inside cleans an archive path and reports whether it stays inside the archive root.
func inside(name string) (string, bool) {
	if strings.Contains(name, `\`) && strings.Contains(name, `..`) {
		return "", false
	}
	if path.IsAbs(name) || filepath.IsAbs(name) {
		return "", false
	}
	c := path.Clean(name)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}
