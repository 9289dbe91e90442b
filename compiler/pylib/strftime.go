package pylib

import (
	"fmt"
	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// strftime formats d with Python's directives, and glibc's extensions that CPython passes
// through on Linux (%e, %-d, %s, …): Python calls the platform's strftime (timemodule.c).
// A naive datetime has empty %z and %Z; a date's time fields are zero.
func strftime(d *datetimeObj, f string) string {
	t := d.t
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 >= len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		pad := true
		if f[i] == '-' && i+1 < len(f) { // glibc: no padding
			pad = false
			i++
		}
		num := func(n, width int) {
			if pad {
				fmt.Fprintf(&b, "%0*d", width, n)
			} else {
				b.WriteString(strconv.Itoa(n))
			}
		}
		h12 := t.Hour() % 12
		if h12 == 0 {
			h12 = 12
		}
		switch f[i] {
		case 'Y':
			if pad {
				num(t.Year(), 4)
			} else {
				num(t.Year(), 1)
			}
		case 'C':
			num(t.Year()/100, 2)
		case 'y':
			num(t.Year()%100, 2)
		case 'G':
			y, _ := t.ISOWeek()
			num(y, 4)
		case 'g':
			y, _ := t.ISOWeek()
			num(y%100, 2)
		case 'm':
			num(int(t.Month()), 2)
		case 'd':
			num(t.Day(), 2)
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'H':
			num(t.Hour(), 2)
		case 'k':
			fmt.Fprintf(&b, "%2d", t.Hour())
		case 'I':
			num(h12, 2)
		case 'l':
			fmt.Fprintf(&b, "%2d", h12)
		case 'M':
			num(t.Minute(), 2)
		case 'S':
			num(t.Second(), 2)
		case 'f':
			fmt.Fprintf(&b, "%06d", t.Nanosecond()/1000)
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'P':
			b.WriteString(strings.ToLower(t.Format("PM")))
		case 'b', 'h':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'j':
			num(t.YearDay(), 3)
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'u':
			b.WriteString(strconv.Itoa((int(t.Weekday())+6)%7 + 1))
		case 'U': // week of the year, Sunday first
			num((t.YearDay()+6-int(t.Weekday()))/7, 2)
		case 'W': // week of the year, Monday first
			num((t.YearDay()+6-(int(t.Weekday())+6)%7)/7, 2)
		case 'V':
			_, w := t.ISOWeek()
			num(w, 2)
		case 'z':
			if !d.naive && !d.dateOnly {
				_, off := t.Zone()
				b.WriteString(formatOffset(time.Duration(off)*time.Second, ""))
			}
		case 'Z':
			if !d.naive && !d.dateOnly {
				name, _ := t.Zone()
				b.WriteString(name)
			}
		case 'c':
			b.WriteString(strftime(d, "%a %b %e %H:%M:%S %Y"))
		case 'x':
			b.WriteString(strftime(d, "%m/%d/%y"))
		case 'X', 'T':
			b.WriteString(strftime(d, "%H:%M:%S"))
		case 'D':
			b.WriteString(strftime(d, "%m/%d/%y"))
		case 'F':
			b.WriteString(strftime(d, "%Y-%m-%d"))
		case 'R':
			b.WriteString(strftime(d, "%H:%M"))
		case 'r':
			b.WriteString(strftime(d, "%I:%M:%S %p"))
		case 's':
			u := t
			if d.naive {
				u = wall(t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.Local)
			}
			b.WriteString(strconv.FormatInt(u.Unix(), 10))
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			if !pad {
				b.WriteByte('-')
			}
			b.WriteByte(f[i])
		}
	}
	return b.String()
}

var (
	monthNames = []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
	dayNames   = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)

