package compiler

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

// reprHashOracle is testHash as it was written before the byte-slice version: the metadata
// dict built as a map and every string through jinja.Repr. testHash must match it exactly
// (the hash ends every generic test's unique id, which dbt computes the same way).
func reprHashOracle(name, namespace, testName string, kwargs map[string]any) string {
	var ns any
	if namespace != "" {
		ns = namespace
	}
	var write func(b *strings.Builder, v any)
	write = func(b *strings.Builder, v any) {
		switch x := v.(type) {
		case map[string]any:
			b.WriteByte('{')
			for i, k := range sortedKeys(x) {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(jinja.Repr(k))
				b.WriteString(": ")
				write(b, x[k])
			}
			b.WriteByte('}')
			return
		case []any:
			b.WriteByte('[')
			for i, it := range x {
				if i > 0 {
					b.WriteString(", ")
				}
				write(b, it)
			}
			b.WriteByte(']')
			return
		case string:
			b.WriteString(jinja.Repr(x))
			return
		}
		b.WriteString(jinja.Repr(jinja.ToString(jinja.FromGo(v))))
	}
	var b strings.Builder
	b.WriteString(name)
	write(&b, map[string]any{"kwargs": kwargs, "name": testName, "namespace": ns})
	sum := md5.Sum([]byte(b.String()))
	h := hex.EncodeToString(sum[:])
	return h[len(h)-10:]
}

func TestTestHashMatchesReprOracle(t *testing.T) {
	strs := []string{"", "id", "customer_id", "it's", `say "hi"`, `both ' and "`, `back\slash`, "tab\there", "new\nline",
		"del\x7f", "'", `"`, "a'b'c", `only "double"`, "é accent", "日本", "\u2028", "{{ ref('orders') }}", "x = 'a'", "ctrl\x01"}
	kwargsList := []map[string]any{
		{"model": "{{ get_where_subquery(ref('orders')) }}", "column_name": "order_id"},
		{"values": []any{"placed", "shipped", 3, 2.5, true, nil}, "column_name": "status"},
		{"to": "ref('customers')", "field": "customer_id", "nested": map[string]any{"b": []any{1, "x'y"}, "a": map[string]any{}}},
	}
	for _, s := range strs {
		kwargsList = append(kwargsList, map[string]any{"arg": s, s: []any{s}})
	}
	for i, kw := range kwargsList {
		for _, ns := range []string{"", "dbt_utils", "it's"} {
			for _, name := range []string{"unique_orders_order_id", "accepted_values_x__a'b"} {
				got, want := testHash(name, ns, "unique", kw), reprHashOracle(name, ns, "unique", kw)
				if got != want {
					t.Errorf("kwargs %d, namespace %q, name %q: testHash %s, oracle %s", i, ns, name, got, want)
				}
			}
		}
	}
	for _, s := range strs {
		if got, want := string(appendStrRepr(nil, s)), jinja.Repr(s); got != want {
			t.Errorf("appendStrRepr(%q) = %s, jinja.Repr %s", s, got, want)
		}
	}
}
