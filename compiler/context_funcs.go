package compiler

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
	"github.com/gdbt-dev/gdbt/compiler/pylib"
	"gopkg.in/yaml.v3"
)

func fnReturn(c *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
	var v jinja.Value
	if len(args) > 0 {
		v = args[0]
	}
	if rs := stateOf(c); rs != nil {
		rs.lastReturn = v
	}
	return nil, jinja.Return(v)
}

func fnLog(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "msg", "info")
	rs := stateOf(c)
	if rs != nil {
		rs.markUncacheable()
		rs.p.log(str(a["msg"]), jinja.Truthy(a["info"]))
	}
	return "", nil
}

func fnPrint(c *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = str(a)
	}
	msg := strings.Join(parts, " ")
	if rs := stateOf(c); rs != nil {
		rs.markUncacheable()
		rs.p.print(msg)
	} else {
		fmt.Fprintln(os.Stdout, msg)
	}
	return "", nil
}

func fnFromJSON(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "string", "default")
	dec := json.NewDecoder(strings.NewReader(str(a["string"])))
	dec.UseNumber()
	v, err := decodeJSON(dec)
	if err != nil {
		return a["default"], nil
	}
	return v, nil
}

// decodeJSON decodes one JSON value keeping object key order and int/float distinction,
// as Python's json.loads does.
func decodeJSON(dec *json.Decoder) (jinja.Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			d := jinja.NewDict()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeJSON(dec)
				if err != nil {
					return nil, err
				}
				d.Set(kt.(string), v)
			}
			_, err := dec.Token()
			return d, err
		case '[':
			l := &jinja.List{}
			for dec.More() {
				v, err := decodeJSON(dec)
				if err != nil {
					return nil, err
				}
				l.Items = append(l.Items, v)
			}
			_, err := dec.Token()
			return l, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i, nil
		}
		f, err := t.Float64()
		return f, err
	case string, bool, nil:
		return t, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

func fnToJSON(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "value", "default", "sort_keys")
	s, err := pyJSON(a["value"], jinja.Truthy(a["sort_keys"]))
	if err != nil {
		return a["default"], nil
	}
	return s, nil
}

// pyJSON writes v as Python's json.dumps does (", " and ": " separators, insertion order).
func pyJSON(v jinja.Value, sortKeys bool) (string, error) {
	var b strings.Builder
	var w func(v jinja.Value) error
	w = func(v jinja.Value) error {
		switch x := v.(type) {
		case nil, *jinja.Undefined:
			b.WriteString("null")
		case bool:
			if x {
				b.WriteString("true")
			} else {
				b.WriteString("false")
			}
		case int64, int, float64:
			b.WriteString(jinja.ToString(x))
		case string:
			e, _ := json.Marshal(x)
			b.Write(e)
		case *jinja.List:
			b.WriteByte('[')
			for i, it := range x.Items {
				if i > 0 {
					b.WriteString(", ")
				}
				if err := w(it); err != nil {
					return err
				}
			}
			b.WriteByte(']')
		case jinja.Tuple:
			return w(&jinja.List{Items: x})
		case *jinja.Dict:
			keys := x.Keys()
			if sortKeys {
				sort.Slice(keys, func(i, j int) bool { return str(keys[i]) < str(keys[j]) })
			}
			b.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					b.WriteString(", ")
				}
				e, _ := json.Marshal(str(k))
				b.Write(e)
				b.WriteString(": ")
				val, _ := x.Get(k)
				if err := w(val); err != nil {
					return err
				}
			}
			b.WriteByte('}')
		case jinja.Stringer:
			e, _ := json.Marshal(x.JinjaString())
			b.Write(e)
		default:
			return fmt.Errorf("object of type %s is not JSON serializable", typeName(v))
		}
		return nil
	}
	err := w(v)
	return b.String(), err
}

func fnFromYAML(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "value", "default")
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(str(a["value"])), &n); err != nil {
		return a["default"], nil
	}
	if len(n.Content) == 0 {
		return nil, nil
	}
	return yamlToValue(n.Content[0]), nil
}

// yamlToValue keeps mapping order, as PyYAML with dbt's loader does.
func yamlToValue(n *yaml.Node) jinja.Value {
	switch n.Kind {
	case yaml.MappingNode:
		d := jinja.NewDict()
		for i := 0; i+1 < len(n.Content); i += 2 {
			d.Set(yamlToValue(n.Content[i]), yamlToValue(n.Content[i+1]))
		}
		return d
	case yaml.SequenceNode:
		l := &jinja.List{}
		for _, c := range n.Content {
			l.Items = append(l.Items, yamlToValue(c))
		}
		return l
	case yaml.AliasNode:
		return yamlToValue(n.Alias)
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return yamlToValue(n.Content[0])
		}
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return n.Value
	}
	return jinja.FromGo(v)
}

func fnToYAML(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "value", "default")
	b, err := yaml.Marshal(toYAMLNode(a["value"]))
	if err != nil {
		return a["default"], nil
	}
	return string(b), nil
}

func toYAMLNode(v jinja.Value) *yaml.Node {
	switch x := v.(type) {
	case *jinja.Dict:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range x.Keys() {
			val, _ := x.Get(k)
			n.Content = append(n.Content, toYAMLNode(k), toYAMLNode(val))
		}
		return n
	case *jinja.List:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, it := range x.Items {
			n.Content = append(n.Content, toYAMLNode(it))
		}
		return n
	case jinja.Tuple:
		return toYAMLNode(&jinja.List{Items: x})
	}
	n := &yaml.Node{}
	if err := n.Encode(jinja.ToGo(v)); err != nil {
		n.Kind, n.Value = yaml.ScalarNode, str(v)
	}
	return n
}