// strptime is datetime.strptime, after CPython's _strptime.py: numbers may omit leading
// zeros, %f takes 1 to 6 digits, names match case-insensitively, white space in the format
// matches any run of white space, %z makes an aware datetime; leftover input is an error.
func strptime(s, f string) (*datetimeObj, error) {
	fail := func() (*datetimeObj, error) {
		return nil, fmt.Errorf("time data %s does not match format %s", pyRepr(s), pyRepr(f))
	}
	y, mo, d, h, mi, sec, us := 1900, 1, 1, 0, 0, 0, 0
	pm, hasPM, h12 := false, false, false
	var off *time.Duration
	yday := -1
	pos := 0
	digits := func(max int) (int, bool) {
		st := pos
		for pos < len(s) && pos-st < max && s[pos] >= '0' && s[pos] <= '9' {
			pos++
		}
		if pos == st {
			return 0, false
		}
		n, _ := strconv.Atoi(s[st:pos])
		return n, true
	}
	name := func(list []string, short bool) (int, bool) {
		for i, n := range list {
			if short {
				n = n[:3]
			}
			if len(s)-pos >= len(n) && strings.EqualFold(s[pos:pos+len(n)], n) {
				pos += len(n)
				return i, true
			}
		}
		return 0, false
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c == ' ' || c == '\t' || c == '\n' {
			st := pos
			for pos < len(s) && unicode.IsSpace(rune(s[pos])) {
				pos++
			}
			_ = st
			continue
		}
		if c != '%' || i+1 >= len(f) {
			if pos >= len(s) || s[pos] != c {
				return fail()
			}
			pos++
			continue
		}
		i++
		var ok bool
		switch f[i] {
		case 'Y':
			y, ok = digits(4)
		case 'y':
			y, ok = digits(2)
			if y < 69 { // POSIX: 69-99 are 19xx, 00-68 20xx
				y += 2000
			} else {
				y += 1900
			}
		case 'm':
			mo, ok = digits(2)
		case 'd':
			d, ok = digits(2)
		case 'H':
			h, ok = digits(2)
		case 'I':
			h, ok = digits(2)
			h12 = true
		case 'M':
			mi, ok = digits(2)
		case 'S':
			sec, ok = digits(2)
		case 'j':
			yday, ok = digits(3)
		case 'f':
			st := pos
			us, ok = digits(6)
			for n := pos - st; n < 6; n++ {
				us *= 10
			}
		case 'b', 'h':
			mo, ok = name(monthNames, true)
			mo++
		case 'B':
			mo, ok = name(monthNames, false)
			mo++
		case 'a':
			_, ok = name(dayNames, true)
		case 'A':
			_, ok = name(dayNames, false)
		case 'p':
			switch {
			case len(s)-pos >= 2 && strings.EqualFold(s[pos:pos+2], "am"):
				ok, hasPM = true, true
			case len(s)-pos >= 2 && strings.EqualFold(s[pos:pos+2], "pm"):
				ok, hasPM, pm = true, true, true
			}
			pos += 2
		case 'z':
			var o time.Duration
			o, ok = parseOffset(s, &pos)
			off = &o
		case 'Z':
			for _, z := range []string{"UTC", "GMT"} {
				if strings.HasPrefix(strings.ToUpper(s[pos:]), z) {
					pos += 3
					ok = true
					break
				}
			}
		case '%':
			ok = pos < len(s) && s[pos] == '%'
			pos++
		default:
			return nil, fmt.Errorf("'%c' is a bad directive in format %s", f[i], pyRepr(f))
		}
		if !ok {
			return fail()
		}
	}
	if pos < len(s) {
		return nil, fmt.Errorf("unconverted data remains: %s", s[pos:])
	}
	if h12 && hasPM {
		h %= 12
		if pm {
			h += 12
		}
	}
	if yday > 0 {
		t := time.Date(y, 1, yday, 0, 0, 0, 0, time.UTC)
		mo, d = int(t.Month()), t.Day()
	}
	if err := checkFields([7]int{y, mo, d, h, mi, sec, us}); err != nil {
		return nil, err
	}
	out := &datetimeObj{t: wall(y, mo, d, h, mi, sec, us*1000, time.UTC), naive: true}
	if off != nil {
		z := fixedTz(*off, "")
		out.t, out.naive, out.tz = wall(y, mo, d, h, mi, sec, us*1000, z.loc), false, z
	}
	return out, nil
}

