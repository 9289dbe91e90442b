package warehouse

import "testing"

// TestPolicyName: a relation's own policy wins over the dialect's; each part follows its
// own flag; empty parts are left out.
func TestPolicyName(t *testing.T) {
	id := QuotePolicy{Identifier: true}
	cases := []struct {
		r    Relation
		def  QuotePolicy
		want string
	}{
		{Relation{Database: "db", Schema: "s", Identifier: "t"}, QuoteAll, `"db"."s"."t"`},
		{Relation{Database: "db", Schema: "s", Identifier: "t"}, QuotePolicy{}, "db.s.t"},
		{Relation{Database: "db", Schema: "s", Identifier: `T"x`, Quote: &id}, QuoteAll, `db.s."T""x"`},
		{Relation{Schema: "s", Identifier: "t"}, QuotePolicy{Schema: true}, `"s".t`},
	}
	for _, c := range cases {
		if got := PolicyName(QuoteIdent, c.def, c.r); got != c.want {
			t.Errorf("PolicyName(%+v, %+v) = %s, want %s", c.r, c.def, got, c.want)
		}
	}
	if got := SchemaName(QuoteIdent, QuotePolicy{Schema: true}, "db", "s"); got != `db."s"` {
		t.Errorf("SchemaName = %s, want db.\"s\"", got)
	}
}
