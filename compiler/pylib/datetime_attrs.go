package pylib

import (
	"fmt"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// Attr is a datetime's (or date's) attributes and methods, as CPython's.
func (d *datetimeObj) Attr(name string) (jinja.Value, bool) {
	t := d.t
	switch name {
	case "year":
		return int64(t.Year()), true
	case "month":
		return int64(t.Month()), true
	case "day":
		return int64(t.Day()), true
	case "strftime":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			f, ok := bindArgs(args, kw, "format")["format"].(string)
			if !ok {
				return nil, fmt.Errorf("strftime() argument 1 must be str")
			}
			return strftime(d, f), nil
		}), true
	case "isoformat":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "sep", "timespec")
			sep, timespec := "T", "auto"
			if s, ok := a["sep"].(string); ok {
				sep = s
			}
			if s, ok := a["timespec"].(string); ok {
				switch s {
				case "auto", "hours", "minutes", "seconds", "milliseconds", "microseconds":
					timespec = s
				default:
					return nil, fmt.Errorf("Unknown timespec value")
				}
			}
			return d.isoformat(sep, timespec), nil
		}), true
	case "weekday", "isoweekday":
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			wd := (int64(t.Weekday()) + 6) % 7
			if name == "isoweekday" {
				wd++
			}
			return wd, nil
		}), true
	case "isocalendar":
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			y, w := t.ISOWeek()
			return jinja.Tuple{int64(y), int64(w), (int64(t.Weekday())+6)%7 + 1}, nil
		}), true
	case "toordinal":
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			base := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
			day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			return (day.Unix()-base.Unix())/86400 + 1, nil
		}), true
	case "ctime":
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return strftime(d, "%a %b ") + fmt.Sprintf("%2d", t.Day()) + strftime(d, " %H:%M:%S %Y"), nil
		}), true
	case "replace":
		return fn(func(_ []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) { return d.replace(kw) }), true
	}
	if d.dateOnly {
		return nil, false
	}
	switch name {
	case "hour":
		return int64(t.Hour()), true
	case "minute":
		return int64(t.Minute()), true
	case "second":
		return int64(t.Second()), true
	case "microsecond":
		return int64(t.Nanosecond() / 1000), true
	case "tzinfo":
		return d.tzinfo(), true
	case "date":
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return &datetimeObj{t: wall(t.Year(), int(t.Month()), t.Day(), 0, 0, 0, 0, time.UTC), naive: true, dateOnly: true}, nil
		}), true
	case "timestamp":
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			u := t
			if d.naive { // a naive datetime is local time (datetime.py _mktime)
				u = wall(t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.Local)
			}
			return float64(u.Unix()) + float64(u.Nanosecond())/1e9, nil
		}), true
	case "utcoffset", "tzname", "dst":
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			if d.naive {
				return nil, nil
			}
			nm, off := t.Zone()
			switch name {
			case "tzname":
				return nm, nil
			case "dst":
				if z := d.tz; z != nil && z.pytz {
					v, _ := z.Attr("dst")
					return v.(jinja.Func)(nil, []jinja.Value{d}, nil)
				}
				return &timedeltaObj{}, nil
			}
			return &timedeltaObj{d: time.Duration(off) * time.Second}, nil
		}), true
	case "astimezone":
		return fn(func(args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			tzv := bindArgs(args, kw, "tz")["tz"]
			src := t
			if d.naive { // a naive datetime is taken as local time
				src = wall(t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.Local)
			}
			if tzv == nil {
				l := src.Local()
				name, off := l.Zone()
				return &datetimeObj{t: l.In(time.FixedZone(name, off)), tz: fixedTz(time.Duration(off)*time.Second, name)}, nil
			}
			z, ok := tzv.(*tzObj)
			if !ok {
				return nil, fmt.Errorf("astimezone() argument 1 must be datetime.tzinfo, not %s", pyTypeName(tzv))
			}
			return &datetimeObj{t: freeze(src, z), tz: z}, nil
		}), true
	case "add", "__add__":
		return fn(func(args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			td, ok := first(args).(*timedeltaObj)
			if !ok {
				return nil, fmt.Errorf("can only add a timedelta")
			}
			return d.shift(td.d), nil
		}), true
	}
	return nil, false
}

// replace is datetime.replace(year=…, tzinfo=…): fields change, the wall clock stays.
func (d *datetimeObj) replace(kw []jinja.KeywordArg) (jinja.Value, error) {
	t := d.t
	f := [7]int{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond() / 1000}
	out := *d
	for _, k := range kw {
		i := map[string]int{"year": 0, "month": 1, "day": 2, "hour": 3, "minute": 4, "second": 5, "microsecond": 6}
		if k.Name == "tzinfo" && !d.dateOnly {
			switch z := k.Value.(type) {
			case nil:
				out.naive, out.tz = true, nil
			case *tzObj:
				out.naive, out.tz = false, z
			default:
				return nil, fmt.Errorf("tzinfo argument must be None or of a tzinfo subclass, not type '%s'", pyTypeName(k.Value))
			}
			continue
		}
		idx, ok := i[k.Name]
		if !ok || (d.dateOnly && idx > 2) {
			return nil, fmt.Errorf("'%s' is an invalid keyword argument for replace()", k.Name)
		}
		n, ok := toInt(k.Value)
		if !ok {
			return nil, fmt.Errorf("'%s' object cannot be interpreted as an integer", pyTypeName(k.Value))
		}
		f[idx] = int(n)
	}
	if err := checkFields(f); err != nil {
		return nil, err
	}
	loc := time.UTC
	switch {
	case out.naive:
	case out.tz != d.tz && out.tz != nil:
		loc = out.tz.lmt() // pytz: a zone attached without localize() is at its LMT offset
	default:
		loc = t.Location()
	}
	out.t = wall(f[0], f[1], f[2], f[3], f[4], f[5], f[6]*1000, loc)
	return &out, nil
}
