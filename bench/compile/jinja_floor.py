#!/usr/bin/env python3
"""The floor for dbt-core's parse/compile: Python Jinja2 rendering every model template of
a generated project once, with the project's and installed packages' macros loaded (adapter.dispatch and return() as dbt resolves them) and stub ref/source/config/var/
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
    class Return(Exception):
        def __init__(self, value):
            self.value = value

    def do_return(value):
        raise Return(value)

    def returning(m):
        # dbt's {{ return(x) }} ends a macro with a value (dbt/clients/jinja.py MacroGenerator).
        def call(*a, **k):
            try:
                return m(*a, **k)
            except Return as r:
                return r.value
        return call

    def load_macros(folder):
        found = {}
        for path in sorted(glob.glob(os.path.join(folder, "**", "*.sql"), recursive=True)):
            module = env.from_string(open(path).read()).module
            for name in dir(module):
                if not name.startswith("_"):
                    found[name] = returning(getattr(module, name))
        return found

    class Namespace:
        def __init__(self, macros):
            self.__dict__.update(macros)

    class Adapter:
        # adapter.dispatch as dbt resolves it with no adapter-specific override:
        # <package>.default__<name> (dbt/context/providers.py BaseDatabaseWrapper.dispatch).
        def dispatch(self, name, macro_namespace=None):
            ns = packages.get(macro_namespace) if macro_namespace else None
            for cand in ("default__" + name, name):
                if ns is not None and hasattr(ns, cand):
                    return getattr(ns, cand)
                if cand in macros:
                    return macros[cand]
            raise KeyError(name)

        def quote(self, s):
            return '"%s"' % s

    # Macro modules see the globals as they are when loaded, so the namespaces, adapter and
    # return() go in first and are filled afterwards.
    macros = {}
    pdirs = sorted(glob.glob(os.path.join(root, "dbt_packages", "*")))
    packages = {os.path.basename(d): Namespace({}) for d in pdirs}
    env.globals.update(packages)
    env.globals.update(adapter=Adapter(), **{"return": do_return})
    for d in pdirs:
        packages[os.path.basename(d)].__dict__.update(load_macros(os.path.join(d, "macros")))
    macros.update(load_macros(os.path.join(root, "macros")))
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
