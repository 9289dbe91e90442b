package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/gdbt-dev/gdbt/manifest"
	"github.com/gdbt-dev/gdbt/warehouse"
)

// FreshnessResult is one entry of sources.json (dbt's sources v3 schema).
type FreshnessResult struct {
	UniqueID        string         `json:"unique_id"`
	MaxLoadedAt     string         `json:"max_loaded_at,omitempty"`
	SnapshottedAt   string         `json:"snapshotted_at,omitempty"`
	AgeSeconds      *float64       `json:"max_loaded_at_time_ago_in_s,omitempty"`
	Status          string         `json:"status"`
	Criteria        map[string]any `json:"criteria,omitempty"`
	AdapterResponse map[string]any `json:"adapter_response"`
	Timing          []Timing       `json:"timing,omitempty"`
	ThreadID        string         `json:"thread_id,omitempty"`
	ExecutionTime   *float64       `json:"execution_time,omitempty"`
	Error           *string        `json:"error,omitempty"`
}

// MarshalJSON writes the two shapes of sources.json: a runtime error is only its id,
// status and error (SourceFreshnessRuntimeError); a check that ran has every field of
// SourceFreshnessOutput, an empty adapter_response included.
func (r FreshnessResult) MarshalJSON() ([]byte, error) {
	if r.Status == "runtime error" {
		msg := ""
		if r.Error != nil {
			msg = *r.Error
		}
		return json.Marshal(struct {
			UniqueID string `json:"unique_id"`
			Error    string `json:"error"`
			Status   string `json:"status"`
		}{r.UniqueID, msg, r.Status})
	}
	type plain FreshnessResult // without the method
	p := plain(r)
	p.Error = nil
	if p.AdapterResponse == nil {
		p.AdapterResponse = map[string]any{}
	}
	if p.Timing == nil {
		p.Timing = []Timing{}
	}
	return json.Marshal(p)
}

// Freshness checks every given source that has a freshness policy and a loaded_at_field:
// the age of its newest row against warn_after / error_after. It returns the results in id
// order and writes nothing; the caller writes sources.json.
func Freshness(ctx context.Context, m *manifest.Manifest, a warehouse.Adapter, ids []string, con *Console) []FreshnessResult {
	var todo []*manifest.Source
	for _, id := range ids {
		if s, ok := m.Sources[id]; ok && s.LoadedAtField != "" && hasThreshold(s.Freshness) {
			todo = append(todo, s)
		}
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].UniqueID < todo[j].UniqueID })
	var out []FreshnessResult
	start := time.Now()
	con.Info("Concurrency", "Concurrency: 1 threads")
	con.Info("Empty", "")
	for i, s := range todo {
		desc := "freshness of " + s.SourceName + "." + s.Name
		con.StatusLine(Event{Name: "FreshnessStart", UniqueID: s.UniqueID, Index: i + 1, Total: len(todo), Msg: "START " + desc}, "RUN", "")
		t0 := time.Now()
		r := checkFreshness(ctx, a, s, t0)
		el := time.Since(t0).Seconds()
		r.ExecutionTime = &el
		r.ThreadID = "Thread-1"
		r.Timing = []Timing{{Name: "execute", StartedAt: t0.UTC().Format(time.RFC3339Nano), CompletedAt: time.Now().UTC().Format(time.RFC3339Nano)}}
		color := colorGreen
		switch r.Status {
		case "warn":
			color = colorYellow
		case "error", "runtime error":
			color = colorRed
		}
		label := map[string]string{"pass": "PASS", "warn": "WARN", "error": "ERROR STALE", "runtime error": "ERROR"}[r.Status]
		con.StatusLine(Event{Name: "FreshnessDone", UniqueID: s.UniqueID, Index: i + 1, Total: len(todo), Status: r.Status, Msg: label + " " + desc}, fmt.Sprintf("%s in %.2fs", label, el), color)
		if r.Status == "runtime error" {
			out = append(out, FreshnessResult{UniqueID: r.UniqueID, Status: r.Status, Error: r.Error})
			continue
		}
		out = append(out, r)
	}
	freshnessFooter(con, out, time.Since(start))
	return out
}

