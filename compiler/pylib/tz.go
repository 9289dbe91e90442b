package pylib

import (
	"fmt"
	"time"
	_ "time/tzdata" // pytz carries its own zone database; so does gdbt, whatever the machine has

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// roundMinute rounds an offset in seconds to the nearest minute, as pytz does for every
// offset it reads (pytz/tzfile.py: "Round utcoffset and dst to the nearest minute").
func roundMinute(off int) int {
	if off < 0 {
		return -roundMinute(-off)
	}
	return (off + 30) / 60 * 60
}

// tzObj is a tzinfo: a pytz zone (pytz.timezone('Europe/Paris'), pytz.utc) or a fixed
// offset from datetime.timezone. Go's time.Location does the zone arithmetic.
type tzObj struct {
	loc   *time.Location
	name  string // pytz's zone name, or datetime.timezone's tzname
	pytz  bool   // a pytz zone (localize/normalize, and the LMT offset on replace(tzinfo=))
	fixed bool   // datetime.timezone(offset)
}

var utcTz = &tzObj{loc: time.UTC, name: "UTC", pytz: true}

// pytzModule is {{ modules.pytz }}.
type pytzModule struct{}

func (pytzModule) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "utc", "UTC":
		return utcTz, true
	case "timezone":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "zone")
			return loadZone(a["zone"])
		}), true
	case "UnknownTimeZoneError":
		return "UnknownTimeZoneError", true
	}
	return nil, false
}

// loadZone is pytz.timezone(zone): 'UTC' is pytz.utc; an unknown name raises pytz's
// UnknownTimeZoneError with the name repr'd (pytz/__init__.py).
func loadZone(v jinja.Value) (*tzObj, error) {
	if t, ok := v.(*tzObj); ok {
		return t, nil
	}
	name, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("UnknownTimeZoneError: %s", pyRepr(v))
	}
	if name == "UTC" || name == "utc" {
		return utcTz, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		return nil, fmt.Errorf("UnknownTimeZoneError: %s", pyRepr(name))
	}
	return &tzObj{loc: loc, name: name, pytz: true}, nil
}

// fixedTz is datetime.timezone(timedelta[, name]); its tzname is 'UTC±HH:MM' unless named.
func fixedTz(offset time.Duration, name string) *tzObj {
	if name == "" {
		if offset == 0 {
			name = "UTC"
		} else {
			name = "UTC" + formatOffset(offset, ":")
		}
	}
	return &tzObj{loc: time.FixedZone(name, int(offset/time.Second)), name: name, fixed: true}
}

// formatOffset is Python's utcoffset formatting: ±HH<sep>MM, then <sep>SS and .ffffff only
// when not zero (datetime.py _format_offset).
func formatOffset(off time.Duration, sep string) string {
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	h, m, s := int(off/time.Hour), int(off/time.Minute)%60, int(off/time.Second)%60
	out := fmt.Sprintf("%s%02d%s%02d", sign, h, sep, m)
	if s != 0 || off%time.Second != 0 {
		out += fmt.Sprintf("%s%02d", sep, s)
		if us := int(off%time.Second) / 1000; us != 0 {
			out += fmt.Sprintf(".%06d", us)
		}
	}
	return out
}

// JinjaString is str(tz): pytz prints the zone name, datetime.timezone its tzname.
func (z *tzObj) JinjaString() string { return z.name }

// JinjaTypeName names the Python type in TypeErrors.
func (z *tzObj) JinjaTypeName() string {
	if z.fixed {
		return "datetime.timezone"
	}
	return "pytz.tzinfo"
}

// JinjaHash makes zones comparable dict keys, as pytz's singletons are.
func (z *tzObj) JinjaHash() any { return "tz:" + z.name }

// lmt is the zone's first (local mean time) offset: what pytz gives a datetime built with
// tzinfo=zone, because such a datetime does not go through localize() (pytz's documented
// pitfall; pytz/tzinfo.py DstTzInfo.__init__ picks _utc_transition_times[0]).
func (z *tzObj) lmt() *time.Location {
	if !z.pytz || z.loc == time.UTC {
		return z.loc
	}
	name, off := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC).In(z.loc).Zone()
	return time.FixedZone(name, roundMinute(off))
}

func (z *tzObj) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "zone":
		if z.pytz {
			return z.name, true
		}
	case "localize":
		// localize(dt, is_dst=False): attach the zone to a naive wall clock.
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "dt", "is_dst")
			d, ok := a["dt"].(*datetimeObj)
			if !ok || d.dateOnly {
				return nil, fmt.Errorf("localize() takes a datetime")
			}
			if !d.naive {
				return nil, fmt.Errorf("ValueError: Not naive datetime (tzinfo is already set)")
			}
			t := d.t
			return &datetimeObj{t: freeze(time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), z.loc), z), tz: z}, nil
		}), true
	case "normalize":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "dt")
			d, ok := a["dt"].(*datetimeObj)
			if !ok || d.naive {
				return nil, fmt.Errorf("ValueError: Naive time - no tzinfo set")
			}
			return &datetimeObj{t: freeze(d.t, z), tz: z}, nil
		}), true
	case "utcoffset", "dst", "tzname":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "dt")
			t := time.Now()
			if d, ok := a["dt"].(*datetimeObj); ok {
				t = d.t
				if d.naive {
					t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), z.loc)
				}
			}
			nm, off := t.In(z.loc).Zone()
			switch name {
			case "tzname":
				if z.fixed {
					return z.name, nil
				}
				return nm, nil
			case "dst":
				if z.fixed || !t.In(z.loc).IsDST() {
					return &timedeltaObj{}, nil
				}
				_, std := time.Date(t.Year(), 1, 1, 0, 0, 0, 0, z.loc).Zone()
				if _, jul := time.Date(t.Year(), 7, 1, 0, 0, 0, 0, z.loc).Zone(); jul < std {
					std = jul
				}
				return &timedeltaObj{d: time.Duration(off-std) * time.Second}, nil
			}
			return &timedeltaObj{d: time.Duration(off) * time.Second}, nil
		}), true
	}
	return nil, false
}

// timezoneClass is datetime.timezone: timezone(offset[, name]) and timezone.utc.
type timezoneClass struct{}

func (timezoneClass) CallJinja(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "offset", "name")
	td, ok := a["offset"].(*timedeltaObj)
	if !ok {
		return nil, fmt.Errorf("timezone() argument 1 must be datetime.timedelta, not %s", pyTypeName(a["offset"]))
	}
	if td.d <= -24*time.Hour || td.d >= 24*time.Hour {
		return nil, fmt.Errorf("offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not %s", pyRepr(td))
	}
	name, _ := a["name"].(string)
	return fixedTz(td.d, name), nil
}

func (timezoneClass) Attr(name string) (jinja.Value, bool) {
	if name == "utc" {
		return fixedTz(0, ""), true
	}
	return nil, false
}

// pyTypeName is the Python type name of a value, for TypeErrors.
func pyTypeName(v jinja.Value) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64, int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case *jinja.List:
		return "list"
	case jinja.Tuple:
		return "tuple"
	case *jinja.Dict:
		return "dict"
	case interface{ JinjaTypeName() string }:
		return x.JinjaTypeName()
	}
	return fmt.Sprintf("%T", v)
}

// pyRepr is Python's repr(): the engine's, and timedelta's own form.
func pyRepr(v jinja.Value) string {
	if t, ok := v.(*timedeltaObj); ok {
		return t.repr()
	}
	return jinja.Repr(v)
}
