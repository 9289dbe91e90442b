// Package microbatch is dbt 1.9's microbatch incremental strategy on the time axis: which
// batches a microbatch model builds in one run. A model with incremental_strategy
// 'microbatch' is built one batch at a time, each batch a [start, end) window of its
// event_time, so a late or failed period is rebuilt alone rather than with the whole table.
// The rules are those of MicrobatchBuilder in dbt-core's
// core/dbt/materializations/incremental/microbatch.py; the runner executes the batches and
// the compiler renders each one with its window (refs to inputs with an event_time are
// filtered to it).
package microbatch

import (
	"fmt"
	"strings"
	"time"
)

// Size is a batch_size config value: hour, day, month or year (dbt's BatchSize).
type Size string

// The batch sizes dbt knows.
const (
	Hour  Size = "hour"
	Day   Size = "day"
	Month Size = "month"
	Year  Size = "year"
)

// ParseSize reads a batch_size config value, failing with the allowed values.
func ParseSize(v any) (Size, error) {
	s, _ := v.(string)
	switch Size(strings.ToLower(s)) {
	case Hour, Day, Month, Year:
		return Size(strings.ToLower(s)), nil
	}
	if v == nil {
		return "", fmt.Errorf("has no 'batch_size' config (one of hour, day, month, year)")
	}
	return "", fmt.Errorf("batch_size %v is not one of hour, day, month, year", v)
}

// Batch is one [Start, End) window, in UTC.
type Batch struct {
	Start, End time.Time
}

// Truncate is t (in UTC) cut down to the start of its hour, day, month or year.
func Truncate(t time.Time, s Size) time.Time {
	t = t.UTC()
	switch s {
	case Hour:
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), 0, 0, 0, time.UTC)
	case Day:
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
}

// Offset is Truncate(t) moved by n batches (dbt's offset_timestamp: relative to the
// truncated time, so a day's last second +1 day is the next midnight).
func Offset(t time.Time, s Size, n int) time.Time {
	t = Truncate(t, s)
	switch s {
	case Hour:
		return t.Add(time.Duration(n) * time.Hour)
	case Day:
		return t.AddDate(0, 0, n)
	case Month:
		return t.AddDate(0, n, 0) // t is the 1st, so no day overflow
	}
	return t.AddDate(n, 0, 0)
}

// Ceiling is t moved up to the next batch boundary, or t when it is one.
func Ceiling(t time.Time, s Size) time.Time {
	if tr := Truncate(t, s); !tr.Equal(t.UTC()) {
		return Offset(tr, s, 1)
	}
	return t.UTC()
}

// Plan is what decides a run's batches: the model's configs and the run's flags.
type Plan struct {
	Size Size
	// Begin is the begin config (required when the model is built from scratch).
	Begin *time.Time
	// Lookback is how many batches before the checkpoint are rebuilt (default 1).
	Lookback int
	// Incremental is whether the model's table exists and is not being fully refreshed.
	Incremental bool
	// EventTimeStart and EventTimeEnd are --event-time-start and --event-time-end.
	EventTimeStart, EventTimeEnd *time.Time
	// Now is the invocation's start, the default end.
	Now time.Time
}

// Batches is the run's batches in order (build_end_time, build_start_time and
// build_batches of MicrobatchBuilder): from --event-time-start, or begin on a first run or
// full refresh, or lookback batches before now; to --event-time-end or now, rounded up to
// a batch boundary, the last batch ending exactly there.
func (p Plan) Batches() ([]Batch, error) {
	end := p.Now
	if p.EventTimeEnd != nil {
		end = *p.EventTimeEnd
	}
	end = Ceiling(end, p.Size)
	var start time.Time
	switch {
	case p.EventTimeStart != nil:
		start = Truncate(*p.EventTimeStart, p.Size)
	case !p.Incremental:
		if p.Begin == nil {
			return nil, fmt.Errorf("requires a 'begin' configuration")
		}
		start = Truncate(*p.Begin, p.Size)
	default:
		lookback := p.Lookback
		// The checkpoint (end) on a batch line: the last batch ends there, so the
		// window reaches one batch further back (microbatch.py's build_start_time).
		if end.Equal(Truncate(end, p.Size)) {
			lookback++
		}
		start = Offset(end, p.Size, -lookback)
	}
	// build_batches: the first batch always, then one per batch_size while short of end;
	// the last batch ends exactly at end.
	out := []Batch{{start, Offset(start, p.Size, 1)}}
	for out[len(out)-1].End.Before(end) {
		s := out[len(out)-1].End
		out = append(out, Batch{s, Offset(s, p.Size, 1)})
	}
	out[len(out)-1].End = end
	return out, nil
}

// ID is dbt's batch id: the formatted start without dashes ("20240917", "20240917T16").
func (b Batch) ID(s Size) string { return strings.ReplaceAll(FormatStart(b.Start, s), "-", "") }

// FormatStart is how dbt names a batch in logs: 2024, 2024-09, 2024-09-17, 2024-09-17T16.
func FormatStart(t time.Time, s Size) string {
	switch s {
	case Year:
		return t.Format("2006")
	case Month:
		return t.Format("2006-01")
	case Day:
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02T15")
}

// SQLTime is a batch boundary as dbt renders a Python datetime in SQL filters
// ("2024-09-17 00:00:00+00:00").
func SQLTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") + "+00:00" }

// ParseTime reads --event-time-start/--event-time-end and begin values: dates and
// ISO date-times, taken as UTC when they carry no zone.
func ParseTime(v any) (time.Time, error) {
	if t, ok := v.(time.Time); ok {
		return t.UTC(), nil
	}
	s := strings.TrimSpace(fmt.Sprint(v))
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15", "2006-01-02",
		"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date or date-time (YYYY-MM-DD[THH[:MM[:SS]]])", s)
}
