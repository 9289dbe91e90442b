package jinja

import (
	"strings"
	"unicode"
)

// Python's str case mappings (Objects/unicodeobject.c: do_upper, do_lower, do_title,
// do_capitalize, do_swapcase, do_casefold and handle_capital_sigma) over Python 3.11's
// Unicode database: full mappings (ß → SS, ᾀ → ἈΙ), the Final_Sigma rule in every
// lowercasing (lower, and the lowered letters of title, capitalize and swapcase), and
// Python's Cased, Case_Ignorable, Uppercase and Lowercase properties. Where the database
// differs from Go's unicode package, casetables.go (generated from Python by
// TestCaseTables -update) says so.

// isASCII reports whether s has only ASCII bytes, where Go's mappings are Python's.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func pyIsCased(r rune) bool         { return unicode.Is(pyCased, r) }
func pyIsCaseIgnorable(r rune) bool { return unicode.Is(pyCaseIgnorable, r) }

// pyIsUpperRune, pyIsLowerRune and pyIsTitleRune are Py_UNICODE_ISUPPER, ISLOWER (the
// Uppercase and Lowercase properties) and ISTITLE (category Lt).
func pyIsUpperRune(r rune) bool { return unicode.Is(pyUpperProp, r) }
func pyIsLowerRune(r rune) bool { return unicode.Is(pyLowerProp, r) }
func pyIsTitleRune(r rune) bool { return unicode.Is(pyTitleProp, r) }

func writeMapped(b *strings.Builder, r rune, m map[rune]string, simple func(rune) rune) {
	if s, ok := m[r]; ok {
		b.WriteString(s)
		return
	}
	b.WriteRune(simple(r))
}

// lowerAt writes the lowercase of rs[i] as lower_ucs4 does: a capital sigma becomes ς in
// the Final_Sigma context (a cased letter before it and none after it, case-ignorable
// characters skipped both ways), σ otherwise.
func lowerAt(b *strings.Builder, rs []rune, i int) {
	if rs[i] != 'Σ' {
		writeMapped(b, rs[i], pyLowerMap, unicode.ToLower)
		return
	}
	j := i - 1
	for j >= 0 && pyIsCaseIgnorable(rs[j]) {
		j--
	}
	final := j >= 0 && pyIsCased(rs[j])
	if final && i+1 < len(rs) {
		j = i + 1
		for j < len(rs) && pyIsCaseIgnorable(rs[j]) {
			j++
		}
		final = j == len(rs) || !pyIsCased(rs[j])
	}
	if final {
		b.WriteRune('ς')
	} else {
		b.WriteRune('σ')
	}
}

// pyLower is str.lower.
func pyLower(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	rs := []rune(s)
	var b strings.Builder
	for i := range rs {
		lowerAt(&b, rs, i)
	}
	return b.String()
}

// pyUpper is str.upper.
func pyUpper(s string) string {
	if isASCII(s) {
		return strings.ToUpper(s)
	}
	var b strings.Builder
	for _, r := range s {
		writeMapped(&b, r, pyUpperMap, unicode.ToUpper)
	}
	return b.String()
}

// pyTitle is str.title: a character after a cased one is lowercased, any other is
// titlecased.
func pyTitle(s string) string {
	rs := []rune(s)
	var b strings.Builder
	prevCased := false
	for i, r := range rs {
		if prevCased {
			lowerAt(&b, rs, i)
		} else {
			writeMapped(&b, r, pyTitleMap, unicode.ToTitle)
		}
		prevCased = pyIsCased(r)
	}
	return b.String()
}

// pyCapitalize is str.capitalize: the first character titlecased, the rest lowercased.
func pyCapitalize(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if i == 0 {
			writeMapped(&b, r, pyTitleMap, unicode.ToTitle)
		} else {
			lowerAt(&b, rs, i)
		}
	}
	return b.String()
}

// pySwapcase is str.swapcase: Uppercase characters lowercased, Lowercase ones uppercased,
// the rest (titlecase letters too) as they are.
func pySwapcase(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		switch {
		case pyIsUpperRune(r):
			lowerAt(&b, rs, i)
		case pyIsLowerRune(r):
			writeMapped(&b, r, pyUpperMap, unicode.ToUpper)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pyCasefold is str.casefold: full case folding, else the full lowercase (no
// Final_Sigma: Σ folds to σ).
func pyCasefold(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	for _, r := range s {
		if f, ok := pyFoldMap[r]; ok {
			b.WriteString(f)
			continue
		}
		writeMapped(&b, r, pyLowerMap, unicode.ToLower)
	}
	return b.String()
}

// casedCheck is str.isupper (upper) or str.islower: some cased character, and none of
// the other case or titlecase.
func casedCheck(s string, upper bool) bool {
	cased := false
	for _, r := range s {
		if pyIsTitleRune(r) || (upper && pyIsLowerRune(r)) || (!upper && pyIsUpperRune(r)) {
			return false
		}
		if !cased && (upper && pyIsUpperRune(r) || !upper && pyIsLowerRune(r)) {
			cased = true
		}
	}
	return cased
}

// pyIsTitle is str.istitle: uppercase and titlecase characters only after uncased ones,
// lowercase ones only after cased ones, and at least one cased character.
func pyIsTitle(s string) bool {
	cased, prev := false, false
	for _, r := range s {
		switch {
		case pyIsUpperRune(r) || pyIsTitleRune(r):
			if prev {
				return false
			}
			prev, cased = true, true
		case pyIsLowerRune(r):
			if !prev {
				return false
			}
			prev, cased = true, true
		default:
			prev = false
		}
	}
	return cased
}
