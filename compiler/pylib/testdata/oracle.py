#!/usr/bin/env python3
"""Render pylib's oracle cases with Python's Jinja2 and dbt's {{ modules }}.

dbt-core (dbt/context/base.py, get_context_modules) puts pytz, datetime, re and itertools
in the context as `modules`; pytz is left out here (not installed on these machines; its
cases are checked against known offsets in Go). The templates avoid the clock.

Input (stdin): {"cases": [{"name": str, "template": str}]}.
Output (stdout): {name: {"out": str} | {"error": str}}.
"""
import datetime
import itertools
import json
import re
import sys

import jinja2

env = jinja2.Environment(extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do"])
modules = {"datetime": datetime, "re": re, "itertools": itertools}
run_started_at = datetime.datetime(2024, 3, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
out = {}
for case in json.load(sys.stdin)["cases"]:
    try:
        out[case["name"]] = {"out": env.from_string(case["template"]).render(modules=modules, run_started_at=run_started_at)}
    except Exception as exc:  # noqa: BLE001 - an error is a result to compare
        out[case["name"]] = {"error": type(exc).__name__ + ": " + str(exc)}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
