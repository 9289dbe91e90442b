package microbatch

import (
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := ParseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}

// The examples of MicrobatchBuilder's docstrings (dbt-core microbatch.py).
func TestTruncateOffsetCeiling(t *testing.T) {
	ts := at("2024-09-17 16:06:00")
	for _, c := range []struct {
		got  time.Time
		want string
	}{
		{Truncate(ts, Hour), "2024-09-17 16:00:00"},
		{Truncate(ts, Day), "2024-09-17 00:00:00"},
		{Truncate(ts, Month), "2024-09-01 00:00:00"},
		{Truncate(ts, Year), "2024-01-01 00:00:00"},
		{Offset(ts, Hour, -1), "2024-09-17 15:00:00"},
		{Offset(ts, Hour, 1), "2024-09-17 17:00:00"},
		{Offset(ts, Day, -1), "2024-09-16 00:00:00"},
		{Offset(ts, Day, 1), "2024-09-18 00:00:00"},
		{Offset(ts, Month, -1), "2024-08-01 00:00:00"},
		{Offset(ts, Month, 1), "2024-10-01 00:00:00"},
		{Offset(ts, Year, -1), "2023-01-01 00:00:00"},
		{Offset(ts, Year, 1), "2025-01-01 00:00:00"},
		{Offset(at("2024-09-17 23:59:59"), Day, 1), "2024-09-18 00:00:00"},
		{Offset(at("2024-03-31"), Month, -1), "2024-02-01 00:00:00"},
		{Ceiling(ts, Hour), "2024-09-17 17:00:00"},
		{Ceiling(at("2024-09-17 16:00:00"), Hour), "2024-09-17 16:00:00"},
		{Ceiling(ts, Day), "2024-09-18 00:00:00"},
		{Ceiling(at("2024-09-17"), Day), "2024-09-17 00:00:00"},
		{Ceiling(ts, Month), "2024-10-01 00:00:00"},
		{Ceiling(at("2024-09-01"), Month), "2024-09-01 00:00:00"},
		{Ceiling(ts, Year), "2025-01-01 00:00:00"},
		{Ceiling(at("2024-01-01"), Year), "2024-01-01 00:00:00"},
	} {
		if got := c.got.Format("2006-01-02 15:04:05"); got != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
	if got := FormatStart(ts, Hour) + " " + FormatStart(ts, Day) + " " + FormatStart(ts, Month) + " " + FormatStart(ts, Year); got != "2024-09-17T16 2024-09-17 2024-09 2024" {
		t.Errorf("FormatStart: %s", got)
	}
	if got := (Batch{Start: ts}).ID(Hour); got != "20240917T16" {
		t.Errorf("ID: %s", got)
	}
	if got := SQLTime(at("2024-09-17")); got != "2024-09-17 00:00:00+00:00" {
		t.Errorf("SQLTime: %s", got)
	}
}

func TestBatches(t *testing.T) {
	begin := at("2024-09-15 10:00")
	es, ee := at("2024-09-10 05:00"), at("2024-09-12 03:00")
	now := at("2024-09-17 16:06:00")
	for _, c := range []struct {
		name string
		p    Plan
		want []string
	}{
		{"first run from begin", Plan{Size: Day, Begin: &begin, Lookback: 1, Now: now},
			[]string{"2024-09-15..2024-09-16", "2024-09-16..2024-09-17", "2024-09-17..2024-09-18"}},
		{"incremental: lookback 1 before the checkpoint", Plan{Size: Day, Begin: &begin, Lookback: 1, Incremental: true, Now: now},
			[]string{"2024-09-16..2024-09-17", "2024-09-17..2024-09-18"}},
		{"incremental on a batch line", Plan{Size: Day, Lookback: 1, Incremental: true, Now: at("2024-09-17")},
			[]string{"2024-09-15..2024-09-16", "2024-09-16..2024-09-17"}},
		{"lookback 0", Plan{Size: Day, Lookback: 0, Incremental: true, Now: now},
			[]string{"2024-09-17..2024-09-18"}},
		{"event time window", Plan{Size: Day, Incremental: true, EventTimeStart: &es, EventTimeEnd: &ee, Now: now},
			[]string{"2024-09-10..2024-09-11", "2024-09-11..2024-09-12", "2024-09-12..2024-09-13"}},
		{"months", Plan{Size: Month, Begin: &begin, Now: now}, []string{"2024-09-01..2024-10-01"}},
	} {
		bs, err := c.p.Batches()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []string
		for _, b := range bs {
			got = append(got, b.Start.Format("2006-01-02")+".."+b.End.Format("2006-01-02"))
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
				break
			}
		}
	}
	if _, err := (Plan{Size: Day, Now: now}).Batches(); err == nil {
		t.Error("a first run without begin must fail")
	}
	if _, err := ParseSize("week"); err == nil {
		t.Error("batch_size week must be refused")
	}
}

// TestParseSample: --sample's two forms (SampleWindow in dbt-core's
// core/dbt/event_time/sample_window.py, SampleType in core/dbt/cli/option_types.py).
func TestParseSample(t *testing.T) {
	now := time.Date(2024, 3, 31, 16, 6, 0, 123456000, time.UTC)
	for _, c := range []struct{ in, start, end, err string }{
		{in: "3 days", start: "2024-03-28 16:06:00.123456+00:00", end: "2024-03-31 16:06:00.123456+00:00"},
		{in: "1 Day", start: "2024-03-30 16:06:00.123456+00:00", end: "2024-03-31 16:06:00.123456+00:00"},
		{in: "2 hours", start: "2024-03-31 14:06:00.123456+00:00", end: "2024-03-31 16:06:00.123456+00:00"},
		// relativedelta: a month back from the 31st stops at February's last day.
		{in: "1 month", start: "2024-02-29 16:06:00.123456+00:00", end: "2024-03-31 16:06:00.123456+00:00"},
		{in: "13 months", start: "2023-02-28 16:06:00.123456+00:00", end: "2024-03-31 16:06:00.123456+00:00"},
		{in: "1 year", start: "2023-03-31 16:06:00.123456+00:00", end: "2024-03-31 16:06:00.123456+00:00"},
		{in: "{'start': '2024-01-02', 'end': '2024-01-03 12:30'}", start: "2024-01-02 00:00:00+00:00", end: "2024-01-03 12:30:00+00:00"},
		// A zone is replaced by UTC, not converted (.replace(tzinfo=pytz.UTC)).
		{in: "{start: 2024-01-02T05:00:00+02:00, end: 2024-01-03}", start: "2024-01-02 05:00:00+00:00", end: "2024-01-03 00:00:00+00:00"},
		{in: "3days", err: "Must be of form 'DAYS_INT GRAIN_SIZE'"},
		{in: "x days", err: "unable to convert 'x' to an integer"},
		{in: "3 weeks", err: "invalid grain size 'weeks'"},
		{in: "{start: 2024-01-02}", err: `"end" is required`},
		{in: "{start: 2024-01-02, end: 2024-01-03, step: 1}", err: `unknown key "step"`},
		{in: "{start: yesterday, end: 2024-01-03}", err: "not a date or date-time"},
	} {
		s, err := ParseSample(c.in, now)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := [2]string{PyTime(s.Start), PyTime(s.End)}; got != [2]string{c.start, c.end} {
			t.Errorf("%q: window %q, want [%s, %s)", c.in, got, c.start, c.end)
		}
	}
}
