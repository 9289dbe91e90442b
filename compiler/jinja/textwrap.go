package jinja

// Python's textwrap, as Jinja2's wordwrap filter calls it (jinja2/filters.py do_wordwrap:
// textwrap.wrap(line, width, expand_tabs=False, replace_whitespace=False,
// break_long_words, break_on_hyphens) on each line of str.splitlines). The chunking and
// line filling follow CPython 3.11's Lib/textwrap.py, so where Python breaks a line, so
// does gdbt: leading whitespace of a paragraph kept, hyphenated words split after the
// hyphen, em-dashes, long words cut (at a hyphen when possible).

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// twSpace is textwrap's _whitespace: ASCII only, unlike str.isspace.
func twSpace(r rune) bool {
	return r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' || r == ' '
}

// reWord is Python's regular expression \w on str: alphanumeric (letters and numbers of
// every script) or "_".
func reWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) }

// reLetter is textwrap's letter class [^\d\W]: \w without decimal digits.
func reLetter(r rune) bool { return reWord(r) && !unicode.Is(unicode.Nd, r) }

// reWordPunct is textwrap's word_punct class [\w!"'&.,?].
func reWordPunct(r rune) bool { return reWord(r) || strings.ContainsRune(`!"'&.,?`, r) }

// twChunks splits text as textwrap's wordsep_re (breakOnHyphens) or wordsep_simple_re
// does: runs of whitespace, and words, hyphenated words split after their hyphens.
func twChunks(t []rune, breakOnHyphens bool) [][]rune {
	var out [][]rune
	n := len(t)
	at := func(i int) rune {
		if i < 0 || i >= n {
			return -1
		}
		return t[i]
	}
	letter := func(i int) bool { return i >= 0 && i < n && reLetter(t[i]) }
	// emDash: at i, two or more "-" followed by a \w character.
	emDash := func(i int) bool {
		k := i
		for k < n && t[k] == '-' {
			k++
		}
		return k-i >= 2 && k < n && reWord(t[k])
	}
	for i := 0; i < n; {
		if twSpace(t[i]) {
			j := i
			for j < n && twSpace(t[j]) {
				j++
			}
			out = append(out, t[i:j])
			i = j
			continue
		}
		if !breakOnHyphens {
			j := i
			for j < n && !twSpace(t[j]) {
				j++
			}
			out = append(out, t[i:j])
			i = j
			continue
		}
		if i > 0 && reWordPunct(t[i-1]) && emDash(i) {
			j := i
			for j < n && t[j] == '-' {
				j++
			}
			out = append(out, t[i:j])
			i = j
			continue
		}
		// A word: the shortest run of non-space (at least one) ending at a hyphen break,
		// before whitespace or the end, or before an em-dash.
		end := -1
		for j := i + 1; end < 0; j++ {
			switch {
			case at(j) == '-' && (letter(j-1) && letter(j-2) || letter(j-1) && at(j-2) == '-' && letter(j-3)) &&
				letter(j+1) && (letter(j+2) || at(j+2) == '-' && letter(j+3)):
				end = j + 1
			case j >= n || twSpace(t[j]):
				end = j
			case reWordPunct(t[j-1]) && emDash(j):
				end = j
			case twSpace(t[j]):
				end = j
			}
		}
		out = append(out, t[i:end])
		i = end
	}
	return out
}

// twBlank is textwrap's chunk.strip() == ” (str.strip: Unicode whitespace).
func twBlank(c []rune) bool {
	for _, r := range c {
		if !pyIsSpace(r) {
			return false
		}
	}
	return true
}

// textWrap is textwrap.wrap(text, width, expand_tabs=False, replace_whitespace=False, …).
func textWrap(text string, width int64, breakLong, breakOnHyphens bool) ([]string, error) {
	if width <= 0 {
		return nil, errors.New("invalid width " + strconv.FormatInt(width, 10) + " (must be > 0)")
	}
	chunks := twChunks([]rune(text), breakOnHyphens)
	var lines []string
	for len(chunks) > 0 {
		var cur [][]rune
		curLen := int64(0)
		if twBlank(chunks[0]) && len(lines) > 0 {
			chunks = chunks[1:]
		}
		for len(chunks) > 0 && curLen+int64(len(chunks[0])) <= width {
			cur = append(cur, chunks[0])
			curLen += int64(len(chunks[0]))
			chunks = chunks[1:]
		}
		if len(chunks) > 0 && int64(len(chunks[0])) > width {
			// _handle_long_word
			space := width - curLen
			if width < 1 {
				space = 1
			}
			if breakLong {
				chunk := chunks[0]
				end := space
				if breakOnHyphens && int64(len(chunk)) > space {
					if h := lastIndexRune(chunk[:space], '-'); h > 0 && !allRune(chunk[:h], '-') {
						end = int64(h) + 1
					}
				}
				cur = append(cur, chunk[:end])
				chunks[0] = chunk[end:]
			} else if len(cur) == 0 {
				cur = append(cur, chunks[0])
				chunks = chunks[1:]
			}
		}
		if len(cur) > 0 && twBlank(cur[len(cur)-1]) {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			var b strings.Builder
			for _, c := range cur {
				b.WriteString(string(c))
			}
			lines = append(lines, b.String())
		}
	}
	return lines, nil
}

func lastIndexRune(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

func allRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x != r {
			return false
		}
	}
	return true
}
