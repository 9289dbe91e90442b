package deps

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gdbt-dev/gdbt/compiler"
)

// installOne fetches p (unless resolution already did) and puts it at
// <install path>/<project name>. Everything is first complete in the downloads folder;
// only then is the old folder moved aside, the new one renamed in, and the old one
// removed, so an interrupted deps leaves each package either old or new, never partial.
func (r *run) installOne(p *Pinned) error {
	var src string
	switch p.Source {
	case SourceHub:
		if p.tarballURL == "" {
			if _, err := r.res.fetchMeta(p); err != nil {
				return err
			}
		}
		dir, err := r.res.fetch.downloadAndUntar(r.res.ctx, p.tarballURL, filepath.Join(r.res.downloads, "hub-"+checkoutName(p.Package+"@"+p.Version)))
		if err != nil {
			return err
		}
		if m, err := r.res.readProject(dir, p); err == nil && m.name != p.ProjectName && p.ProjectName != "" {
			// the hub's name decides the folder (dbt's get_project_name), but a package
			// whose own project file disagrees loads under the other name: say so.
			r.opts.Log.Warn(fmt.Sprintf("%s: the hub names this package %q but its dbt_project.yml names it %q", p, p.ProjectName, m.name))
		}
		src = dir
	case SourceGit:
		dir, sha, err := gitCheckout(r.res.ctx, r.res.downloads, p.Name(), p.Git, p.Revision, p.Subdirectory)
		if err != nil {
			return err
		}
		p.Revision = sha
		src = dir
	case SourceTarball:
		dir, err := r.res.fetch.downloadAndUntar(r.res.ctx, p.Tarball, filepath.Join(r.res.downloads, "tarball-"+checkoutName(p.Tarball)))
		if err != nil {
			return err
		}
		src = dir
	case SourceLocal:
		src = r.res.localPath(p.Local)
	}
	if p.ProjectName == "" || p.Source == SourceLocal || p.Source == SourceGit {
		m, err := r.res.readProject(src, p)
		if err != nil {
			return err
		}
		if p.ProjectName != "" && m.name != p.ProjectName {
			r.opts.Log.Warn(fmt.Sprintf("%s: %s names this package %q but its project file names it %q; installing it as %q", compiler.Redact(p.String()), LockFile, p.ProjectName, m.name, m.name))
		}
		if p.Source != SourceTarball {
			p.ProjectName = m.name
		}
	}
	if err := r.res.ctx.Err(); err != nil {
		return err
	}
	dst := filepath.Join(r.installDir, p.ProjectName)
	staged := filepath.Join(r.res.downloads, "staged-"+p.ProjectName)
	if p.Source == SourceLocal {
		abs, err := filepath.Abs(src)
		if err != nil {
			return err
		}
		r.opts.Log.Debug("Creating symlink to local dependency.")
		if err := os.Symlink(abs, staged); err != nil {
			r.opts.Log.Debug("Symlinks are not available on this OS, copying dependency.")
			if err := copyTree(abs, staged); err != nil {
				return err
			}
		}
	} else if err := moveDir(src, staged); err != nil {
		return err
	}
	return swapIn(staged, dst)
}

// swapIn replaces dst by staged (both in the same file system).
func swapIn(staged, dst string) error {
	old := ""
	if _, err := os.Lstat(dst); err == nil {
		old = staged + ".old"
		if err := os.Rename(dst, old); err != nil {
			return err
		}
	}
	if err := os.Rename(staged, dst); err != nil {
		if old != "" {
			_ = os.Rename(old, dst)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// moveDir renames src to dst, copying when they are on different file systems
// (DBT_DOWNLOADS_DIR elsewhere).
func moveDir(src, dst string) error {
	if err := os.Rename(src, dst); err == nil {
		return nil
	}
	if err := copyTree(src, dst); err != nil {
		os.RemoveAll(dst)
		return err
	}
	return os.RemoveAll(src)
}

// copyTree copies the folders, regular files and symlinks under src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case !d.Type().IsRegular():
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		st, _ := in.Stat()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, st.Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// readRecord reads what the last gdbt deps installed (nil when unknown).
func readRecord(installDir string) *record {
	data, err := os.ReadFile(filepath.Join(installDir, recordFile))
	if err != nil {
		return nil
	}
	var rec record
	if json.Unmarshal(data, &rec) != nil {
		return nil
	}
	return &rec
}
