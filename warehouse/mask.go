package warehouse

import (
	"net/url"
	"regexp"
	"strings"
)

// secretInText finds credential-like key=value pairs: a PostgreSQL connection string's
// password=, a MotherDuck path's ?motherduck_token=, a SET of a token setting.
var secretInText = regexp.MustCompile(`(?i)((?:password|passwd|pwd|token|secret|key_id|access_key|private_key|passphrase)"?\s*[=:]\s*)('[^']*'|"[^"]*"|[^\s&;'",)\]}]+)`)

// MaskSecrets replaces the values of credential-like key=value pairs and URL passwords
// with *****, for profile values (attach paths, connection strings) and driver messages
// that are shown to the user. Profile fields named as secrets are masked whole by their
// callers; this catches the secrets embedded in other values.
func MaskSecrets(s string) string {
	s = secretInText.ReplaceAllString(s, "${1}*****")
	if i := strings.Index(s, "://"); i > 0 {
		if u, err := url.Parse(s); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
				s = strings.Replace(u.String(), ":xxxxx@", ":*****@", 1)
			}
		}
	}
	return s
}
