package warehouse

import "testing"

func TestMaskSecrets(t *testing.T) {
	for in, want := range map[string]string{
		"dbname=shop host=db user=u password=hunter2 port=5432": "dbname=shop host=db user=u password=***** port=5432",
		"md:analytics?motherduck_token=abc.def&x=1":             "md:analytics?motherduck_token=*****&x=1",
		`set "motherduck_token" = 'abc'`:                        `set "motherduck_token" = *****`,
		"map[motherduck_token:abc region:eu]":                   "map[motherduck_token:***** region:eu]",
		"postgresql://u:hunter2@db:5432/shop":                   "postgresql://u:*****@db:5432/shop",
		"/data/plain/path.duckdb":                               "/data/plain/path.duckdb",
	} {
		if got := MaskSecrets(in); got != want {
			t.Errorf("MaskSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}
