package deps

import (
	"regexp"
	"strings"
)

// PyYAML's implicit resolvers (yaml/resolver.py, YAML 1.1): a plain scalar matching one
// of these would read back as a bool, int, float, null, timestamp, merge or value key.
var pyImplicit = regexp.MustCompile(`^(?:` +
	`yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF` +
	`|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` +
	`|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+` +
	`|<<|~|null|Null|NULL|=` +
	`|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]` +
	`|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?` +
	`)$`)

// yamlScalar writes a one-line string as PyYAML's yaml.dump does in block context
// (yaml/emitter.py analyze_scalar and choose_scalar_style): plain when that reads back
// as the same string, else single-quoted, else (non-printable or non-ASCII characters,
// which yaml.dump escapes by default) double-quoted.
func yamlScalar(s string) string {
	plain := s != "" && !pyImplicit.MatchString(s) && !strings.HasPrefix(s, "---") && !strings.HasPrefix(s, "...") &&
		s[0] != ' ' && s[len(s)-1] != ' '
	special := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		followedBySpace := i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t'
		if i == 0 {
			if strings.IndexByte("#,[]{}&*!|>'\"%@`", ch) >= 0 {
				plain = false
			}
			if (ch == '?' || ch == ':' || ch == '-') && followedBySpace {
				plain = false
			}
		} else {
			if ch == ':' && followedBySpace {
				plain = false
			}
			if ch == '#' && (s[i-1] == ' ' || s[i-1] == '\t') {
				plain = false
			}
		}
		if ch < 0x20 || ch >= 0x7f {
			special = true
		}
	}
	switch {
	case plain && !special:
		return s
	case !special:
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return pyJSON(s) // PyYAML's double-quoted style escapes as JSON does for these
}