// parseOffset reads ±HH[:]MM[[:]SS[.ffffff]] or Z at *pos (_strptime.py's %z).
func parseOffset(s string, pos *int) (time.Duration, bool) {
	if *pos < len(s) && s[*pos] == 'Z' {
		*pos++
		return 0, true
	}
	if *pos >= len(s) || (s[*pos] != '+' && s[*pos] != '-') {
		return 0, false
	}
	neg := s[*pos] == '-'
	p := *pos + 1
	var fields []int
	for len(fields) < 3 {
		if len(fields) > 0 && p < len(s) && s[p] == ':' {
			p++
		}
		if p+2 > len(s) || !isDigits(s[p:p+2]) {
			break
		}
		n, _ := strconv.Atoi(s[p : p+2])
		fields = append(fields, n)
		p += 2
	}
	if len(fields) < 2 {
		return 0, false
	}
	o := time.Duration(fields[0])*time.Hour + time.Duration(fields[1])*time.Minute
	if len(fields) == 3 {
		o += time.Duration(fields[2]) * time.Second
	}
	if neg {
		o = -o
	}
	*pos = p
	return o, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// fromISO is date.fromisoformat / datetime.fromisoformat (Python 3.11: extended and basic
// formats, any one-character separator, fractions of 1–6 digits, Z or ±HH:MM offsets).
func fromISO(s string, dateOnly bool) (jinja.Value, error) {
	bad := fmt.Errorf("Invalid isoformat string: %s", pyRepr(s))
	ds := s
	rest := ""
	switch {
	case len(s) >= 10 && s[4] == '-' && s[7] == '-':
		ds, rest = s[:10], s[10:]
	case len(s) >= 8 && isDigits(s[:8]):
		ds, rest = s[:4]+"-"+s[4:6]+"-"+s[6:8], s[8:]
	}
	if len(ds) != 10 || !isDigits(ds[:4]) || !isDigits(ds[5:7]) || !isDigits(ds[8:]) {
		return nil, bad
	}
	y, _ := strconv.Atoi(ds[:4])
	mo, _ := strconv.Atoi(ds[5:7])
	d, _ := strconv.Atoi(ds[8:])
	if dateOnly {
		if rest != "" {
			return nil, bad
		}
		if err := checkFields([7]int{y, mo, d}); err != nil {
			return nil, err
		}
		return &datetimeObj{t: wall(y, mo, d, 0, 0, 0, 0, time.UTC), naive: true, dateOnly: true}, nil
	}
	f := [7]int{y, mo, d}
	out := &datetimeObj{naive: true}
	if rest != "" {
		ts := rest[1:] // any single separator character
		p := 0
		for k := 3; k <= 5 && p < len(ts); k++ {
			if k > 3 && ts[p] == ':' {
				p++
			}
			if p+2 > len(ts) || !isDigits(ts[p:p+2]) {
				break
			}
			f[k], _ = strconv.Atoi(ts[p : p+2])
			p += 2
		}
		if p < len(ts) && (ts[p] == '.' || ts[p] == ',') {
			p++
			st := p
			for p < len(ts) && ts[p] >= '0' && ts[p] <= '9' {
				p++
			}
			frac := ts[st:min(p, st+6)]
			if frac == "" {
				return nil, bad
			}
			f[6], _ = strconv.Atoi(frac + strings.Repeat("0", 6-len(frac)))
		}
		if p < len(ts) {
			o, ok := parseOffset(ts, &p)
			if !ok || p != len(ts) {
				return nil, bad
			}
			out.naive, out.tz = false, fixedTz(o, "")
		}
	}
	if err := checkFields(f); err != nil {
		return nil, err
	}
	loc := time.UTC
	if out.tz != nil {
		loc = out.tz.loc
	}
	out.t = wall(f[0], f[1], f[2], f[3], f[4], f[5], f[6]*1000, loc)
	return out, nil
}
