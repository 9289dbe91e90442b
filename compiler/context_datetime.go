package compiler

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// ---- datetime ----

type datetimeModule struct{}

func (datetimeModule) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "datetime":
		return datetimeClass{}, true
	case "date":
		return dateClass{}, true
	case "timedelta":
		return jinja.Func(newTimedelta), true
	case "timezone":
		return attrMap{"utc": "UTC"}, true
	}
	return nil, false
}

// datetimeClass is datetime.datetime: callable as a constructor, with now/utcnow/….
type datetimeClass struct{}

func (datetimeClass) CallJinja(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "year", "month", "day", "hour", "minute", "second", "microsecond")
	i := func(k string, d int) int {
		if v, ok := a[k].(int64); ok {
			return int(v)
		}
		return d
	}
	t := time.Date(i("year", 1), time.Month(i("month", 1)), i("day", 1), i("hour", 0), i("minute", 0), i("second", 0), i("microsecond", 0)*1000, time.UTC)
	return &datetimeObj{t: t, naive: true}, nil
}

func (datetimeClass) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "now":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) > 0 && args[0] != nil {
				return &datetimeObj{t: time.Now().UTC()}, nil
			}
			return &datetimeObj{t: time.Now(), naive: true}, nil
		}), true
	case "utcnow":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return &datetimeObj{t: time.Now().UTC(), naive: true}, nil
		}), true
	case "strptime":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) < 2 {
				return nil, fmt.Errorf("strptime() takes a string and a format")
			}
			t, err := time.Parse(goLayout(str(args[1])), str(args[0]))
			if err != nil {
				return nil, fmt.Errorf("time data %q does not match format %q", str(args[0]), str(args[1]))
			}
			return &datetimeObj{t: t, naive: true}, nil
		}), true
	case "fromisoformat":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("fromisoformat() takes a string")
			}
			s := str(args[0])
			for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
				if t, err := time.Parse(l, s); err == nil {
					return &datetimeObj{t: t, naive: !strings.ContainsAny(s[min(len(s), 10):], "Z+")}, nil
				}
			}
			return nil, fmt.Errorf("invalid isoformat string: %q", s)
		}), true
	}
	return nil, false
}

type dateClass struct{}

func (dateClass) CallJinja(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "year", "month", "day")
	y, _ := a["year"].(int64)
	m, _ := a["month"].(int64)
	d, _ := a["day"].(int64)
	return &datetimeObj{t: time.Date(int(y), time.Month(m), int(d), 0, 0, 0, 0, time.UTC), naive: true, dateOnly: true}, nil
}

func (dateClass) Attr(name string) (jinja.Value, bool) {
	if name == "today" {
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			n := time.Now()
			return &datetimeObj{t: time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC), naive: true, dateOnly: true}, nil
		}), true
	}
	return nil, false
}

// datetimeObj is a datetime (or date) value.
type datetimeObj struct {
	t        time.Time
	naive    bool
	dateOnly bool
}

// JinjaString renders as Python's str(datetime).
func (d *datetimeObj) JinjaString() string {
	if d.dateOnly {
		return d.t.Format("2006-01-02")
	}
	s := d.t.Format("2006-01-02 15:04:05")
	if us := d.t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	if !d.naive {
		s += d.t.Format("-07:00")
	}
	return s
}

func (d *datetimeObj) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "year":
		return int64(d.t.Year()), true
	case "month":
		return int64(d.t.Month()), true
	case "day":
		return int64(d.t.Day()), true
	case "hour":
		return int64(d.t.Hour()), true
	case "minute":
		return int64(d.t.Minute()), true
	case "second":
		return int64(d.t.Second()), true
	case "microsecond":
		return int64(d.t.Nanosecond() / 1000), true
	case "strftime":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("strftime() takes a format")
			}
			return strftime(d.t, str(args[0])), nil
		}), true
	case "isoformat":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return strings.Replace(d.JinjaString(), " ", "T", 1), nil
		}), true
	case "date":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return &datetimeObj{t: d.t, naive: true, dateOnly: true}, nil
		}), true
	case "timestamp":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return float64(d.t.UnixNano()) / 1e9, nil
		}), true
	case "weekday":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return int64((int(d.t.Weekday()) + 6) % 7), nil
		}), true
	case "replace":
		return jinja.Func(func(_ *jinja.Call, _ []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			t := d.t
			y, mo, dd, h, mi, s, ns := t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond()
			for _, k := range kw {
				v, _ := k.Value.(int64)
				switch k.Name {
				case "year":
					y = int(v)
				case "month":
					mo = int(v)
				case "day":
					dd = int(v)
				case "hour":
					h = int(v)
				case "minute":
					mi = int(v)
				case "second":
					s = int(v)
				case "microsecond":
					ns = int(v) * 1000
				}
			}
			return &datetimeObj{t: time.Date(y, time.Month(mo), dd, h, mi, s, ns, t.Location()), naive: d.naive, dateOnly: d.dateOnly}, nil
		}), true
	case "add", "__add__":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("can only add a timedelta")
			}
			td, ok := args[0].(*timedeltaObj)
			if !ok {
				return nil, fmt.Errorf("can only add a timedelta")
			}
			return &datetimeObj{t: d.t.Add(td.d), naive: d.naive, dateOnly: d.dateOnly}, nil
		}), true
	}
	return nil, false
}

