package warehouse

import "unicode/utf8"

// IdentifierLimit is implemented by dialects whose engine silently cuts longer identifiers
// (PostgreSQL keeps the first 63 bytes). Names derived by appending a suffix must then be
// cut before the suffix, or <long name>__gdbt_tmp and the long name itself become one name.
type IdentifierLimit interface {
	// MaxIdentifierBytes is the longest identifier the engine keeps whole, in bytes.
	MaxIdentifierBytes() int
}

// DerivedIdentifier is ident with suffix appended, for the temporary and backup names of an
// atomic replacement. Where d has an IdentifierLimit, the base is cut (on a UTF-8 boundary)
// so that the whole name fits and the suffix survives, as dbt-postgres's
// make_relation_with_suffix does; elsewhere the suffix is simply appended.
func DerivedIdentifier(d Dialect, ident, suffix string) string {
	l, ok := d.(IdentifierLimit)
	if !ok {
		return ident + suffix
	}
	keep := l.MaxIdentifierBytes() - len(suffix)
	if keep < 0 {
		keep = 0
	}
	if len(ident) <= keep {
		return ident + suffix
	}
	for keep > 0 && !utf8.RuneStart(ident[keep]) {
		keep--
	}
	return ident[:keep] + suffix
}