// freshnessFooter prints dbt's closing lines: the elapsed time, the failures again, and
// the Done counts.
func freshnessFooter(con *Console, res []FreshnessResult, el time.Duration) {
	var pass, warn, bad int
	con.Info("Empty", "")
	con.Info("FinishedRunning", fmt.Sprintf("Finished running %d source%s in %.2fs.", len(res), plural(int64(len(res))), el.Seconds()))
	for _, r := range res {
		switch r.Status {
		case "pass":
			pass++
		case "warn":
			warn++
		default:
			bad++
			msg := "stale: newest row older than error_after"
			if r.Error != nil {
				msg = *r.Error
			}
			con.Error("RunResultError", fmt.Sprintf("Freshness error in %s: %s", r.UniqueID, msg))
		}
	}
	con.Info("Empty", "")
	con.Info("EndOfRunSummary", fmt.Sprintf("Done. PASS=%d WARN=%d ERROR=%d SKIP=0 NO-OP=0 TOTAL=%d", pass, warn, bad, len(res)))
}

func checkFreshness(ctx context.Context, a warehouse.Adapter, s *manifest.Source, now time.Time) FreshnessResult {
	r := FreshnessResult{UniqueID: s.UniqueID, Criteria: criteria(s.Freshness), AdapterResponse: map[string]any{}}
	q := fmt.Sprintf("select max(%s) as max_loaded_at from %s", s.LoadedAtField, s.RelationName)
	if f, ok := s.Freshness["filter"].(string); ok && f != "" {
		q += " where " + f
	}
	_, tab, err := a.Execute(ctx, q, true)
	if err != nil {
		msg := err.Error()
		r.Status, r.Error = "runtime error", &msg
		return r
	}
	var loaded time.Time
	if tab != nil && len(tab.Rows) == 1 && len(tab.Rows[0]) == 1 {
		switch v := tab.Rows[0][0].(type) {
		case time.Time:
			loaded = v
		case string:
			loaded, _ = time.Parse(time.RFC3339, v)
		}
	}
	if loaded.IsZero() {
		msg := "the source has no rows with a " + s.LoadedAtField
		r.Status, r.Error = "runtime error", &msg
		return r
	}
	age := now.Sub(loaded).Seconds()
	r.AgeSeconds = &age
	r.MaxLoadedAt = loaded.UTC().Format(time.RFC3339Nano)
	r.SnapshottedAt = now.UTC().Format(time.RFC3339Nano)
	r.Status = "pass"
	if d, ok := threshold(s.Freshness["warn_after"]); ok && age > d.Seconds() {
		r.Status = "warn"
	}
	if d, ok := threshold(s.Freshness["error_after"]); ok && age > d.Seconds() {
		r.Status = "error"
	}
	return r
}

func hasThreshold(f map[string]any) bool {
	_, w := threshold(f["warn_after"])
	_, e := threshold(f["error_after"])
	return w || e
}

// threshold reads {count: 12, period: hour}.
func threshold(v any) (time.Duration, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return 0, false
	}
	var count float64
	switch c := m["count"].(type) {
	case int:
		count = float64(c)
	case int64:
		count = float64(c)
	case float64:
		count = c
	default:
		return 0, false
	}
	unit := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}[fmt.Sprint(m["period"])]
	if unit == 0 {
		return 0, false
	}
	return time.Duration(count * float64(unit)), true
}

func criteria(f map[string]any) map[string]any {
	c := map[string]any{"warn_after": nil, "error_after": nil, "filter": nil}
	for _, k := range []string{"warn_after", "error_after", "filter"} {
		if v, ok := f[k]; ok {
			c[k] = v
		}
	}
	return c
}

// SourcesArtifact is target/sources.json.
type SourcesArtifact struct {
	Metadata    RunMetadata       `json:"metadata"`
	Results     []FreshnessResult `json:"results"`
	ElapsedTime float64           `json:"elapsed_time"`
}

// WriteSources writes sources.json atomically.
func WriteSources(path string, art *SourcesArtifact) error {
	art.Metadata.DbtSchemaVersion = "https://schemas.getdbt.com/dbt/sources/v3.json"
	if art.Metadata.GeneratedAt == "" {
		art.Metadata.GeneratedAt = time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	}
	if art.Metadata.Env == nil {
		art.Metadata.Env = map[string]string{}
	}
	if art.Results == nil {
		art.Results = []FreshnessResult{}
	}
	return writeJSONAtomic(path, art)
}
