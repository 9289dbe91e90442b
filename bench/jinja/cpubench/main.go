// Command cpubench measures the CPU time (user+system, all threads) gdbt's Jinja engine
// spends to parse and render bench/jinja/template.sql with context.json, per operation.
// CPU time rather than wall time keeps the comparison with bench.py fair on a loaded
// machine. Usage: go run ./bench/jinja/cpubench [-n 2000] [-dir bench/jinja]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gdbt-dev/gdbt/compiler/jinja"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// decode keeps JSON object key order, as Python's json module does.
func decode(dec *json.Decoder) (jinja.Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch x := tok.(type) {
	case json.Delim:
		if x == '{' {
			d := jinja.NewDict()
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decode(dec)
				if err != nil {
					return nil, err
				}
				d.Set(k, v)
			}
			_, err := dec.Token()
			return d, err
		}
		l := &jinja.List{}
		for dec.More() {
			v, err := decode(dec)
			if err != nil {
				return nil, err
			}
			l.Items = append(l.Items, v)
		}
		_, err := dec.Token()
		return l, err
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		return x.Float64()
	}
	return tok, nil
}

func main() {
	n := flag.Int("n", 2000, "iterations")
	dir := flag.String("dir", "bench/jinja", "folder with template.sql and context.json")
	flag.Parse()
	src, err := os.ReadFile(filepath.Join(*dir, "template.sql"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	raw, err := os.ReadFile(filepath.Join(*dir, "context.json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	v, err := decode(dec)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	vars := map[string]jinja.Value{}
	d := v.(*jinja.Dict)
	for _, k := range d.Keys() {
		vars[k.(string)], _ = d.Get(k)
	}
	env := jinja.NewEnv()
	ctx := &jinja.Context{Vars: vars}
	run := func(parse, render bool, tmpl *jinja.Template) time.Duration {
		start := cpuTime()
		for i := 0; i < *n; i++ {
			t := tmpl
			if parse {
				t, err = env.Parse("template.sql", string(src))
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
			}
			if render {
				if _, err := t.Render(env, ctx); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
			}
		}
		return (cpuTime() - start) / time.Duration(*n)
	}
	tmpl, _ := env.Parse("template.sql", string(src))
	p := run(true, false, nil)
	r := run(false, true, tmpl)
	b := run(true, true, nil)
	fmt.Printf("gdbt jinja (cpu time): parse %d us/op, render %d us/op, parse+render %d us/op\n", p.Microseconds(), r.Microseconds(), b.Microseconds())
}
