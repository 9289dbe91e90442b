package pylib

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// ---- datetime operators ----
//
// Python's datetime arithmetic and comparisons, through the engine's Operand hook: dbt code
// writes `run_started_at - modules.datetime.timedelta(days=1)`, `(t1 - t0).total_seconds()`
// and `d1 < d2`. Dates and datetimes are distinct types, as in Python; naive and aware
// datetimes are never equal and do not order or subtract.

const dtDay = 24 * time.Hour

// JinjaTypeName names the Python type in TypeErrors.
func (t *timedeltaObj) JinjaTypeName() string { return "datetime.timedelta" }

// dtKey is a datetime's dict key: equal exactly when the datetimes are ==.
type dtKey struct {
	sec         int64
	nsec        int
	naive, date bool
}

// JinjaHash makes datetimes dict keys and set members by value, as in Python.
func (d *datetimeObj) JinjaHash() any {
	t := d.instant()
	return dtKey{sec: t.Unix(), nsec: t.Nanosecond(), naive: d.naive, date: d.dateOnly}
}

// JinjaHash makes timedeltas dict keys by value.
func (t *timedeltaObj) JinjaHash() any { return t.d }

// instant is what d is compared by: the UTC instant of an aware datetime, the wall clock
// (read as UTC) of a naive one or a date.
func (d *datetimeObj) instant() time.Time {
	if !d.naive {
		return d.t.UTC()
	}
	t := d.t
	if d.dateOnly {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// shift adds td to d; a date moves by whole days only (Python uses td.days).
func (d *datetimeObj) shift(td time.Duration) *datetimeObj {
	if d.dateOnly {
		days := dtFloorDiv(td, dtDay)
		return &datetimeObj{t: d.t.AddDate(0, 0, int(days)), naive: d.naive, dateOnly: true}
	}
	return &datetimeObj{t: d.t.Add(td), naive: d.naive, tz: d.tz}
}

// JinjaBinary implements datetime ± timedelta, datetime - datetime and comparisons.
func (d *datetimeObj) JinjaBinary(op string, other jinja.Value, reflected bool) (jinja.Value, bool, error) {
	switch o := other.(type) {
	case *timedeltaObj:
		switch {
		case op == "+":
			return d.shift(o.d), true, nil
		case op == "-" && !reflected:
			return d.shift(-o.d), true, nil
		}
	case *datetimeObj:
		if op == "==" {
			return d.dateOnly == o.dateOnly && d.naive == o.naive && d.instant().Equal(o.instant()), true, nil
		}
		a, b := d, o
		if reflected {
			a, b = o, d
		}
		if op == "-" {
			if a.dateOnly != b.dateOnly {
				return nil, false, nil
			}
			if a.naive != b.naive {
				return nil, false, errors.New("can't subtract offset-naive and offset-aware datetimes")
			}
			return &timedeltaObj{d: a.instant().Sub(b.instant())}, true, nil
		}
		if !dtIsComparison(op) {
			return nil, false, nil
		}
		if a.dateOnly != b.dateOnly {
			return nil, false, fmt.Errorf("can't compare %s to %s", a.JinjaTypeName(), b.JinjaTypeName())
		}
		if a.naive != b.naive {
			return nil, false, errors.New("can't compare offset-naive and offset-aware datetimes")
		}
		return dtOrdered(op, a.instant().Compare(b.instant())), true, nil
	}
	return nil, false, nil
}

// JinjaBinary implements timedelta arithmetic (with timedeltas and numbers) and ordering.
func (t *timedeltaObj) JinjaBinary(op string, other jinja.Value, reflected bool) (jinja.Value, bool, error) {
	switch op {
	case "neg":
		return &timedeltaObj{d: -t.d}, true, nil
	case "pos":
		return t, true, nil
	}
	if o, ok := other.(*timedeltaObj); ok {
		a, b := t.d, o.d
		if reflected {
			a, b = b, a
		}
		switch op {
		case "==":
			return a == b, true, nil
		case "+":
			return &timedeltaObj{d: a + b}, true, nil
		case "-":
			return &timedeltaObj{d: a - b}, true, nil
		case "/":
			if b == 0 {
				return nil, false, errors.New("division by zero")
			}
			return float64(a) / float64(b), true, nil
		case "//":
			if b == 0 {
				return nil, false, errors.New("integer division or modulo by zero")
			}
			return int64(dtFloorDiv(a, b)), true, nil
		case "%":
			if b == 0 {
				return nil, false, errors.New("integer division or modulo by zero")
			}
			return &timedeltaObj{d: a - dtFloorDiv(a, b)*b}, true, nil
		}
		if dtIsComparison(op) {
			return dtOrdered(op, dtCmpDuration(a, b)), true, nil
		}
		return nil, false, nil
	}
	n, isInt, ok := dtNumber(other)
	if !ok {
		return nil, false, nil
	}
	switch {
	case op == "*":
		if isInt {
			return &timedeltaObj{d: t.d * time.Duration(int64(n))}, true, nil
		}
		return &timedeltaObj{d: dtRoundMicros(float64(t.d) * n)}, true, nil
	case op == "/" && !reflected:
		if n == 0 {
			return nil, false, errors.New("division by zero")
		}
		return &timedeltaObj{d: dtRoundMicros(float64(t.d) / n)}, true, nil
	case op == "//" && !reflected && isInt:
		if n == 0 {
			return nil, false, errors.New("integer division or modulo by zero")
		}
		us := dtFloorDiv(time.Duration(t.d.Microseconds()), time.Duration(int64(n)))
		return &timedeltaObj{d: us * time.Microsecond}, true, nil
	}
	return nil, false, nil
}

// dtNumber reads an int or float operand (bool is an int in Python).
func dtNumber(v jinja.Value) (f float64, isInt, ok bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true, true
	case int:
		return float64(x), true, true
	case bool:
		if x {
			return 1, true, true
		}
		return 0, true, true
	case float64:
		return x, false, true
	}
	return 0, false, false
}

// dtRoundMicros rounds nanoseconds to whole microseconds, half to even, as timedelta does.
func dtRoundMicros(ns float64) time.Duration {
	return time.Duration(math.RoundToEven(ns/1e3)) * time.Microsecond
}

// dtFloorDiv is Python's // on durations.
func dtFloorDiv(a, b time.Duration) time.Duration {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func dtCmpDuration(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func dtIsComparison(op string) bool {
	switch op {
	case "<", "<=", ">", ">=":
		return true
	}
	return false
}

// dtOrdered turns a three-way comparison into the answer to op.
func dtOrdered(op string, c int) bool {
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}
