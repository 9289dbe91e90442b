# Renders each case with Python's Jinja2 (dbt's settings, dbt_common/clients/jinja.py: a
# SandboxedEnvironment, do + loopcontrols extensions,
# defaults otherwise). Input: JSON list of {"src": str, "vars": {...}}; output: JSON list
# of {"out": str} or {"err": str}.
import json, sys
import jinja2
import jinja2.sandbox

env = jinja2.sandbox.SandboxedEnvironment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
cases = json.load(sys.stdin)
res = []
for c in cases:
    try:
        res.append({"out": env.from_string(c["src"]).render(**c.get("vars", {}))})
    except Exception as e:
        res.append({"err": type(e).__name__ + ": " + str(e)})
json.dump(res, sys.stdout)
