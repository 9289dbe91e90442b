package pylib

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2/v2"
)

// Why a backtracking engine: dbt code written for Python's re uses look-behind, named
// groups, back-references and verbose mode, none of which Go's RE2-based regexp has.
// github.com/dlclark/regexp2 is a maintained port of .NET's engine, whose syntax is a
// superset of Python's except for the few spellings translated here; it numbers groups
// left to right as Python does when asked to (OptionMaintainCaptureOrder), and it matches
// on code points, so positions are Python's string indices.

// Python's re flags (Lib/re/_constants.py), as bit values.
const (
	reIgnoreCase   = 2
	reLocale       = 4
	reMultiline    = 8
	reDotAll       = 16
	reUnicode      = 32
	reVerbose      = 64
	reASCII        = 256
	reTemplateFlag = 1
	reDebug        = 128
)

// reTimeout bounds one match: a pattern that backtracks catastrophically fails with a
// message instead of hanging the compile.
const reTimeout = 10 * time.Second

// compiled is one Python pattern compiled three ways: to search anywhere, to match at a
// position (re.match), and to match a whole string (re.fullmatch).
type compiled struct {
	src    string
	flags  int64 // as passed to compile
	eff    int64 // with the pattern's inline global flags, as Pattern.flags reports them
	search *regexp2.Regexp
	once   sync.Once
	at     *regexp2.Regexp
	full   *regexp2.Regexp
	errAt  error
	groups int
	names  []string // group names by number ("" unnamed), index 0 unused
}

var reCache sync.Map // key{pattern, flags} → *compiled

type reKey struct {
	src   string
	flags int64
}

// compilePy compiles a Python pattern, cached: templates call re.match in loops.
func compilePy(src string, flags int64) (*compiled, error) {
	k := reKey{src, flags}
	if c, ok := reCache.Load(k); ok {
		return c.(*compiled), nil
	}
	body, opts, err := translate(src, flags)
	if err != nil {
		return nil, err
	}
	re, err := regexp2.Compile(body, opts, regexp2.OptionMaintainCaptureOrder())
	if err != nil {
		return nil, fmt.Errorf("re.error: %v in pattern %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "), pyRepr(src))
	}
	re.MatchTimeout = reTimeout
	c := &compiled{src: src, flags: flags, eff: effectiveFlags(src, flags), search: re}
	nums := re.GetGroupNumbers()
	c.groups = len(nums) - 1
	c.names = make([]string, len(nums))
	for _, n := range nums {
		if name := re.GroupNameFromNumber(n); n > 0 && name != fmt.Sprint(n) {
			c.names[n] = name
		}
	}
	reCache.Store(k, c)
	return c, nil
}

// anchored returns the re.match and re.fullmatch forms (\G pins the start to the search
// position; a newline ends a verbose-mode comment before the closing parenthesis).
func (c *compiled) anchored() (at, full *regexp2.Regexp, err error) {
	c.once.Do(func() {
		body, opts, _ := translate(c.src, c.flags)
		nl := ""
		if opts&regexp2.IgnorePatternWhitespace != 0 {
			nl = "\n"
		}
		if c.at, c.errAt = regexp2.Compile(`\G(?:`+body+nl+`)`, opts, regexp2.OptionMaintainCaptureOrder()); c.errAt != nil {
			return
		}
		c.full, c.errAt = regexp2.Compile(`\G(?:`+body+nl+`)\z`, opts, regexp2.OptionMaintainCaptureOrder())
		c.at.MatchTimeout, c.full.MatchTimeout = reTimeout, reTimeout
	})
	return c.at, c.full, c.errAt
}

// effectiveFlags adds the inline global flags at the start of src, and UNICODE (implied for
// str patterns unless ASCII), as sre_parse reports Pattern.flags.
func effectiveFlags(src string, flags int64) int64 {
	f, _ := leadingFlags([]rune(src))
	flags |= f
	if flags&reASCII == 0 {
		flags |= reUnicode
	}
	return flags
}

var flagLetters = map[rune]int64{'a': reASCII, 'i': reIgnoreCase, 'L': reLocale, 'm': reMultiline, 's': reDotAll, 'u': reUnicode, 'x': reVerbose}

