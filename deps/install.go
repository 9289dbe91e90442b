package deps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler"
)

// Logger receives deps' console lines (dbt's events): Info for "Installing …", Warn for
// dbt's warnings, Debug for requests and retries.
type Logger interface {
	Info(msg string)
	Warn(msg string)
	Debug(msg string)
}

// Options are gdbt deps' flags and the knobs tests turn.
type Options struct {
	ProjectDir string
	Vars       map[string]any // --vars, for var() in the packages file

	Upgrade    bool   // --upgrade: re-resolve even when the lock matches
	LockOnly   bool   // --lock: write package-lock.yml, install nothing
	AddPackage string // --add-package name@version
	Source     string // --source hub|git|local (default hub)

	NoVersionCheck bool // --no-version-check: hub versions for any dbt version

	HubURL  string        // default HubURL() (DBT_PACKAGE_HUB_URL)
	Timeout time.Duration // per request; default 30 s (DBT_HTTP_TIMEOUT when set)
	Backoff time.Duration // first retry delay; default 1 s, doubling
	Retries int           // default 5, as dbt
	Client  *http.Client

	Log Logger
}

// recordFile, inside the install folder, says what gdbt deps installed there: the
// lock's hash and each package's pin. parse/build read it to spot stale packages, and
// deps reuses its hub tarball URLs so a matching lock installs without the hub.
const recordFile = ".gdbt-deps.json"

type record struct {
	Hash     string        `json:"sha1_hash"`
	Packages []recordEntry `json:"packages"`
}

type recordEntry struct {
	Name       string `json:"name"` // project name = folder
	Source     string `json:"source"`
	Package    string `json:"package,omitempty"`
	Version    string `json:"version,omitempty"`
	Latest     string `json:"latest,omitempty"`
	TarballURL string `json:"tarball_url,omitempty"`
	Revision   string `json:"revision,omitempty"`
}

type run struct {
	opts       Options
	pc         *compiler.ProjectConfig
	installDir string
	res        *resolver
}

// Run is gdbt deps (dbt/task/deps.py DepsTask.run): add a package when asked, write
// package-lock.yml when there is none, when the packages file changed or with --upgrade,
// then (unless --lock) install exactly what the lock pins.
func Run(ctx context.Context, opts Options) error {
	if opts.Log == nil {
		return errors.New("deps.Run needs a Logger")
	}
	if opts.Source == "" {
		opts.Source = SourceHub
	}
	if opts.HubURL == "" {
		opts.HubURL = HubURL()
	} else if !strings.HasSuffix(opts.HubURL, "/") {
		opts.HubURL += "/"
	}
	if opts.Timeout == 0 {
		opts.Timeout = defaultTimeout(30 * time.Second)
	}
	if opts.Backoff == 0 {
		opts.Backoff = time.Second
	}
	if opts.Retries == 0 {
		opts.Retries = 5
	}
	if opts.Client == nil {
		opts.Client = &http.Client{}
	}
	dir, err := filepath.Abs(opts.ProjectDir)
	if err != nil {
		return err
	}
	opts.ProjectDir = dir
	if opts.AddPackage != "" {
		if err := addPackage(dir, opts.AddPackage, opts.Source, opts.Log); err != nil {
			return err
		}
	}
	pc, err := compiler.LoadProjectConfigVars(dir, opts.Vars)
	if err != nil {
		return err
	}
	r := &run{opts: opts, pc: pc, installDir: filepath.Join(dir, pc.PackagesInstallPath)}
	f := &fetcher{client: opts.Client, retries: opts.Retries, backoff: opts.Backoff, timeout: opts.Timeout, log: opts.Log}
	downloads := os.Getenv("DBT_DOWNLOADS_DIR")
	if downloads == "" {
		// beside the install folder, so finished packages move into place with a rename
		if err := os.MkdirAll(r.installDir, 0o755); err != nil {
			return err
		}
		if downloads, err = os.MkdirTemp(r.installDir, ".gdbt-downloads-"); err != nil {
			return err
		}
		defer os.RemoveAll(downloads)
	} else if err := os.MkdirAll(downloads, 0o755); err != nil {
		return err
	}
	opts.Log.Debug("Set downloads directory='" + downloads + "'")
	r.res = &resolver{ctx: ctx, root: dir, rootName: pc.Name, downloads: downloads, fetch: f, vars: opts.Vars,
		hub: &hub{base: opts.HubURL, f: f, log: opts.Log}, dbtVersion: compiler.DbtVersion, checkDbt: !opts.NoVersionCheck, log: opts.Log}

	sf, err := ReadSpecFile(dir, opts.Vars, "")
	if err != nil {
		return err
	}
	if len(sf.Specs) == 0 {
		opts.Log.Info("Warning: No packages were found in " + sf.Name)
		return nil
	}
	lockPath := filepath.Join(dir, LockFile)
	hash := SpecHash(sf.Specs)
	prevHash, _, lockErr := readLock(lockPath, opts.Vars)
	if errors.Is(lockErr, os.ErrNotExist) || opts.Upgrade || prevHash != hash {
		if err := r.lock(sf, lockPath, hash); err != nil {
			return err
		}
	} else if lockErr != nil {
		return lockErr
	}
	if opts.LockOnly {
		return nil
	}
	return r.install(lockPath)
}

