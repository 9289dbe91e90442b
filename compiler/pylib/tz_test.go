package pylib

import (
	"strings"
	"testing"
)

// TestPytz checks pytz's behaviour with real zones. pytz is not installed here, so the
// expectations are the zones' published offsets and pytz's documented quirks (localize vs
// tzinfo=, normalize after arithmetic, offsets rounded to the minute).
func TestPytz(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`{% set ny = modules.pytz.timezone('America/New_York') %}{{ ny.localize(modules.datetime.datetime(2024, 1, 15, 9)) }}|{{ ny.localize(modules.datetime.datetime(2024, 7, 15, 9)) }}`,
			"2024-01-15 09:00:00-05:00|2024-07-15 09:00:00-04:00"},
		{`{{ run_started_at.astimezone(modules.pytz.timezone('Asia/Kolkata')) }}|{{ run_started_at.astimezone(modules.pytz.timezone('Australia/Adelaide')).strftime('%H:%M %Z %z') }}`,
			"2024-03-01 17:30:00+05:30|22:30 ACDT +1030"},
		// tzinfo= without localize() gives the zone's local mean time, rounded to the minute.
		{`{{ modules.datetime.datetime(2024, 1, 1, tzinfo=modules.pytz.timezone('America/New_York')) }}`, "2024-01-01 00:00:00-04:56"},
		{`{{ modules.datetime.datetime(2024, 1, 1).replace(tzinfo=modules.pytz.timezone('Europe/Amsterdam')) }}`, "2024-01-01 00:00:00+00:20"},
		// Arithmetic keeps the offset; normalize() moves it across the DST change.
		{`{% set ny = modules.pytz.timezone('America/New_York') %}{% set d = ny.localize(modules.datetime.datetime(2024, 3, 9, 12)) + modules.datetime.timedelta(days=1) %}{{ d }}|{{ ny.normalize(d) }}`,
			"2024-03-10 12:00:00-05:00|2024-03-10 13:00:00-04:00"},
		{`{{ modules.pytz.utc.localize(modules.datetime.datetime(2024, 1, 1)) }}|{{ modules.pytz.utc }}|{{ modules.pytz.UTC.zone }}|{{ modules.pytz.timezone('UTC') is sameas modules.pytz.utc }}`,
			"2024-01-01 00:00:00+00:00|UTC|UTC|True"},
		{`{{ modules.datetime.datetime.now(modules.pytz.timezone('Europe/Paris')).tzinfo }}|{{ modules.datetime.datetime.now(modules.pytz.timezone('Europe/Paris')).tzinfo.zone }}`,
			"Europe/Paris|Europe/Paris"},
		{`{% set ny = modules.pytz.timezone('America/New_York') %}{{ ny.localize(modules.datetime.datetime(2024, 7, 1)).tzname() }}|{{ ny.localize(modules.datetime.datetime(2024, 7, 1)).utcoffset() }}|{{ ny.utcoffset(modules.datetime.datetime(2024, 1, 1)) }}|{{ ny.dst(modules.datetime.datetime(2024, 7, 1)) }}`,
			"EDT|-1 day, 20:00:00|-1 day, 19:00:00|1:00:00"},
		{`{% set d = modules.pytz.timezone('Asia/Tokyo').localize(modules.datetime.datetime(2024, 1, 1, 9)) %}{{ d.astimezone(modules.pytz.utc) }}|{{ d == run_started_at.replace(year=2024, month=1, day=1, hour=0) }}`,
			"2024-01-01 00:00:00+00:00|True"},
	} {
		got, err := renderCase(c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s\n got %q\nwant %q", c.src, got, c.want)
		}
	}
	for _, c := range []struct{ src, want string }{
		{`{{ modules.pytz.timezone('Mars/Olympus_Mons') }}`, "UnknownTimeZoneError: 'Mars/Olympus_Mons'"},
		{`{{ modules.pytz.timezone('UTC').localize(run_started_at) }}`, "Not naive datetime"},
	} {
		if _, err := renderCase(c.src); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.src, err, c.want)
		}
	}
}
