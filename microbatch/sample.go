package microbatch

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Sample is dbt 1.10's --sample window (SampleWindow in dbt-core's
// core/dbt/event_time/sample_window.py): during `run` or `build`, every ref() or source()
// of an input with an event_time config, read by a model or snapshot, is filtered to
// [Start, End), so a development build reads a slice of big inputs; microbatch models
// build only the batches of the window. Both bounds are UTC.
type Sample struct {
	Start, End time.Time
}

// ParseSample reads a --sample value as dbt's SampleType (core/dbt/cli/option_types.py):
// a YAML mapping {'start': ..., 'end': ...} of date-times (taken as UTC: dbt replaces
// their zone), or a relative window "N grain" ("3 days", "1 hour") ending now.
func ParseSample(v string, now time.Time) (*Sample, error) {
	if strings.HasPrefix(strings.TrimLeft(v, " \t"), "{") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(v), &m); err != nil || m == nil {
			return nil, fmt.Errorf("the YAML provided in the --sample argument is not a mapping: %s", strings.TrimSpace(v))
		}
		var s Sample
		for _, k := range []string{"start", "end"} {
			raw, ok := m[k]
			if !ok || raw == nil {
				return nil, fmt.Errorf("cannot load SAMPLE_WINDOW from %s: %q is required", strings.TrimSpace(v), k)
			}
			t, err := parseNaiveUTC(raw)
			if err != nil {
				return nil, fmt.Errorf("cannot load SAMPLE_WINDOW: %s: %w", k, err)
			}
			if k == "start" {
				s.Start = t
			} else {
				s.End = t
			}
		}
		for k := range m {
			if k != "start" && k != "end" {
				return nil, fmt.Errorf("cannot load SAMPLE_WINDOW: unknown key %q (start, end)", k)
			}
		}
		return &s, nil
	}
	// SampleWindow.from_relative_string: exactly "INT GRAIN", the grain singular or plural.
	parts := strings.Split(v, " ")
	if len(parts) != 2 {
		return nil, fmt.Errorf("cannot load SAMPLE_WINDOW from '%s'. Must be of form 'DAYS_INT GRAIN_SIZE'", v)
	}
	n, err := strconv.Atoi(parts[0])
	if err != nil {
		return nil, fmt.Errorf("unable to convert '%s' to an integer", parts[0])
	}
	size := Size(strings.TrimRight(strings.ToLower(parts[1]), "s"))
	switch size {
	case Hour, Day, Month, Year:
	default:
		return nil, fmt.Errorf("invalid grain size '%s'. Must be one of [hour, day, month, year, hours, days, months, years]", parts[1])
	}
	end := now.UTC()
	return &Sample{Start: Shift(end, size, -n), End: end}, nil
}

// parseNaiveUTC is a sample bound: a date-time whose zone, if any, is replaced by UTC
// (option_types.py's `.replace(tzinfo=pytz.UTC)`, not a conversion).
func parseNaiveUTC(v any) (time.Time, error) {
	if t, ok := v.(time.Time); ok {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC), nil
	}
	s := strings.TrimSpace(fmt.Sprint(v))
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return parseNaiveUTC(t)
		}
	}
	return ParseTime(s)
}

// Shift is t moved by n batch sizes without truncating it (offset_timestamp in dbt-core's
// core/dbt/event_time/event_time.py, dateutil's relativedelta: a month or year step
// that lands past a month's end stops at its last day, 2024-01-31 + 1 month = 2024-02-29).
func Shift(t time.Time, s Size, n int) time.Time {
	switch s {
	case Hour:
		return t.Add(time.Duration(n) * time.Hour)
	case Day:
		return t.AddDate(0, 0, n)
	}
	months := n
	if s == Year {
		months = 12 * n
	}
	y, m := t.Year(), int(t.Month())-1+months
	y += m / 12
	m %= 12
	if m < 0 {
		m += 12
		y--
	}
	last := time.Date(y, time.Month(m+2), 0, 0, 0, 0, 0, t.Location()).Day()
	d := t.Day()
	if d > last {
		d = last
	}
	return time.Date(y, time.Month(m+1), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// PyTime is t as Python's str() of a UTC datetime, the form dbt renders event-time filter
// bounds in ("2024-09-17 16:06:00.123456+00:00", the fraction only when not zero).
func PyTime(t time.Time) string {
	t = t.UTC()
	if us := t.Nanosecond() / 1000; us != 0 {
		return t.Format("2006-01-02 15:04:05") + fmt.Sprintf(".%06d", us) + "+00:00"
	}
	return SQLTime(t)
}