// lock resolves the packages file and writes package-lock.yml (DepsTask.lock).
func (r *run) lock(sf *SpecFile, lockPath, hash string) error {
	pins, err := r.res.resolve(sf.Specs)
	if err != nil {
		return err
	}
	if err := writeLock(lockPath, pins, hash); err != nil {
		return err
	}
	r.opts.Log.Info("Updating lock file in file path: " + lockPath)
	return nil
}

// install installs what package-lock.yml pins, each package fetched into the downloads
// folder and renamed into place only once complete, then removes folders no longer
// pinned and records what it installed.
func (r *run) install(lockPath string) error {
	hash, specs, err := readLock(lockPath, r.opts.Vars)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			r.opts.Log.Info("Warning: No packages were found in packages.yml")
			return nil
		}
		return err
	}
	if len(specs) == 0 {
		r.opts.Log.Info("Warning: No packages were found in packages.yml")
		return nil
	}
	prev := readRecord(r.installDir)
	rec := record{Hash: hash}
	var upgrades []string
	keep := map[string]bool{recordFile: true, filepath.Base(r.res.downloads): true}
	for _, s := range specs {
		p, err := r.pinLocked(s, prev)
		if err != nil {
			return err
		}
		r.opts.Log.Info("Installing " + compiler.Redact(p.Name()))
		if err := r.installOne(p); err != nil {
			return fmt.Errorf("installing %s: %w", compiler.Redact(p.Name()), err)
		}
		keep[p.ProjectName] = true
		r.opts.Log.Info("Installed from " + compiler.Redact(p.niceVersion()))
		if p.Source == SourceHub && p.Latest != "" {
			if p.Latest != p.Version {
				upgrades = append(upgrades, p.Package)
				r.opts.Log.Info("Updated version available: " + p.Latest)
			} else {
				r.opts.Log.Info("Up to date!")
			}
		}
		if p.Subdirectory != "" {
			r.opts.Log.Info("and subdirectory " + p.Subdirectory)
		}
		rec.Packages = append(rec.Packages, recordEntry{Name: p.ProjectName, Source: p.Source, Package: p.Package,
			Version: p.Version, Latest: p.Latest, TarballURL: p.tarballURL, Revision: p.Revision})
	}
	// dbt empties the install folder first; removing the leftovers last instead keeps the
	// previous packages usable until their replacements are complete.
	entries, _ := os.ReadDir(r.installDir)
	for _, e := range entries {
		if !keep[e.Name()] {
			if err := os.RemoveAll(filepath.Join(r.installDir, e.Name())); err != nil {
				return err
			}
		}
	}
	data, _ := json.MarshalIndent(rec, "", "  ")
	if err := writeFileAtomic(filepath.Join(r.installDir, recordFile), append(data, '\n')); err != nil {
		return err
	}
	if len(upgrades) > 0 {
		r.opts.Log.Info("")
		r.opts.Log.Info(fmt.Sprintf("Updates available for packages: %s\nUpdate your versions in packages.yml, then run gdbt deps", pyList(upgrades)))
	}
	return nil
}

// pinLocked turns a lock entry into a Pinned without resolving anything. A hub package's
// tarball URL and newest version come from what the last gdbt deps recorded for that same
// version, so a matching lock installs without asking the hub; otherwise from the hub's
// document for the package.
func (r *run) pinLocked(s Spec, prev *record) (*Pinned, error) {
	var l listing
	if err := l.incorporate(s); err != nil {
		return nil, err
	}
	u := l.pkgs[l.keys[0]]
	if s.Source != SourceHub {
		p, err := r.res.pin(u)
		if err != nil {
			return nil, err
		}
		if s.Name != "" {
			p.ProjectName = s.Name
		}
		return p, nil
	}
	if len(s.Versions) != 1 {
		return nil, fmt.Errorf("%s: hub package %s must be pinned to one version in %s; run gdbt deps --upgrade", s.Origin, s.Package, LockFile)
	}
	p := &Pinned{Source: SourceHub, Package: s.Package, Version: s.Versions[0], ProjectName: s.Name}
	if prev != nil {
		for _, e := range prev.Packages {
			if e.Source == SourceHub && e.Package == p.Package && e.Version == p.Version && e.TarballURL != "" {
				p.tarballURL, p.Latest = e.TarballURL, e.Latest
				if p.ProjectName == "" {
					p.ProjectName = e.Name
				}
				return p, nil
			}
		}
	}
	m, err := r.res.fetchMeta(p)
	if err != nil {
		return nil, err
	}
	if s.Name != "" && m.name != s.Name {
		r.opts.Log.Warn(fmt.Sprintf("%s: %s names %s %q, the hub names it %q", s.Origin, LockFile, s.Package, s.Name, m.name))
	}
	compatible, err := r.res.hub.compatibleVersions(r.res.ctx, p.Package, r.res.dbtVersion, r.res.checkDbt)
	if err != nil {
		return nil, err
	}
	if inst := FilterInstallable(compatible, false); len(inst) > 0 {
		p.Latest = inst[len(inst)-1]
	}
	return p, nil
}
