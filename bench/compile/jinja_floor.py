#!/usr/bin/env python3
"""The floor for dbt-core's parse/compile: Python Jinja2 rendering every model template of
a generated project once, with the project's macros loaded and stub ref/source/config/var/
is_incremental/this functions (no manifest, no YAML, no graph: dbt-core does all that on top,
and renders every model twice, at parse and at compile).

usage: jinja_floor.py PROJECT_DIR [--print MODEL_NAME]
Prints one line: "jinja2 <version>: <n> models, read+parse+render <seconds> s, peak_rss_kb <kb>".
"""
import glob
import os
import resource
import sys
import time

import jinja2


def main():
    root = sys.argv[1]
    start = time.perf_counter()
    env = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
    macros = {}
    for path in sorted(glob.glob(os.path.join(root, "macros", "**", "*.sql"), recursive=True)):
        module = env.from_string(open(path).read()).module
        for name in dir(module):
            if not name.startswith("_"):
                macros[name] = getattr(module, name)
    captured = []
    ctx = dict(macros)
    ctx.update(
        ref=lambda *a, **k: '"main"."%s"' % a[-1],
        source=lambda s, t: '"%s"."%s"' % (s, t),
        config=lambda *a, **k: captured.append(k) or "",
        var=lambda name, default=None: default,
        is_incremental=lambda: False,
        this='"main"."this"',
        target={"name": "dev", "schema": "main", "type": "duckdb"},
    )
    env.globals.update(ctx)
    paths = sorted(glob.glob(os.path.join(root, "models", "**", "*.sql"), recursive=True))
    out = {}
    for path in paths:
        src = open(path).read()
        out[path] = env.from_string(src).render()
    elapsed = time.perf_counter() - start
    if "--print" in sys.argv:
        name = sys.argv[sys.argv.index("--print") + 1]
        for p, sql in out.items():
            if os.path.basename(p) == name + ".sql":
                sys.stdout.write(sql)
        return
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"jinja2 {jinja2.__version__}: {len(paths)} models, read+parse+render {elapsed:.3f} s, peak_rss_kb {rss}")


if __name__ == "__main__":
    main()
