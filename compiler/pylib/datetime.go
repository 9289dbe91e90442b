package pylib

import (
	"fmt"
	"math"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// datetimeModule is {{ modules.datetime }}: datetime, date, timedelta and timezone, as
// CPython's datetime module (Lib/datetime.py is the reference for every rule below).
type datetimeModule struct{}

func (datetimeModule) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "datetime":
		return datetimeClass{}, true
	case "date":
		return dateClass{}, true
	case "timedelta":
		return timedeltaClass{}, true
	case "timezone":
		return timezoneClass{}, true
	case "MINYEAR":
		return int64(1), true
	case "MAXYEAR":
		return int64(9999), true
	}
	return nil, false
}

// datetimeObj is a datetime.datetime, or a datetime.date when dateOnly. An aware value's t
// is in a fixed-offset location (the offset it was made with, as a Python aware datetime
// keeps its tzinfo through arithmetic); tz is its tzinfo object (nil: UTC).
type datetimeObj struct {
	t        time.Time
	naive    bool
	dateOnly bool
	tz       *tzObj
}

// freeze converts t to zone z at the offset in force there, fixed, as a Python datetime
// holds it (pytz's localize and astimezone pick the offset; arithmetic then keeps it).
func freeze(t time.Time, z *tzObj) time.Time {
	if z == nil || z.loc == time.UTC {
		return t.UTC()
	}
	t = t.In(z.loc)
	name, off := t.Zone()
	if z.fixed {
		name = z.name
	} else {
		off = roundMinute(off)
	}
	return t.In(time.FixedZone(name, off))
}

// tzinfo is the datetime's tzinfo (None when naive).
func (d *datetimeObj) tzinfo() jinja.Value {
	if d.naive || d.dateOnly {
		return nil
	}
	if d.tz != nil {
		return d.tz
	}
	if _, off := d.t.Zone(); off != 0 {
		return fixedTz(time.Duration(off)*time.Second, "")
	}
	return utcTz
}

func wall(y, mo, d, h, mi, s, ns int, loc *time.Location) time.Time {
	return time.Date(y, time.Month(mo), d, h, mi, s, ns, loc)
}

// datetimeClass is datetime.datetime: a constructor with now/utcnow/today/strptime/….
type datetimeClass struct{}

func (datetimeClass) CallJinja(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo")
	f := [7]int{}
	for i, k := range []string{"year", "month", "day", "hour", "minute", "second", "microsecond"} {
		v, ok := a[k]
		if !ok || v == nil {
			if i < 3 {
				return nil, fmt.Errorf("function missing required argument '%s' (pos %d)", k, i+1)
			}
			continue
		}
		n, ok := toInt(v)
		if !ok {
			return nil, fmt.Errorf("'%s' object cannot be interpreted as an integer", pyTypeName(v))
		}
		f[i] = int(n)
	}
	if err := checkFields(f); err != nil {
		return nil, err
	}
	d := &datetimeObj{t: wall(f[0], f[1], f[2], f[3], f[4], f[5], f[6]*1000, time.UTC), naive: true}
	if tz, ok := a["tzinfo"].(*tzObj); ok {
		// tzinfo=pytz zone takes the zone's first (LMT) offset, as pytz documents.
		d.t = wall(f[0], f[1], f[2], f[3], f[4], f[5], f[6]*1000, tz.lmt())
		d.naive, d.tz = false, tz
	}
	return d, nil
}

// checkFields raises Python's ValueErrors for out-of-range fields.
func checkFields(f [7]int) error {
	switch {
	case f[0] < 1 || f[0] > 9999:
		return fmt.Errorf("year %d is out of range", f[0])
	case f[1] < 1 || f[1] > 12:
		return fmt.Errorf("month must be in 1..12")
	case f[2] < 1 || f[2] > daysIn(f[0], f[1]):
		return fmt.Errorf("day is out of range for month")
	case f[3] < 0 || f[3] > 23:
		return fmt.Errorf("hour must be in 0..23")
	case f[4] < 0 || f[4] > 59:
		return fmt.Errorf("minute must be in 0..59")
	case f[5] < 0 || f[5] > 59:
		return fmt.Errorf("second must be in 0..59")
	case f[6] < 0 || f[6] > 999999:
		return fmt.Errorf("microsecond must be in 0..999999")
	}
	return nil
}

func daysIn(y, m int) int { return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() }

// now is datetime.now(tz): the local wall clock when naive, else the instant in tz.
func now(tz jinja.Value) (jinja.Value, error) {
	n := time.Now()
	if tz == nil {
		return &datetimeObj{t: wall(n.Year(), int(n.Month()), n.Day(), n.Hour(), n.Minute(), n.Second(), n.Nanosecond()/1000*1000, time.UTC), naive: true}, nil
	}
	z, ok := tz.(*tzObj)
	if !ok {
		return nil, fmt.Errorf("tzinfo argument must be None or of a tzinfo subclass, not type '%s'", pyTypeName(tz))
	}
	return &datetimeObj{t: freeze(n.Truncate(time.Microsecond), z), tz: z}, nil
}

