package dag

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gdbt-dev/gdbt/manifest"
)

// State is what --state <dir> provides to the state: and result: methods: the
// manifest.json and run_results.json an earlier invocation wrote there.
type State struct {
	// Manifest is nil when the folder has no manifest.json.
	Manifest *manifest.Manifest
	// Results maps unique id to status; nil when the folder has no run_results.json.
	Results map[string]string
}

// ReadState reads the artifacts of a --state folder. Missing files are not errors (the
// selector methods that need them report it, naming the selector); unreadable or
// malformed ones are.
func ReadState(dir string) (*State, error) {
	st := &State{}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read state: %w", err)
	default:
		var m manifest.Manifest
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "manifest.json"), err)
		}
		st.Manifest = &m
	}
	data, err = os.ReadFile(filepath.Join(dir, "run_results.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read state: %w", err)
	default:
		var rr struct {
			Results []struct {
				UniqueID string `json:"unique_id"`
				Status   string `json:"status"`
			} `json:"results"`
		}
		if err := json.Unmarshal(data, &rr); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "run_results.json"), err)
		}
		st.Results = make(map[string]string, len(rr.Results))
		for _, r := range rr.Results {
			st.Results[r.UniqueID] = r.Status
		}
	}
	return st, nil
}