// iterItems lists the items of a list-like value (pylib's, shared).
var iterItems = pylib.Items

// fnSet is dbt's set(value, default=None): a Python set of value's items, or default when
// value is not iterable or holds an unhashable item (Python's TypeError).
func fnSet(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "value", "default")
	items, ok := iterItems(a["value"])
	if !ok {
		return a["default"], nil
	}
	s, err := newPySet(items)
	if err != nil {
		return a["default"], nil
	}
	return s, nil
}

// fnSetStrict is dbt's set_strict(value): set(value), raising Python's TypeError.
func fnSetStrict(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	a := bindArgs(args, kw, "value")
	items, ok := iterItems(a["value"])
	if !ok {
		return nil, fmt.Errorf("'%s' object is not iterable", typeName(a["value"]))
	}
	return newPySet(items)
}

func fnZip(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	var lists [][]jinja.Value
	for _, a := range args {
		items, ok := iterItems(a)
		if !ok {
			for _, k := range kw {
				if k.Name == "default" {
					return k.Value, nil
				}
			}
			return nil, nil
		}
		lists = append(lists, items)
	}
	out := &jinja.List{}
	if len(lists) == 0 {
		return out, nil
	}
	n := len(lists[0])
	for _, l := range lists {
		n = min(n, len(l))
	}
	for i := 0; i < n; i++ {
		t := make(jinja.Tuple, len(lists))
		for j, l := range lists {
			t[j] = l[i]
		}
		out.Items = append(out.Items, t)
	}
	return out, nil
}

func fnLocalMD5(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("local_md5() needs a string")
	}
	h := md5.Sum([]byte(str(args[0])))
	return hex.EncodeToString(h[:]), nil
}

func fnDiffOfTwoDicts(_ *jinja.Call, args []jinja.Value, _ []jinja.KeywordArg) (jinja.Value, error) {
	out := jinja.NewDict()
	if len(args) < 2 {
		return out, nil
	}
	a, _ := args[0].(*jinja.Dict)
	b, _ := args[1].(*jinja.Dict)
	if a == nil {
		return out, nil
	}
	// dbt-core's context/base.py diff_of_two_dicts: keys and values compare casefolded (a
	// grants config's select against Snowflake's SELECT); a key absent from b keeps all of
	// a's values.
	for _, k := range a.Keys() {
		av, _ := a.Get(k)
		var bv jinja.Value
		inB := false
		if b != nil {
			for _, bk := range b.Keys() {
				if strings.EqualFold(str(bk), str(k)) {
					bv, _ = b.Get(bk)
					inB = true
					break
				}
			}
		}
		if !inB {
			out.Set(k, av)
			continue
		}
		al, _ := iterItems(av)
		bl, _ := iterItems(bv)
		var diff []jinja.Value
		for _, x := range al {
			found := false
			for _, y := range bl {
				if strings.EqualFold(str(x), str(y)) {
					found = true
				}
			}
			if !found {
				diff = append(diff, x)
			}
		}
		if len(diff) > 0 {
			out.Set(k, &jinja.List{Items: diff})
		}
	}
	return out, nil
}

func fnTryOrCompilerError(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
	if len(args) < 2 {
		return nil, fmt.Errorf("try_or_compiler_error(message, func, *args) needs a message and a function")
	}
	f, ok := args[1].(jinja.Callable)
	if !ok {
		return nil, fmt.Errorf("try_or_compiler_error: %s is not callable", typeName(args[1]))
	}
	v, err := f.CallJinja(c, args[2:], kw)
	if err != nil {
		if _, ok := jinja.ReturnValue(err); ok {
			return nil, err
		}
		return nil, fmt.Errorf("%s", str(args[0]))
	}
	return v, nil
}

// exceptionsObj is {{ exceptions }}: raise_compiler_error, warn, raise_not_implemented, ….
type exceptionsObj struct{}

func (exceptionsObj) Attr(name string) (jinja.Value, bool) {
	msgOf := func(args []jinja.Value, kw []jinja.KeywordArg) string {
		a := bindArgs(args, kw, "msg")
		return str(a["msg"])
	}
	switch name {
	case "raise_compiler_error", "raise_database_error", "raise_dependency_error", "raise_fail_fast_error", "CompilationError":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			return nil, fmt.Errorf("%s", msgOf(args, kw))
		}), true
	case "raise_not_implemented":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			return nil, fmt.Errorf("not implemented: %s", msgOf(args, kw))
		}), true
	case "warn":
		return jinja.Func(func(c *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			if rs := stateOf(c); rs != nil {
				rs.markUncacheable()
				rs.p.warnAt(c, msgOf(args, kw))
			}
			return "", nil
		}), true
	case "relation_wrong_type":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "relation", "expected_type")
			rel := jinja.ToString(a["relation"])
			typ := ""
			if r, ok := a["relation"].(*relationObj); ok {
				typ = r.r.Type
			}
			return nil, fmt.Errorf("trying to create %s %s, but it currently exists as a %s; drop it first", str(a["expected_type"]), rel, typ)
		}), true
	case "raise_contract_error":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			a := bindArgs(args, kw, "yaml_columns", "sql_columns")
			return nil, contractError(a["yaml_columns"], a["sql_columns"])
		}), true
	case "column_type_missing":
		return jinja.Func(func(_ *jinja.Call, args []jinja.Value, kw []jinja.KeywordArg) (jinja.Value, error) {
			return nil, fmt.Errorf("contracted models require data_type to be defined for each column: %s", jinja.ToString(&jinja.List{Items: args}))
		}), true
	}
	return nil, false
}