// timedeltaObj is datetime.timedelta.
type timedeltaObj struct{ d time.Duration }

func newTimedelta(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
	num := func(k string) float64 {
		switch v := a[k].(type) {
		case int64:
			return float64(v)
		case float64:
			return v
		}
		return 0
	}
	secs := num("days")*86400 + num("seconds") + num("microseconds")/1e6 + num("milliseconds")/1e3 + num("minutes")*60 + num("hours")*3600 + num("weeks")*7*86400
	return &timedeltaObj{d: time.Duration(secs * float64(time.Second))}, nil
}

// parts is the timedelta normalized as Python keeps it: days (any sign), then
// 0 <= seconds < 86400 and 0 <= microseconds < 1e6, so -1s is (-1 day, 86399 s, 0 µs).
func (t *timedeltaObj) parts() (days, secs, micros int64) {
	us := int64(t.d.Round(time.Microsecond) / time.Microsecond)
	const perDay = 86400 * 1e6
	days = us / perDay
	if us%perDay < 0 {
		days--
	}
	rest := us - days*perDay
	return days, rest / 1e6, rest % 1e6
}

func (t *timedeltaObj) Attr(name string) (jinja.Value, bool) {
	days, secs, micros := t.parts()
	switch name {
	case "days":
		return days, true
	case "seconds":
		return secs, true
	case "microseconds":
		return micros, true
	case "total_seconds":
		return jinja.Func(func(*jinja.Call, []jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return t.d.Seconds(), nil
		}), true
	}
	return nil, false
}

// JinjaString is Python's str(timedelta): "[D day[s], ]H:MM:SS[.ffffff]".
func (t *timedeltaObj) JinjaString() string {
	days, secs, micros := t.parts()
	s := fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	if micros != 0 {
		s += fmt.Sprintf(".%06d", micros)
	}
	switch days {
	case 0:
		return s
	case 1, -1:
		return fmt.Sprintf("%d day, %s", days, s)
	}
	return fmt.Sprintf("%d days, %s", days, s)
}

// strftime formats t with Python's directives.
func strftime(t time.Time, f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 >= len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'Y':
			b.WriteString(fmt.Sprintf("%04d", t.Year()))
		case 'y':
			b.WriteString(fmt.Sprintf("%02d", t.Year()%100))
		case 'm':
			b.WriteString(fmt.Sprintf("%02d", int(t.Month())))
		case 'd':
			b.WriteString(fmt.Sprintf("%02d", t.Day()))
		case 'H':
			b.WriteString(fmt.Sprintf("%02d", t.Hour()))
		case 'I':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b.WriteString(fmt.Sprintf("%02d", h))
		case 'M':
			b.WriteString(fmt.Sprintf("%02d", t.Minute()))
		case 'S':
			b.WriteString(fmt.Sprintf("%02d", t.Second()))
		case 'f':
			b.WriteString(fmt.Sprintf("%06d", t.Nanosecond()/1000))
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'b':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'j':
			b.WriteString(fmt.Sprintf("%03d", t.YearDay()))
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(f[i])
		}
	}
	return b.String()
}

// goLayout turns a Python strptime format into a Go layout (common directives only).
func goLayout(f string) string {
	r := strings.NewReplacer("%Y", "2006", "%m", "01", "%d", "02", "%H", "15", "%M", "04", "%S", "05", "%f", "000000", "%y", "06", "%b", "Jan", "%B", "January", "%z", "-0700", "%Z", "MST", "%%", "%")
	return r.Replace(f)
}
