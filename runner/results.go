package runner

import (
	"github.com/gdbt-dev/gdbt/compiler"

	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Statuses as dbt writes them in run_results.json. Models, seeds and snapshots use
// success/error/skipped; tests use pass/fail/warn/error/skipped.
const (
	StatusSuccess = "success"
	StatusError   = "error"
	StatusSkipped = "skipped"
	StatusPass    = "pass"
	StatusFail    = "fail"
	StatusWarn    = "warn"
	// StatusPartialSuccess is a microbatch model some of whose batches failed and some
	// succeeded (RunStatus.PartialSuccess, dbt-core core/dbt/artifacts/schemas/results.py):
	// it counts as an error in the totals, skips its dependents and is retried.
	StatusPartialSuccess = "partial success"
)

// Timing is one phase of a node's execution (compile, execute).
type Timing struct {
	Name        string `json:"name"`
	StartedAt   string `json:"started_at"`
	CompletedAt string `json:"completed_at"`
}

// NodeResult is one entry of run_results.json.
type NodeResult struct {
	UniqueID        string         `json:"unique_id"`
	Status          string         `json:"status"`
	Timing          []Timing       `json:"timing"`
	ThreadID        string         `json:"thread_id"`
	ExecutionTime   float64        `json:"execution_time"`
	AdapterResponse map[string]any `json:"adapter_response"`
	Message         *string        `json:"message"`
	Failures        *int64         `json:"failures"`
	Compiled        *bool          `json:"compiled"`
	CompiledCode    *string        `json:"compiled_code"`
	RelationName    *string        `json:"relation_name"`
	BatchResults    *BatchResults  `json:"batch_results"`

	// detail is a partial success's batch error, printed in the footer (its message is
	// dbt's "PARTIAL SUCCESS (n/m)").
	detail string
}

// PartialSuccess is the error of a microbatch model whose batches partly succeeded.
type PartialSuccess struct {
	Succeeded, Total int
	Err              error
}

func (e *PartialSuccess) Error() string { return e.Err.Error() }
func (e *PartialSuccess) Unwrap() error { return e.Err }

// BatchResults are a microbatch model's batches by outcome, each [start, end) as ISO
// date-times (BatchResults in dbt-core's core/dbt/artifacts/schemas/batch_results.py); a
// skipped batch counts as failed. `gdbt retry` reruns only the failed ones.
type BatchResults struct {
	Successful [][2]string `json:"successful"`
	Failed     [][2]string `json:"failed"`
}

// RunResults is the whole run_results.json artifact (dbt schema v6).
type RunResults struct {
	Metadata    RunMetadata    `json:"metadata"`
	Results     []NodeResult   `json:"results"`
	ElapsedTime float64        `json:"elapsed_time"`
	Args        map[string]any `json:"args"`
}

// RunMetadata is the artifact header.
type RunMetadata struct {
	DbtSchemaVersion    string            `json:"dbt_schema_version"`
	DbtVersion          string            `json:"dbt_version"`
	GeneratedAt         string            `json:"generated_at"`
	InvocationID        string            `json:"invocation_id"`
	InvocationStartedAt string            `json:"invocation_started_at"`
	Env                 map[string]string `json:"env"`
}

const runResultsSchema = "https://schemas.getdbt.com/dbt/run-results/v6.json"

// WriteRunResults writes target/run_results.json atomically (temp file + rename), so a
// crash never leaves a truncated artifact for `gdbt retry` to choke on.
func WriteRunResults(path string, rr *RunResults) error {
	rr.Metadata.DbtSchemaVersion = runResultsSchema
	if rr.Metadata.GeneratedAt == "" {
		rr.Metadata.GeneratedAt = time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	if rr.Metadata.Env == nil {
		rr.Metadata.Env = map[string]string{}
	}
	if rr.Results == nil {
		rr.Results = []NodeResult{}
	}
	for i := range rr.Results {
		if rr.Results[i].Timing == nil {
			rr.Results[i].Timing = []Timing{}
		}
		if rr.Results[i].AdapterResponse == nil {
			rr.Results[i].AdapterResponse = map[string]any{}
		}
	}
	return writeJSONAtomic(path, rr)
}

// writeJSONAtomic writes v as indented JSON via a temp file and a rename.
func writeJSONAtomic(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	return writeFileAtomic(path, data)
}

// ReadRunResults reads a previous run_results.json (for retry and result: selectors).
func ReadRunResults(path string) (*RunResults, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no previous run results at %s: run a command first: %w", path, err)
		}
		return nil, err
	}
	var rr RunResults
	if err := json.Unmarshal(data, &rr); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &rr, nil
}

// Statuses maps unique id → status of a previous run.
func (rr *RunResults) Statuses() map[string]string {
	m := make(map[string]string, len(rr.Results))
	for _, r := range rr.Results {
		m[r.UniqueID] = r.Status
	}
	return m
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	data = []byte(compiler.Redact(string(data))) // secrets never reach an artifact
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func strPtr(s string) *string { return &s }
