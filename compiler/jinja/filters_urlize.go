package jinja

import (
	"errors"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Jinja2's urlize filter (filters.py do_urlize over utils.py urlize), with the policies
// Jinja2 ships and dbt keeps (defaults.py: urlize.rel "noopener", urlize.target None,
// urlize.extra_schemes None). Templates rarely use it in SQL, but a filter Jinja2 has must
// not fail to parse or render differently.
//
// The text is HTML-escaped (a Markup is taken as it is), split on runs of whitespace, and
// each word loses its leading "(", "<", "&lt;" and trailing ")", ">", ".", ",", "&gt;"
// (moved back when they balance an opening one inside the word); what is left becomes a link
// when it looks like an http(s) or www URL, a mailto: address, an e-mail address or starts
// with one of extra_schemes.

// urlizeClasses are the Python re classes of the patterns below, for str patterns under
// re.IGNORECASE: \w is str.isalnum() or "_", \d is str.isdecimal(), and a letter also
// matches the characters whose simple lowercase it is (İ and ı for i, ſ for s, the Kelvin
// sign for k). \S needs no class: the words urlize matches contain no whitespace.
var urlizeClasses = strings.NewReplacer(
	"W", `\p{L}\p{N}_`,
	"D", `\p{Nd}`,
	"L", `a-zA-Z\x{130}\x{131}\x{17f}\x{212a}`,
	"i", `[iI\x{130}\x{131}]`,
	"s", `[sS\x{17f}]`,
	"c", "[cC]", "o", "[oO]", "m", "[mM]", "n", "[nN]", "e", "[eE]", "t", "[tT]",
	"d", "[dD]", "u", "[uU]", "g", "[gG]", "v", "[vV]", "r", "[rR]", "f", "[fF]",
	"l", "[lL]", "h", "[hH]", "p", "[pP]", "w", "[wW]", "x", "[xX]",
)

// urlizeHTTP is utils.py _http_re: an http(s) or www URL, a bare domain under a basic
// top-level domain, or an http(s) URL to an IPv4 or IPv6 address, with an optional port,
// path, query and fragment. Only membership matters (the pattern is anchored at both ends),
// so RE2's answer is Python's.
var urlizeHTTP = regexp.MustCompile(`(?s)^(?:` +
	`(?:` + urlizeClasses.Replace(`https?://|www\.`) + `)` +
	`(?:(?:[` + urlizeClasses.Replace(`W`) + `%-]+\.)+)?` +
	`(?:[` + urlizeClasses.Replace(`L`) + `]{2,63}|` + urlizeClasses.Replace(`xn`) + `--[` + urlizeClasses.Replace(`W`) + `%]{2,59})` +
	`|` +
	`(?:[` + urlizeClasses.Replace(`W`) + `%-]{2,63}\.)+` +
	`(?:` + urlizeClasses.Replace(`com|net|int|edu|gov|org|info|mil`) + `)` +
	`|` +
	`(?:` + urlizeClasses.Replace(`https?://`) + `)` +
	`(?:(?:` + urlizeClasses.Replace(`D`) + `{1,3})(?:\.` + urlizeClasses.Replace(`D`) + `{1,3}){3}` +
	`|\[(?:[` + urlizeClasses.Replace(`D`) + `a-fA-F]{0,4}:){2}(?:[` + urlizeClasses.Replace(`D`) + `a-fA-F]{0,4}:?){1,6}\])` +
	`)` +
	`(?::` + urlizeClasses.Replace(`D`) + `{1,5})?` +
	`(?:[/?#].*)?$`)

// urlizeEmail is utils.py _email_re, `^\S+@\w[\w.-]*\.\w+$`.
var urlizeEmail = regexp.MustCompile(`(?s)^.+@[` + urlizeClasses.Replace(`W`) + `][` + urlizeClasses.Replace(`W`) + `.-]*\.[` + urlizeClasses.Replace(`W`) + `]+$`)

// urlizeScheme is filters.py _uri_scheme_re, which every extra scheme must match.
var urlizeScheme = regexp.MustCompile(`^[` + urlizeClasses.Replace(`W`) + `.+-]{2,}:/{0,2}$`)

func addURLizeFilter(f map[string]Func) {
	f["urlize"] = filter("urlize", []string{"value", "trim_url_limit", "nofollow", "target", "rel", "extra_schemes"},
		[]Value{required, nil, false, nil, nil, nil}, func(c *Call, a []Value) (Value, error) {
			rel := map[string]bool{"noopener": true} // policies["urlize.rel"]
			if Truthy(a[4]) {
				s, ok := optStr(a[4])
				if !ok {
					return nil, typeErr(pyQuote(typeName(a[4])) + " object has no attribute 'split'")
				}
				for _, p := range strings.FieldsFunc(s, pyIsSpace) {
					rel[p] = true
				}
			}
			if Truthy(a[2]) {
				rel["nofollow"] = true
			}
			parts := make([]string, 0, len(rel))
			for p := range rel {
				parts = append(parts, p)
			}
			sort.Strings(parts) // " ".join(sorted(rel_parts)): code point order is UTF-8 byte order
			attrs := ` rel="` + escapeHTML(strings.Join(parts, " ")) + `"`
			if Truthy(a[3]) {
				attrs += ` target="` + markupEscapeValue(a[3]).(string) + `"`
			}
			var schemes []string
			if a[5] != nil {
				items, err := listOf(a[5])
				if err != nil {
					return nil, err
				}
				for _, it := range items {
					s, ok := optStr(it)
					if !ok {
						return nil, typeErr("expected string or bytes-like object, got " + pyQuote(typeName(it)))
					}
					if !urlizeScheme.MatchString(s) {
						return nil, errors.New(pyQuote(s) + " is not a valid URI scheme prefix.")
					}
					schemes = append(schemes, s)
				}
			}
			return urlize(markupEscapeValue(a[0]).(string), a[1], attrs, schemes)
		})
}

// urlize is utils.py urlize on the escaped text; attrs are the rel and target attributes of
// web links, limit the trim_url_limit argument.
func urlize(text string, limit Value, attrs string, schemes []string) (Value, error) {
	var b strings.Builder
	for len(text) > 0 { // re.split(r"(\s+)"): runs of whitespace stay as they are
		r, _ := utf8.DecodeRuneInString(text)
		space := pyIsSpace(r)
		n := strings.IndexFunc(text, func(r rune) bool { return pyIsSpace(r) != space })
		if n < 0 {
			n = len(text)
		}
		word := text[:n]
		text = text[n:]
		if space {
			b.WriteString(word)
			continue
		}
		out, err := urlizeWord(word, limit, attrs, schemes)
		if err != nil {
			return nil, err
		}
		b.WriteString(out)
	}
	return b.String(), nil
}

// urlizeWord is the body of urlize's loop for one word without whitespace.
func urlizeWord(word string, limit Value, attrs string, schemes []string) (string, error) {
	head, middle, tail := "", word, ""
	for { // ^([(<]|&lt;)+
		switch {
		case strings.HasPrefix(middle, "("), strings.HasPrefix(middle, "<"):
			head, middle = head+middle[:1], middle[1:]
			continue
		case strings.HasPrefix(middle, "&lt;"):
			head, middle = head+middle[:4], middle[4:]
			continue
		}
		break
	}
	end := len(middle)
	for { // ([)>.,\n]|&gt;)+$, the longest such suffix
		if end > 0 && strings.IndexByte(")>.,\n", middle[end-1]) >= 0 {
			end--
			continue
		}
		if strings.HasSuffix(middle[:end], "&gt;") {
			end -= 4
			continue
		}
		break
	}
	middle, tail = middle[:end], middle[end:]
	// prefer balancing parentheses in URLs to ignoring a trailing character
	for _, pair := range [][2]string{{"(", ")"}, {"<", ">"}, {"&lt;", "&gt;"}} {
		starts := strings.Count(middle, pair[0])
		if starts <= strings.Count(middle, pair[1]) {
			continue
		}
		for range min(starts, strings.Count(tail, pair[1])) {
			i := strings.Index(tail, pair[1]) + len(pair[1])
			middle, tail = middle+tail[:i], tail[i:]
		}
	}
	switch {
	case urlizeHTTP.MatchString(middle):
		shown, err := urlizeTrim(middle, limit)
		if err != nil {
			return "", err
		}
		href := middle
		if !strings.HasPrefix(middle, "https://") && !strings.HasPrefix(middle, "http://") {
			href = "https://" + middle
		}
		middle = `<a href="` + href + `"` + attrs + `>` + shown + `</a>`
	case strings.HasPrefix(middle, "mailto:") && urlizeEmail.MatchString(middle[7:]):
		middle = `<a href="` + middle + `">` + middle[7:] + `</a>`
	case strings.Contains(middle, "@") && !strings.HasPrefix(middle, "www.") && !strings.HasPrefix(middle, "@") &&
		!strings.Contains(middle, ":") && urlizeEmail.MatchString(middle):
		middle = `<a href="mailto:` + middle + `">` + middle + `</a>`
	default:
		for _, s := range schemes {
			if middle != s && strings.HasPrefix(middle, s) {
				middle = `<a href="` + middle + `"` + attrs + `>` + middle + `</a>`
			}
		}
	}
	return head + middle + tail, nil
}

// urlizeTrim is urlize's trim_url: x cut to limit characters and "..." when longer (with
// Python's slicing, so a negative limit counts from the end).
func urlizeTrim(x string, limit Value) (string, error) {
	if limit == nil {
		return x, nil
	}
	runes := []rune(x)
	n, ok := asInt(limit)
	if !ok {
		f, isFloat := limit.(float64)
		if !isFloat {
			return "", typeErr("'>' not supported between instances of 'int' and " + pyQuote(typeName(limit)))
		}
		if float64(len(runes)) > f {
			return "", typeErr("slice indices must be integers or None or have an __index__ method")
		}
		return x, nil
	}
	if int64(len(runes)) <= n {
		return x, nil
	}
	if n < 0 {
		n = max(n+int64(len(runes)), 0)
	}
	return string(runes[:n]) + "...", nil
}
