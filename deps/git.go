package deps

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler"
)

// Git packages use the git program, as dbt does (dbt/clients/git.py): it is installed
// wherever dbt packages are developed, it already knows the user's credentials (SSH
// keys, credential helpers, .netrc), and a Go git implementation would have to replicate
// all of that. The commands are dbt's: a shallow clone (sparse for subdirectory:), then a
// fetch of the wanted revision and a hard reset to it, preferring a tag over a branch.

var commitRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// errNoGit is returned when the git program is missing (dbt's EnsureGitInstalled).
var errNoGit = errors.New("Make sure git is installed on your machine. More information: https://docs.getdbt.com/docs/package-management")

// runGit runs git in dir; its stderr (secrets redacted) is the error message on failure.
func runGit(ctx context.Context, dir string, args ...string) (string, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", errNoGit
	}
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	// LC_ALL=C as dbt; never stop to ask for a password on a terminal.
	cmd.Env = append(os.Environ(), "LC_ALL=C", "GIT_TERMINAL_PROMPT=0")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if i := strings.Index(msg, "\nusage: git"); i >= 0 {
			msg = msg[:i]
		}
		if msg == "" {
			msg = err.Error()
		}
		return "", errors.New(compiler.Redact(msg))
	}
	return out.String(), nil
}

// checkoutName is dbt's folder name for a git checkout: md5 of the package name.
func checkoutName(name string) string {
	sum := md5.Sum([]byte(name))
	return hex.EncodeToString(sum[:])
}

// gitCheckout clones repo at revision ("" or "HEAD" for the default branch) into
// parent/<md5 of name> and returns the package folder (the subdirectory when given) and
// the checked-out commit SHA. A second call for the same name and revision reuses it.
func gitCheckout(ctx context.Context, parent, name, repo, revision, subdirectory string) (dir, sha string, err error) {
	shown := compiler.Redact(repo)
	dest := filepath.Join(parent, checkoutName(name))
	if revision == "" {
		revision = "HEAD"
	}
	fail := func(err error) (string, string, error) {
		if errors.Is(err, errNoGit) {
			return "", "", err
		}
		return "", "", fmt.Errorf("Error checking out spec='%s' for repo %s\n%v", revision, shown, err)
	}
	if _, statErr := os.Stat(dest); statErr != nil {
		args := []string{"clone", "--depth", "1"}
		if subdirectory != "" {
			args = append(args, "--filter=blob:none", "--sparse")
		}
		if revision != "HEAD" && !commitRE.MatchString(revision) {
			args = append(args, "--branch", revision)
		}
		args = append(args, repo, dest)
		if _, err := runGit(ctx, parent, args...); err != nil {
			return fail(err)
		}
		if subdirectory != "" {
			if _, err := runGit(ctx, dest, "sparse-checkout", "set", subdirectory); err != nil {
				return fail(err)
			}
		}
	}
	if revision != "HEAD" {
		// dbt/clients/git.py _checkout
		if commitRE.MatchString(revision) {
			if _, err := runGit(ctx, dest, "fetch", "origin", "--depth", "1", revision); err != nil {
				return fail(err)
			}
		} else {
			if _, err := runGit(ctx, dest, "remote", "set-branches", "origin", revision); err != nil {
				return fail(err)
			}
			if _, err := runGit(ctx, dest, "fetch", "origin", "--depth", "1", "--tags", revision); err != nil {
				return fail(err)
			}
		}
		spec := revision
		if !commitRE.MatchString(revision) {
			tags, err := runGit(ctx, dest, "tag", "--list")
			if err != nil {
				return fail(err)
			}
			spec = "origin/" + revision
			for _, t := range strings.Split(tags, "\n") {
				if strings.TrimSpace(t) == revision {
					spec = "tags/" + revision
				}
			}
		}
		if _, err := runGit(ctx, dest, "reset", "--hard", spec); err != nil {
			return fail(err)
		}
	}
	out, err := runGit(ctx, dest, "rev-parse", "HEAD")
	if err != nil {
		return fail(err)
	}
	dir = dest
	if subdirectory != "" {
		dir = filepath.Join(dest, filepath.FromSlash(subdirectory))
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return "", "", fmt.Errorf("git package %s: subdirectory %q does not exist at revision %s", shown, subdirectory, revision)
		}
	}
	return dir, strings.TrimSpace(out), nil
}
