#!/usr/bin/env python3
"""Render gdbt's Jinja oracle cases with Python's Jinja2, the reference implementation.

Input (stdin): {"cases": [{"name": str, "template": str, "context": str (a JSON object),
                          "files": {name: template} (optional, for include and import)}]}.
Output (stdout): {"jinja2_version": str, "results": {name: {"out": str} |
                 {"error": exception type name, "phase": "parse" | "render", "message": str}}}.

The environment is the one dbt uses for rendering (dbt_common/clients/jinja.py,
get_environment): a SandboxedEnvironment with the loopcontrols and do extensions,
Jinja2's default Undefined, autoescape off, no trim_blocks / lstrip_blocks and
keep_trailing_newline False. One Environment serves every case: templates cannot change
it (set and namespace only touch a render's own context). A case with files gets its own
Environment with a DictLoader serving them.

Run by oracle_test.go (go test ./compiler/jinja), or by hand:
    python3 render.py < cases.json

With --serve it stays alive for the differential fuzzer (difffuzz_test.go): each input line
is one request as above, answered by one output line, so thousands of templates cost one
process.
"""
import json
import signal
import sys
import warnings

import jinja2
import jinja2.sandbox


# SERVE_TIMEOUT bounds one render in --serve mode (0: unbounded, the default for the corpus).
SERVE_TIMEOUT = 0


def new_env(files=None):
    # dbt_common/clients/jinja.py: MacroFuzzEnvironment subclasses SandboxedEnvironment.
    return jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.DictLoader(files) if files else None,
        extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do"],
        undefined=jinja2.Undefined,
        autoescape=False,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=False,
    )


def render(env, case):
    try:
        ctx = json.loads(case.get("context") or "{}")
    except ValueError as exc:
        return {"error": "BadContext", "phase": "context", "message": str(exc)}
    if case.get("files"):
        env = new_env(case["files"])
    try:
        tmpl = env.from_string(case["template"])
    except Exception as exc:  # noqa: BLE001 - every failure is a result to compare
        return {"error": type(exc).__name__, "phase": "parse", "message": str(exc)}
    try:
        signal.setitimer(signal.ITIMER_REAL, SERVE_TIMEOUT)
        return {"out": tmpl.render(**ctx)}
    except Exception as exc:  # noqa: BLE001
        return {"error": type(exc).__name__, "phase": "render", "message": str(exc)}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def answer(env, req):
    results = {}
    for case in req["cases"]:
        results[case["name"]] = render(env, case)
    return {"jinja2_version": jinja2.__version__, "results": results}


class Timeout(Exception):
    """A case ran longer than the fuzzer's budget (--serve only)."""


def on_alarm(signum, frame):
    raise Timeout("the case ran longer than 5 seconds")


def main():
    sys.setrecursionlimit(3000)
    env = new_env()
    if sys.argv[1:] == ["--serve"]:
        global SERVE_TIMEOUT
        SERVE_TIMEOUT = 5
        signal.signal(signal.SIGALRM, on_alarm)
        warnings.simplefilter("ignore")  # e.g. SyntaxWarning from compiled random templates
        for line in sys.stdin:
            json.dump(answer(env, json.loads(line)), sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
            sys.stdout.flush()
        return
    json.dump(
        answer(env, json.load(sys.stdin)),
        sys.stdout,
        ensure_ascii=False,
        indent=1,
        sort_keys=True,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