// leadingFlags reads the global inline flags (?imsx…) at the start of a pattern (Python
// 3.11 allows them only there: sre_parse.py) and says how many runes they take.
func leadingFlags(p []rune) (flags int64, n int) {
	for n+2 < len(p) && p[n] == '(' && p[n+1] == '?' {
		j := n + 2
		var f int64
		for j < len(p) && flagLetters[p[j]] != 0 {
			f |= flagLetters[p[j]]
			j++
		}
		if j == n+2 || j >= len(p) || p[j] != ')' {
			break
		}
		flags |= f
		n = j + 1
	}
	return flags, n
}

// translate rewrites Python's spellings that .NET's syntax spells differently:
// (?P<name>…) → (?<name>…), (?P=name) → \k<name>, \Z → \z (Python's \Z is the very end),
// {,n} → {0,n}, a literal [ inside a class (where .NET would read a class subtraction),
// and the global inline flags at the start of the pattern, which become options.
func translate(src string, flags int64) (string, regexp2.RegexOptions, error) {
	p := []rune(src)
	f, i := leadingFlags(p)
	flags |= f
	var opts regexp2.RegexOptions
	if flags&reIgnoreCase != 0 {
		opts |= regexp2.IgnoreCase
	}
	if flags&reMultiline != 0 {
		opts |= regexp2.Multiline
	}
	if flags&reDotAll != 0 {
		opts |= regexp2.Singleline
	}
	verbose := flags&reVerbose != 0
	if verbose {
		opts |= regexp2.IgnorePatternWhitespace
	}
	var b strings.Builder
	inClass := false
	for ; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
			if p[i] == 'Z' && !inClass {
				b.WriteString(`\z`)
				continue
			}
			b.WriteRune('\\')
			b.WriteRune(p[i])
		case inClass:
			if c == ']' {
				inClass = false
			}
			if c == '[' {
				b.WriteString(`\[`)
				continue
			}
			b.WriteRune(c)
		case c == '[':
			inClass = true
			b.WriteRune(c)
			// A ] first in the class (after an optional ^) is a literal.
			if i+1 < len(p) && p[i+1] == '^' {
				i++
				b.WriteRune('^')
			}
			if i+1 < len(p) && p[i+1] == ']' {
				i++
				b.WriteString(`\]`)
			}
		case verbose && c == '#':
			for i < len(p) && p[i] != '\n' {
				i++
			}
			b.WriteRune('\n')
		case c == '(' && strings.HasPrefix(string(p[i:min(i+4, len(p))]), "(?P<"):
			b.WriteString("(?<")
			i += 3
		case c == '(' && strings.HasPrefix(string(p[i:min(i+4, len(p))]), "(?P="):
			j := i + 4
			for j < len(p) && p[j] != ')' {
				j++
			}
			if j >= len(p) {
				return "", 0, fmt.Errorf("re.error: missing ), unterminated name at position %d in pattern %s", i+4, pyRepr(src))
			}
			b.WriteString(`\k<` + string(p[i+4:j]) + `>`)
			i = j
		case c == '(' && i+2 < len(p) && p[i+1] == '?' && strings.ContainsRune("aiLmsux-", p[i+2]):
			// Scoped flags (?i:…) / (?-i:…): .NET knows i, m, s, x; a, u and L only say
			// what Python does anyway for str patterns, so they are dropped.
			j := i + 2
			b.WriteString("(?")
			for j < len(p) && strings.ContainsRune("aiLmsux-", p[j]) {
				if !strings.ContainsRune("auL", p[j]) {
					b.WriteRune(p[j])
				}
				j++
			}
			if j < len(p) && p[j] == ')' {
				return "", 0, fmt.Errorf("re.error: global flags not at the start of the expression at position %d in pattern %s", i, pyRepr(src))
			}
			i = j - 1
		case c == '{' && i+1 < len(p) && p[i+1] == ',':
			j := i + 2
			for j < len(p) && p[j] >= '0' && p[j] <= '9' {
				j++
			}
			if j > i+2 && j < len(p) && p[j] == '}' {
				b.WriteString("{0,")
				i++
				continue
			}
			b.WriteString(`\{`) // Python reads a brace that starts no repeat as a literal
		default:
			b.WriteRune(c)
		}
	}
	return b.String(), opts, nil
}
