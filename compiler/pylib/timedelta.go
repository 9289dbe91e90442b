package pylib

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// timedeltaObj is datetime.timedelta, held to the microsecond as CPython holds it.
type timedeltaObj struct{ d time.Duration }

// timedeltaClass is datetime.timedelta: the constructor, and min/max/resolution.
type timedeltaClass struct{}

// CallJinja builds a timedelta. CPython sums every argument into microseconds and rounds
// the fractional part half to even (datetime.py timedelta.__new__); integers stay exact.
func (timedeltaClass) CallJinja(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	names := []string{"days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"}
	unit := map[string]int64{"days": 86400e6, "seconds": 1e6, "microseconds": 1, "milliseconds": 1e3, "minutes": 60e6, "hours": 3600e6, "weeks": 7 * 86400e6}
	if len(args) > len(names) {
		return nil, fmt.Errorf("timedelta() takes at most 7 arguments (%d given)", len(args))
	}
	a := bindArgs(args, kw, names...)
	var whole int64
	var frac float64
	for k, v := range a {
		u, ok := unit[k]
		if !ok {
			return nil, fmt.Errorf("'%s' is an invalid keyword argument for __new__()", k)
		}
		switch x := v.(type) {
		case float64:
			f := x * float64(u)
			w := math.Trunc(f)
			whole += int64(w)
			frac += f - w
		default:
			n, ok := toInt(v)
			if !ok {
				return nil, fmt.Errorf("unsupported type for timedelta %s component: %s", k, pyTypeName(v))
			}
			whole += n * u
		}
	}
	// Round whole+frac half to even: the parity that decides a tie is the whole part's.
	w := math.Trunc(frac)
	whole += int64(w)
	frac -= w
	us := whole
	switch {
	case frac > 0.5 || (frac == 0.5 && whole%2 != 0):
		us++
	case frac < -0.5 || (frac == -0.5 && whole%2 != 0):
		us--
	}
	if us/86400e6 > 999999999 || us/86400e6 < -999999999 {
		return nil, fmt.Errorf("days=%d; must have magnitude <= 999999999", us/86400e6)
	}
	return &timedeltaObj{d: time.Duration(us) * time.Microsecond}, nil
}

func (timedeltaClass) Attr(name string) (jinja.Value, bool) {
	switch name {
	case "resolution":
		return &timedeltaObj{d: time.Microsecond}, true
	}
	return nil, false
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
		return fn(func([]jinja.Value, []jinja.KeywordArg) (jinja.Value, error) {
			return float64(t.d/time.Microsecond) / 1e6, nil
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

// repr is Python's repr(timedelta): datetime.timedelta(days=1, seconds=7200).
func (t *timedeltaObj) repr() string {
	days, secs, micros := t.parts()
	var parts []string
	if days != 0 {
		parts = append(parts, fmt.Sprintf("days=%d", days))
	}
	if secs != 0 {
		parts = append(parts, fmt.Sprintf("seconds=%d", secs))
	}
	if micros != 0 {
		parts = append(parts, fmt.Sprintf("microseconds=%d", micros))
	}
	if len(parts) == 0 {
		return "datetime.timedelta(0)"
	}
	return "datetime.timedelta(" + strings.Join(parts, ", ") + ")"
}
