package compiler

import (
	"strings"
	"time"

	"github.com/gdbt-dev/gdbt/manifest"
)

// A model (or one of its versions) may carry a deprecation_date. As dbt does, gdbt warns
// about a model past that date, and about every ref to a model that has one: "slated for
// deprecation" before the date, "deprecated" after it, with the latest version to move to.
// These are warnings, never errors: a deprecated model still builds.

// deprecationTime parses a deprecation_date: a date (midnight UTC) or a timestamp with or
// without a zone. ok is false when it is none of those.
func deprecationTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// pastDeprecation reports whether n has a deprecation date that has passed (at the start
// of this invocation), and the date as dbt prints it.
func (p *projectImpl) pastDeprecation(n *manifest.Node) (past bool, date string, ok bool) {
	if n.DeprecationDate == "" {
		return false, "", false
	}
	t, ok := deprecationTime(n.DeprecationDate)
	if !ok {
		return false, n.DeprecationDate, true
	}
	return t.Before(p.runStartedAt), t.Format("2006-01-02"), true
}

// warnDeprecatedModel warns when the model n is past its deprecation date.
func (p *projectImpl) warnDeprecatedModel(n *manifest.Node) {
	if n.ResourceType != manifest.Model {
		return
	}
	if past, date, ok := p.pastDeprecation(n); ok && past {
		p.warn(Errorf(n.OriginalFilePath, 1, 1, "model %s passed its deprecation date (%s); disable or remove it", n.SearchName(), date).Error())
	}
}

// warnDeprecatedRef warns, at the ref call in from's file, that it reads a model with a
// deprecation date.
func (p *projectImpl) warnDeprecatedRef(from, to *manifest.Node, src string, rc refCall) {
	if to.ResourceType != manifest.Model {
		return
	}
	past, date, ok := p.pastDeprecation(to)
	if !ok {
		return
	}
	what := "is slated for deprecation on " + date
	if past {
		what = "was deprecated on " + date
	}
	msg := "ref to " + to.PackageName + "." + to.SearchName() + ", which " + what
	if to.IsVersioned() && !sameVersion(to.Version, to.LatestVersion) {
		msg += "; its latest version is " + manifest.VersionString(to.LatestVersion) +
			": {{ ref('" + to.Name + "', v=" + pyLiteralVersion(to.LatestVersion) + ") }}"
	}
	p.warn(p.posErr(src, rc.file, rc.pos, from, errString(msg)).Error())
}

// pyLiteralVersion writes a version as a Jinja literal (2, 2.5, 'beta').
func pyLiteralVersion(v any) string {
	if s, ok := v.(string); ok {
		return "'" + s + "'"
	}
	return manifest.VersionString(v)
}

// errString is a plain error with a fixed message.
type errString string

func (e errString) Error() string { return string(e) }
