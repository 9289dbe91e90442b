package dag

import (
	"strings"
	"unicode/utf8"
)

// hasWildcard reports whether s uses any of fnmatch's special characters.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?[]") }

// fnmatch matches name against a Python fnmatch pattern, the matcher dbt's selector
// methods use: '*' matches any run of characters (dots and slashes included), '?' one
// character, "[seq]" one character in seq, "[!seq]" one not in seq; a '[' without a
// closing ']' is literal. Matching is case-sensitive, as fnmatch is on POSIX.
func fnmatch(name, pattern string) bool {
	if !hasWildcard(pattern) {
		return name == pattern
	}
	return matchFrom(name, pattern)
}

// glob is a pattern whose wildcard check is done once, for the per-node loops.
type glob struct {
	pat  string
	wild bool
}

func compileGlob(p string) glob { return glob{p, hasWildcard(p)} }

func (g glob) match(name string) bool {
	if !g.wild {
		return name == g.pat
	}
	return matchFrom(name, g.pat)
}

func matchFrom(name, pat string) bool {
	// Iterative matcher with single-star backtracking (like path.Match but without
	// separators being special).
	var starPat, starName = -1, 0
	ni, pi := 0, 0
	for ni < len(name) || pi < len(pat) {
		if pi < len(pat) {
			switch c := pat[pi]; c {
			case '*':
				starPat, starName = pi, ni
				pi++
				continue
			case '?':
				if ni < len(name) {
					_, size := decodeRune(name[ni:])
					ni += size
					pi++
					continue
				}
			case '[':
				if ni < len(name) {
					r, size := decodeRune(name[ni:])
					if ok, width, valid := matchClass(r, pat[pi:]); valid {
						if ok {
							ni += size
							pi += width
							continue
						}
						break
					}
					// No closing bracket: a literal '['.
					if name[ni] == '[' {
						ni++
						pi++
						continue
					}
				}
			default:
				if ni < len(name) && name[ni] == c {
					ni++
					pi++
					continue
				}
			}
		}
		if starPat >= 0 && starName < len(name) {
			_, size := decodeRune(name[starName:])
			starName += size
			pi, ni = starPat+1, starName
			continue
		}
		return false
	}
	return true
}

// matchClass matches r against the bracket expression at the start of pat; width is the
// expression's length and valid is false when pat has no closing ']'.
func matchClass(r rune, pat string) (ok bool, width int, valid bool) {
	i := 1
	negate := false
	if i < len(pat) && pat[i] == '!' {
		negate = true
		i++
	}
	start := i
	matched := false
	for {
		if i >= len(pat) {
			return false, 0, false
		}
		if pat[i] == ']' && i > start {
			break
		}
		lo, size := decodeRune(pat[i:])
		i += size
		hi := lo
		if i+1 < len(pat) && pat[i] == '-' && pat[i+1] != ']' {
			hi, size = decodeRune(pat[i+1:])
			i += 1 + size
		}
		if lo <= r && r <= hi {
			matched = true
		}
	}
	return matched != negate, i + 1, true
}

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

// pathMatches reports whether the project-relative file path segs is selected by the path
// selector segments pat: p itself or one of its parent folders matches the glob segment
// by segment ("**" spans any number of folders), which is what dbt's
// `root.glob(selector)` followed by a parents check amounts to, without touching the
// file system.
func pathMatches(pat []glob, segs []string) bool {
	if len(pat) == 0 {
		return true // "." or the project root
	}
	fixed := true // without "**" only the prefix as long as the pattern can match
	for _, p := range pat {
		if p.pat == "**" {
			fixed = false
			break
		}
	}
	if fixed {
		return len(segs) >= len(pat) && matchSegs(pat, segs[:len(pat)])
	}
	for k := 1; k <= len(segs); k++ {
		if matchSegs(pat, segs[:k]) {
			return true
		}
	}
	return false
}

func matchSegs(pat []glob, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0].pat == "**" {
		for k := 0; k <= len(segs); k++ {
			if matchSegs(pat[1:], segs[k:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 || !pat[0].match(segs[0]) {
		return false
	}
	return matchSegs(pat[1:], segs[1:])
}

// compilePath splits a path selector into per-segment globs.
func compilePath(p string) []glob {
	var out []glob
	for _, s := range splitPath(p) {
		out = append(out, compileGlob(s))
	}
	return out
}

// splitPath splits a slash or backslash separated relative path, dropping "." and empty
// segments.
func splitPath(p string) []string {
	p = strings.ReplaceAll(p, "\\", "/")
	var out []string
	for s := range strings.SplitSeq(p, "/") {
		if s != "" && s != "." {
			out = append(out, s)
		}
	}
	return out
}
