#!/usr/bin/env python3
"""Times Python Jinja2 3.1 parse+render of template.sql with context.json (dbt's settings:
do + loopcontrols extensions). Prints the rendered output with --print, else timings.
The Go side is BenchmarkParseRender in compiler/jinja/bench_test.go (same files)."""
import json, os, sys, time
import jinja2

here = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(here, "template.sql")).read()
ctx = json.load(open(os.path.join(here, "context.json")))
env = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])

if "--print" in sys.argv:
    sys.stdout.write(env.from_string(src).render(**ctx))
    sys.exit(0)

def timeit(fn, seconds=2.0):
    # CPU time of this process, so machine load does not skew the comparison
    n, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        fn(); n += 1
    return (time.process_time() - start) / n

tmpl = env.from_string(src)
parse = timeit(lambda: env.from_string(src))
render = timeit(lambda: tmpl.render(**ctx))
both = timeit(lambda: env.from_string(src).render(**ctx))
print(f"python jinja2 {jinja2.__version__} (cpu time): parse {parse*1e6:.0f} us/op, render {render*1e6:.0f} us/op, parse+render {both*1e6:.0f} us/op")
