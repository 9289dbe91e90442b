# Renders each case with Python's Jinja2 (dbt's settings: do + loopcontrols extensions,
# defaults otherwise). Input: JSON list of {"src": str, "vars": {...}}; output: JSON list
# of {"out": str} or {"err": str}.
import json, sys
import jinja2

env = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
cases = json.load(sys.stdin)
res = []
for c in cases:
    try:
        res.append({"out": env.from_string(c["src"]).render(**c.get("vars", {}))})
    except Exception as e:
        res.append({"err": type(e).__name__ + ": " + str(e)})
json.dump(res, sys.stdout)