func (datetimeClass) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "now":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			return now(bindArgs(args, kw, "tz")["tz"])
		}), true
	case "today":
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) { return now(nil) }), true
	case "utcnow":
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			n := time.Now().UTC().Truncate(time.Microsecond)
			return &datetimeObj{t: n, naive: true}, nil
		}), true
	case "fromtimestamp", "utcfromtimestamp":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "timestamp", "tz")
			f, _, ok := dtNumber(a["timestamp"])
			if !ok {
				return nil, fmt.Errorf("'%s' object cannot be interpreted as an integer", pyTypeName(a["timestamp"]))
			}
			sec, frac := math.Modf(f)
			t := time.Unix(int64(sec), int64(math.RoundToEven(frac*1e6))*1000)
			if z, ok := a["tz"].(*tzObj); ok && name == "fromtimestamp" {
				return &datetimeObj{t: freeze(t, z), tz: z}, nil
			}
			if name == "fromtimestamp" {
				t = t.Local()
			}
			return &datetimeObj{t: wall(t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC), naive: true}, nil
		}), true
	case "strptime":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "date_string", "format")
			return strptime(str(a["date_string"]), str(a["format"]))
		}), true
	case "fromisoformat":
		return fn(func(args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("fromisoformat() takes exactly one argument (%d given)", len(args))
			}
			return fromISO(str(args[0]), false)
		}), true
	case "combine":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "date", "time")
			d, ok := a["date"].(*datetimeObj)
			if !ok {
				return nil, fmt.Errorf("combine() argument 1 must be datetime.date")
			}
			t := d.t
			return &datetimeObj{t: wall(t.Year(), int(t.Month()), t.Day(), 0, 0, 0, 0, time.UTC), naive: true}, nil
		}), true
	case "min":
		return &datetimeObj{t: wall(1, 1, 1, 0, 0, 0, 0, time.UTC), naive: true}, true
	case "max":
		return &datetimeObj{t: wall(9999, 12, 31, 23, 59, 59, 999999000, time.UTC), naive: true}, true
	}
	return nil, false
}

// dateClass is datetime.date.
type dateClass struct{}

func (dateClass) CallJinja(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "year", "month", "day")
	f := [7]int{}
	for i, k := range []string{"year", "month", "day"} {
		n, ok := toInt(a[k])
		if !ok {
			if a[k] == nil {
				return nil, fmt.Errorf("function missing required argument '%s' (pos %d)", k, i+1)
			}
			return nil, fmt.Errorf("'%s' object cannot be interpreted as an integer", pyTypeName(a[k]))
		}
		f[i] = int(n)
	}
	if err := checkFields(f); err != nil {
		return nil, err
	}
	return &datetimeObj{t: wall(f[0], f[1], f[2], 0, 0, 0, 0, time.UTC), naive: true, dateOnly: true}, nil
}

func (dateClass) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "today":
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			n := time.Now()
			return &datetimeObj{t: wall(n.Year(), int(n.Month()), n.Day(), 0, 0, 0, 0, time.UTC), naive: true, dateOnly: true}, nil
		}), true
	case "fromisoformat":
		return fn(func(args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("fromisoformat() takes exactly one argument (%d given)", len(args))
			}
			return fromISO(str(args[0]), true)
		}), true
	case "fromordinal":
		return fn(func(args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			n, _ := toInt(first(args))
			return &datetimeObj{t: wall(1, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)-1), naive: true, dateOnly: true}, nil
		}), true
	case "min":
		return &datetimeObj{t: wall(1, 1, 1, 0, 0, 0, 0, time.UTC), naive: true, dateOnly: true}, true
	case "max":
		return &datetimeObj{t: wall(9999, 12, 31, 0, 0, 0, 0, time.UTC), naive: true, dateOnly: true}, true
	}
	return nil, false
}

func first(args []jinja.Value) jinja.Value {
	if len(args) == 0 {
		return nil
	}
	return args[0]
}

// JinjaString is Python's str(): date.isoformat(), or datetime.isoformat(sep=' ').
func (d *datetimeObj) JinjaString() string { return d.isoformat(" ", "auto") }

// JinjaTypeName names the Python type in TypeErrors.
func (d *datetimeObj) JinjaTypeName() string {
	if d.dateOnly {
		return "datetime.date"
	}
	return "datetime.datetime"
}

func (d *datetimeObj) isoformat(sep, timespec string) string {
	t := d.t
	s := fmt.Sprintf("%04d-%02d-%02d", t.Year(), int(t.Month()), t.Day())
	if d.dateOnly {
		return s
	}
	us := t.Nanosecond() / 1000
	s += sep
	switch timespec {
	case "hours":
		s += fmt.Sprintf("%02d", t.Hour())
	case "minutes":
		s += fmt.Sprintf("%02d:%02d", t.Hour(), t.Minute())
	case "seconds":
		s += fmt.Sprintf("%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
	case "milliseconds":
		s += fmt.Sprintf("%02d:%02d:%02d.%03d", t.Hour(), t.Minute(), t.Second(), us/1000)
	case "microseconds":
		s += fmt.Sprintf("%02d:%02d:%02d.%06d", t.Hour(), t.Minute(), t.Second(), us)
	default:
		s += fmt.Sprintf("%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
		if us != 0 {
			s += fmt.Sprintf(".%06d", us)
		}
	}
	if !d.naive {
		_, off := t.Zone()
		s += formatOffset(time.Duration(off)*time.Second, ":")
	}
	return s
}
