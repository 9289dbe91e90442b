package pylib

import (
	"strings"
	"testing"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// renderModules renders src with {{ modules }} (bound to dt = modules.datetime) and an
// aware run_started_at, as dbt's context has them.
func renderModules(t *testing.T, src string) (string, error) {
	t.Helper()
	env := jinja.NewEnv()
	tpl, err := env.Parse("inline", "{% set dt = modules.datetime %}"+src)
	if err != nil {
		t.Fatalf("%s: parse: %v", src, err)
	}
	return tpl.Render(env, &jinja.Context{Vars: map[string]jinja.Value{
		"modules":        Modules{},
		"run_started_at": &datetimeObj{t: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)},
	}})
}

// TestModulesDatetimeOperators checks datetime arithmetic and comparisons against
// CPython's output for the same expressions.
func TestModulesDatetimeOperators(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"{{ run_started_at - dt.timedelta(days=1) }}", "2024-02-29 12:00:00+00:00"},
		{"{{ (dt.datetime(2024,3,2,13,30) - dt.datetime(2024,3,1,12,0)).total_seconds() }}", "91800.0"},
		{"{{ dt.date(2024,2,28) + dt.timedelta(days=2) }}", "2024-03-01"},
		{"{{ dt.date(2024,1,1) + dt.timedelta(hours=47) }}", "2024-01-02"},
		{"{{ dt.timedelta(hours=1) + dt.datetime(2024,1,1) }}", "2024-01-01 01:00:00"},
		{"{{ (dt.timedelta(hours=1) * 2).total_seconds() }}", "7200.0"},
		{"{{ (3 * dt.timedelta(minutes=1)).total_seconds() }}", "180.0"},
		{"{{ dt.timedelta(hours=1) / 2 }}", "0:30:00"},
		{"{{ dt.timedelta(minutes=3) // 2 }}", "0:01:30"},
		{"{{ dt.timedelta(hours=3) - dt.timedelta(hours=1) }}", "2:00:00"},
		// Python's normalization: negative durations borrow a day; microseconds are printed.
		{"{{ dt.timedelta(seconds=-1) }}|{{ dt.timedelta(seconds=-1).days }}|{{ dt.timedelta(seconds=-1).seconds }}", "-1 day, 23:59:59|-1|86399"},
		{"{{ dt.timedelta(microseconds=1500) }}|{{ dt.timedelta(microseconds=1500).microseconds }}", "0:00:00.001500|1500"},
		{"{{ dt.timedelta(days=-3, hours=5, microseconds=7) }}|{{ dt.timedelta(days=400) }}", "-3 days, 5:00:00.000007|400 days, 0:00:00"},
		{"{{ (-dt.timedelta(days=1)).total_seconds() }}", "-86400.0"},
		{"{{ (+dt.timedelta(days=1)).total_seconds() }}", "86400.0"},
		{"{{ dt.timedelta(hours=1) / dt.timedelta(minutes=20) }}", "3.0"},
		{"{{ dt.timedelta(hours=1) // dt.timedelta(minutes=25) }}", "2"},
		{"{{ dt.timedelta(hours=1) % dt.timedelta(minutes=25) }}", "0:10:00"},
		{"{{ dt.date(2024,3,1) - dt.date(2024,2,1) }}", "29 days, 0:00:00"},
		{"{{ dt.date(2024,1,1) < dt.date(2024,1,2) }}/{{ dt.date(2024,1,2) <= dt.date(2024,1,1) }}", "True/False"},
		{"{{ dt.datetime(2024,1,1) == dt.datetime(2024,1,1) }}/{{ dt.datetime(2024,1,1) != dt.datetime(2024,1,1) }}", "True/False"},
		{"{{ run_started_at == dt.datetime(2024,3,1,12) }}", "False"},
		{"{{ dt.date(2024,1,1) == dt.datetime(2024,1,1) }}", "False"},
		{"{{ run_started_at >= run_started_at - dt.timedelta(seconds=1) }}", "True"},
		{"{{ dt.timedelta(days=1) < dt.timedelta(hours=25) }}/{{ dt.timedelta(days=1) == dt.timedelta(hours=24) }}", "True/True"},
		{"{{ [dt.date(2024,1,3), dt.date(2024,1,1), dt.date(2024,1,2)] | sort | join(',') }}", "2024-01-01,2024-01-02,2024-01-03"},
		{"{{ {dt.date(2024,1,1): 'a'}[dt.date(2024,1,1)] }}", "a"},
		{"{{ [dt.timedelta(hours=1), dt.timedelta(minutes=60)] | unique | list | length }}", "1"},
	} {
		got, err := renderModules(t, c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s\n got %q\nwant %q", c.src, got, c.want)
		}
	}
}

// TestModulesDatetimeErrors checks Python's TypeErrors for mixed or unsupported operands.
func TestModulesDatetimeErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"{{ run_started_at < dt.datetime(2024,1,1) }}", "can't compare offset-naive and offset-aware datetimes"},
		{"{{ run_started_at - dt.datetime(2024,1,1) }}", "can't subtract offset-naive and offset-aware datetimes"},
		{"{{ dt.datetime(2024,1,1) + 1 }}", "unsupported operand type(s) for +: 'datetime.datetime' and 'int'"},
		{"{{ dt.timedelta(days=1) - dt.date(2024,1,1) }}", "unsupported operand type(s) for -: 'datetime.timedelta' and 'datetime.date'"},
		{"{{ dt.date(2024,1,1) < dt.datetime(2024,1,1) }}", "can't compare datetime.date to datetime.datetime"},
	} {
		got, err := renderModules(t, c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %q, error %v; want an error containing %q", c.src, got, err, c.want)
		}
	}
}
