package compiler

import (
	"context"
	"fmt"
	"strings"

	"github.com/gdbt-dev/gdbt/warehouse"
)

// injectCTEs prepends the ephemeral models a query references (and the ones they reference,
// dependencies first, each once) as __dbt__cte__<name> CTEs, merged into the query's own
// leading WITH (after RECURSIVE when present) as dbt does.
func (p *projectImpl) injectCTEs(ctx context.Context, a warehouse.Adapter, sql string, ephemerals []string) (string, error) {
	if len(ephemerals) == 0 {
		return sql, nil
	}
	var order []string
	bodies := map[string]string{}
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(uid string) error
	visit = func(uid string) error {
		switch state[uid] {
		case 1:
			return fmt.Errorf("ephemeral models form a cycle through %s", uid)
		case 2:
			return nil
		}
		state[uid] = 1
		n, ok := p.frozen[uid]
		if !ok {
			return fmt.Errorf("ephemeral model %s not found", uid)
		}
		body, sub, err := p.render(ctx, a, n, modeCompile)
		if err != nil {
			return err
		}
		for _, s := range sub {
			if err := visit(s); err != nil {
				return err
			}
		}
		state[uid] = 2
		bodies[uid] = body
		order = append(order, uid)
		return nil
	}
	for _, e := range ephemerals {
		if err := visit(e); err != nil {
			return "", err
		}
	}
	var ctes []string
	for _, uid := range order {
		n := p.frozen[uid]
		ctes = append(ctes, "__dbt__cte__"+n.Name+" as (\n"+strings.TrimSpace(bodies[uid])+"\n)")
	}
	return mergeWith(sql, strings.Join(ctes, ", "))
}

// mergeWith adds ctes to sql: into its leading WITH (after RECURSIVE) or as a new WITH.
func mergeWith(sql, ctes string) (string, error) {
	i := skipSpaceAndComments(sql, 0)
	if w := keywordAt(sql, i, "with"); w > 0 {
		j := skipSpaceAndComments(sql, w)
		if r := keywordAt(sql, j, "recursive"); r > 0 {
			w = r
		}
		return sql[:w] + " " + ctes + "," + sql[w:], nil
	}
	return sql[:i] + "with " + ctes + "\n" + sql[i:], nil
}

// skipSpaceAndComments returns the offset of the first token at or after i.
func skipSpaceAndComments(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r':
			i++
		case strings.HasPrefix(s[i:], "--"):
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				return len(s)
			}
			i += j + 1
		case strings.HasPrefix(s[i:], "/*"):
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return len(s)
			}
			i += j + 4
		default:
			return i
		}
	}
	return i
}

// keywordAt returns the offset after keyword kw at i (case-insensitive, whole word), or 0.
func keywordAt(s string, i int, kw string) int {
	if i+len(kw) > len(s) || !strings.EqualFold(s[i:i+len(kw)], kw) {
		return 0
	}
	if e := i + len(kw); e < len(s) {
		c := s[e]
		if c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return 0
		}
	}
	return i + len(kw)
}
